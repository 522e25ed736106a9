/**
 * The outputs file sinks write to, through toCsv and toJson: an unfinished run keeps the earlier
 * target, an append leaves exactly the lines the report calls written, and every ending releases
 * the files and timers and leaves no temporary file.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { Flow } from '../../src/core/Flow.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toJson } from '../../src/sinks/toJson.js'
import { failFast } from '../../src/policies/failFast.js'
import { expectBalanced, settle } from '../support/ledger.js'
import { SAMPLE_SOURCES, sampleSources, withoutLeaks, type Row } from '../support/sampleFiles.js'

let dir: string
let sources: Record<string, () => Flow<Row>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-sink-output-'))
  sources = await sampleSources(dir)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function noTemporaryFiles(): Promise<void> {
  expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([])
}

describe('SinkOutput', () => {
  for (const format of ['csv', 'csv widened, gzipped', 'ndjson'] as const)
    it(`${format}: either completes with the new file or aborts with the earlier one, never both, when an abort arrives during the commit`, async () => {
      for (let delay = 0; delay < 12; delay++) {
        const target = join(dir, `commit-${delay}.${format.replaceAll(/\W/g, '')}`)
        await writeFile(target, 'EARLIER')
        const controller = new AbortController()
        const flow = pipe(
          // A key that appears late makes toCsv widen the file: a streamed rewrite at commit.
          fromGenerator(
            Array.from({ length: 300 }, (_, n) => (n === 250 ? { n, late: 'x' } : { n })),
          ),
          map((row) => row),
        )
        const options = {
          signal: controller.signal,
          fsync: true,
          hooks: {
            postStage(stage: { name: string }) {
              if (stage.name !== 'map') return
              let turns = delay
              const later = (): void => {
                if (turns-- <= 0) controller.abort()
                else setImmediate(later)
              }
              later()
            },
          },
        }
        const { report, error } = await settle(
          format === 'csv'
            ? toCsv<object>(target, options)(flow)
            : format === 'ndjson'
              ? toJson(target, { ...options, format: 'ndjson' })(flow)
              : toCsv<object>(target, { ...options, extraColumns: 'append', gzip: true })(flow),
        )
        expectBalanced(report)
        const bytes = await readFile(target)
        const text =
          format.includes('gzipped') && bytes.toString() !== 'EARLIER'
            ? gunzipSync(bytes).toString()
            : bytes.toString()
        if (report.status === 'completed') {
          expect(error).toBeUndefined()
          // Plain CSV keeps its first row's columns: record 250's late key makes it a SinkError.
          const refused = format === 'csv' ? 1 : 0
          expect(report.failed).toBe(refused)
          expect(report.written).toBe(300 - refused)
          expect(text).not.toBe('EARLIER')
          if (format.includes('widened')) expect(text.split('\r\n')[0]).toBe('n,late')
        } else {
          expect(error?.name).toBe('AbortError')
          expect(text, `delay ${delay}: aborted run replaced the target`).toBe('EARLIER')
        }
        expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([])
      }
    })

  for (const kind of ['csv', 'ndjson'] as const)
    it(`${kind}: an aborted run in append mode leaves exactly the lines the report calls written, each whole`, async () => {
      for (const abortAt of [1, 150, 999, 2_500]) {
        const target = join(dir, `append-${abortAt}.${kind}`)
        await writeFile(target, kind === 'csv' ? 'n,text\r\n-1,old\r\n' : '{"n":-1}\n')
        const controller = new AbortController()
        const { report } = await settle(
          pipe(
            fromGenerator(Array.from({ length: 3_000 }, (_, n) => ({ n, text: 'y'.repeat(50) }))),
            map((row) => {
              if (row.n === abortAt) controller.abort()
              return row
            }),
            kind === 'csv'
              ? toCsv(target, { append: true, signal: controller.signal, highWaterMark: 64 })
              : toJson(target, {
                  format: 'ndjson',
                  append: true,
                  signal: controller.signal,
                  highWaterMark: 64,
                }),
          ),
        )
        expect(report.status).toBe('aborted')
        expectBalanced(report)
        const lines = (await readFile(target, 'utf8')).split(/\r?\n/).filter((line) => line !== '')
        const added = lines.slice(kind === 'csv' ? 2 : 1)
        expect(added).toHaveLength(report.written)
        added.forEach((line, index) =>
          expect(line).toBe(
            kind === 'csv'
              ? `${index},${'y'.repeat(50)}`
              : JSON.stringify({ n: index, text: 'y'.repeat(50) }),
          ),
        )
      }
    })

  it('fails the run when the target directory disappears mid-run, leaving the books balanced', async () => {
    const sub = await mkdtemp(join(dir, 'vanishing-'))
    const target = join(sub, 'out.ndjson')
    let n = 0
    const { report, error } = await settle(
      pipe(
        fromGenerator(async function* () {
          for (; n < 5000; n++) {
            if (n === 2000) await rm(sub, { recursive: true, force: true })
            yield { id: `D${n}`, payload: 'x'.repeat(200) }
          }
        }),
        toJson(target, { format: 'ndjson', highWaterMark: 64, fsync: false }),
      ),
    )
    expectBalanced(report)
    // Writing to an unlinked temporary file still works on POSIX; the rename then fails.
    expect(report.status).toBe('failed')
    expect(error?.message).toContain(target)
    expect(report.written).toBe(0)
  })

  for (const name of SAMPLE_SOURCES)
    for (const sinkKind of ['csv', 'json'] as const)
      for (const ending of ['completed', 'failed', 'aborted'] as const)
        it(`${name}: releases files and timers into to${sinkKind === 'csv' ? 'Csv' : 'Json'} when ${ending}`, async () => {
          await withoutLeaks(async () => {
            const target = join(dir, `out-${sinkKind}`)
            const controller = new AbortController()
            const flow = pipe(
              sources[name]!(),
              map((row, index) => {
                if (ending === 'failed' && index === 700) throw new Error('boom')
                if (ending === 'aborted' && index === 700) controller.abort()
                return row
              }),
              failFast(),
            )
            const options = { signal: controller.signal, highWaterMark: 50, fsync: false }
            const { report } = await settle(
              sinkKind === 'csv'
                ? toCsv<Row>(target, options)(flow)
                : toJson<Row>(target, options)(flow),
            )
            expectBalanced(report)
            expect(report.status).toBe(ending)
          })
          await noTemporaryFiles()
        })
})
