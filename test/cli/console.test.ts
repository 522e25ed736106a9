import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import {
  consoleLogger,
  reportJson,
  reportText,
  signalExitCode,
  writeAtomically,
} from '../../src/cli/console.js'
import { summaryTable } from '../../src/internal/progress.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { runToArray } from '../../src/testing/runToArray.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-cli-console-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

afterEach(() => {
  vi.restoreAllMocks()
})

async function failingReport(failureCap?: number) {
  const result = await runToArray(
    pipe(
      fromGenerator([1, 2, 3, 4]),
      map((n: number) => {
        if (n % 2 === 0) throw new Error(`no ${n}`)
        return n
      }),
    ),
    failureCap === undefined ? {} : { failureCap },
  )
  return result.report
}

describe('consoleLogger', () => {
  it('prints information on stdout and warnings and errors on stderr, each line named', () => {
    const out: string[] = []
    const err: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk))
      return true
    })
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err.push(String(chunk))
      return true
    })
    const logger = consoleLogger('nightly', false)
    logger.info('started')
    logger.warn('slow')
    logger.error('broke')
    expect(out).toEqual(['[nightly] started\n'])
    expect(err).toEqual(['warning: [nightly] slow\n', 'error: [nightly] broke\n'])
  })

  it('stamps each line with the time when asked', () => {
    const out: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk))
      return true
    })
    consoleLogger('job', true).info('tick')
    expect(out[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[job\] tick\n$/)
  })
})

describe('reportText', () => {
  it('is the summary table followed by the failures', async () => {
    const report = await failingReport()
    expect(reportText(report)).toBe(
      `${summaryTable(report)}failures:\n  - map: no 2\n  - map: no 4\n`,
    )
  })

  it('says how many failures the report left out', async () => {
    const report = await failingReport(1)
    expect(reportText(report)).toContain('  … and 1 more failures\n')
  })
})

describe('reportJson', () => {
  it('is the report as indented JSON, passed through redact', async () => {
    const report = await failingReport()
    const json = reportJson(report, (text) => text.replaceAll('nightly', '***'))
    expect(json.endsWith('\n')).toBe(true)
    expect(JSON.parse(json)).toMatchObject({ read: 4, failed: 2, status: 'completed' })
    expect(json).toContain('\n  "read": 4')
    const redacted = reportJson({ ...report, name: 'nightly' }, (text) =>
      text.replaceAll('nightly', '***'),
    )
    expect(redacted).not.toContain('nightly')
  })

  it('writes an error inside the report as its name and message', async () => {
    const report = await failingReport()
    const json = reportJson({ ...report, cause: new RangeError('too far') } as never, (t) => t)
    expect(JSON.parse(json).cause).toEqual({ name: 'RangeError', message: 'too far' })
  })
})

describe('writeAtomically', () => {
  it('writes the whole text and leaves no temporary file', async () => {
    const path = join(dir, 'report.json')
    await writeAtomically(path, '{"a":1}')
    await writeAtomically(path, '{"a":2}')
    expect(await readFile(path, 'utf8')).toBe('{"a":2}')
    expect(await readdir(dir)).toEqual(['report.json'])
  })
})

describe('signalExitCode', () => {
  it('is 130 after SIGINT, 143 after SIGTERM, and 0 without a signal', () => {
    expect(signalExitCode('SIGINT')).toBe(130)
    expect(signalExitCode('SIGTERM')).toBe(143)
    expect(signalExitCode(undefined)).toBe(0)
  })
})
