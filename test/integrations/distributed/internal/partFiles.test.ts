import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  joinParts,
  PartJoiner,
} from '../../../../src/integrations/distributed/internal/partFiles.js'

const CSV = { csvHeader: true, delimiter: ',' }

function parts(texts: readonly string[]): { folder: string; paths: string[] } {
  const folder = mkdtempSync(join(tmpdir(), 'part-files-'))
  const paths = texts.map((text, index) => {
    const path = join(folder, `task-${index}.part`)
    if (text !== '') writeFileSync(path, text)
    return path
  })
  return { folder, paths }
}

describe('PartJoiner', () => {
  it('joins parts completed in any order in task order, the CSV header kept once', async () => {
    const { folder, paths } = parts([
      'id,note\r\n1,"a\r\nb"\r\n',
      '',
      'id,note\r\n2,c\r\n',
      'id,note\r\n3,"d,e"\r\n',
    ])
    const output = join(folder, 'out.csv')
    const joiner = new PartJoiner(paths, output, CSV)
    joiner.completed(2)
    joiner.completed(0)
    // Not there before the commit, though the first parts are joined already.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(existsSync(output)).toBe(false)
    joiner.completed(3)
    joiner.completed(1)
    await joiner.commit()
    expect(readFileSync(output, 'utf8')).toBe('id,note\r\n1,"a\r\nb"\r\n2,c\r\n3,"d,e"\r\n')
    expect(readdirSync(folder).filter((name) => name.endsWith('.joining'))).toEqual([])
  })

  it('starts the output with the first part that has bytes, header and all, when earlier parts are empty', async () => {
    const { folder, paths } = parts(['', 'id,note\n1,"a\nb"\n', 'id,note\n2,c\n'])
    const output = join(folder, 'out.csv')
    const joiner = new PartJoiner(paths, output, CSV)
    joiner.completed(1)
    joiner.completed(0)
    await joiner.commit()
    expect(readFileSync(output, 'utf8')).toBe('id,note\n1,"a\nb"\n2,c\n')
  })

  it('leaves no output and no temporary file when discarded', async () => {
    const { folder, paths } = parts(['a\n1\n', 'a\n2\n'])
    const output = join(folder, 'out.csv')
    const joiner = new PartJoiner(paths, output, CSV)
    joiner.completed(0)
    await joiner.discard()
    expect(readdirSync(folder).sort()).toEqual(['task-0.part', 'task-1.part'])
  })
})

describe('joinParts', () => {
  it('joins NDJSON parts as they are', async () => {
    const { folder, paths } = parts(['{"a":1}\n', '{"a":2}\n'])
    const output = join(folder, 'out.ndjson')
    await joinParts(paths, output, { csvHeader: false, delimiter: ',' })
    expect(readFileSync(output, 'utf8')).toBe('{"a":1}\n{"a":2}\n')
  })
})
