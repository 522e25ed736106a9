import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, readdir, rm, stat, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import type { StateStore } from '../../../src/core/StateStore.js'
import type { Flow } from '../../../src/core/Flow.js'
import type { RunOptions } from '../../../src/core/RunOptions.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { fromCsv } from '../../../src/sources/fromCsv.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { fromJson } from '../../../src/sources/fromJson.js'
import { merge } from '../../../src/sources/merge.js'
import { validate } from '../../../src/operators/validate.js'
import { dedupe } from '../../../src/operators/dedupe.js'
import { aggregate, reducer } from '../../../src/operators/aggregate.js'
import { map } from '../../../src/operators/map.js'
import { toCsv } from '../../../src/sinks/toCsv.js'
import { toArray } from '../../../src/sinks/toArray.js'
import { toJson } from '../../../src/sinks/toJson.js'
import { deadLetter } from '../../../src/policies/deadLetter.js'
import { NumberFromString } from '../../../src/codecs/NumberFromString.js'
import { memoryStateStore } from '../../support/stateRun.js'
import { fileStateStore } from '../../../src/state/fileStateStore.js'
import type {
  SavedCheckpoint,
  SavedFileSink,
} from '../../../src/internal/checkpoint/savedCheckpoint.js'

const Row = t.type({ id: t.string, email: t.string, amount: NumberFromString })
type Row = t.TypeOf<typeof Row>
const ROWS = 6_000

let directory: string
let input: string

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-checkpoint-'))
  input = join(directory, 'input.csv')
  const lines = ['id,email,amount']
  for (let index = 0; index < ROWS; index++)
    lines.push(
      `R${index},user${index % 4_500}@example.com,${index % 101 === 0 ? 'n/a' : index * 1.5}`,
    )
  await writeFile(input, `${lines.join('\n')}\n`)
})

afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

/** fromCsv → validate → (abort after `stopAfter` records) → dedupe → toCsv. */
function importRun(output: string, options: RunOptions, stopAfter?: number): Promise<RunReport> {
  const controller = new AbortController()
  let seen = 0
  return pipe(
    fromCsv(input),
    validate(Row),
    map((row) => {
      if (++seen === stopAfter) controller.abort()
      return row
    }),
    dedupe({ key: 'email' }),
    toCsv(join(directory, output), { lineEnding: '\n', signal: controller.signal, ...options }),
  )
}

const checkpointed = (store: StateStore, extra: RunOptions = {}): RunOptions => ({
  state: { store, key: 'import' },
  checkpoint: { everyRecords: 1_000 },
  ...extra,
})

const figures = (report: RunReport) => ({
  read: report.read,
  written: report.written,
  dropped: report.dropped,
  droppedByReason: report.droppedByReason,
  failed: report.failed,
  stages: report.stages.map(({ name, in: received, out, dropped, failed }) => ({
    name: name.replace(/ \S+\.csv$/, ''),
    received,
    out,
    dropped,
    failed,
  })),
})

describe('checkpoint and resume', () => {
  it('resumes a stopped run to the bytes of an uninterrupted one, its report covering the whole run', async () => {
    const plain = await importRun('plain.csv', {})
    const store = memoryStateStore()
    const stopped = await importRun('out.csv', checkpointed(store), 4_000).catch(
      (error: { report: RunReport }) => error.report,
    )
    expect(stopped.status).toBe('aborted')
    // The temporary file stays for the resume, named by the checkpoint.
    const saved = ((await store.get('import')) as { checkpoint: SavedCheckpoint }).checkpoint
    const temporary = (Object.values(saved.sinks)[0] as SavedFileSink | undefined)?.path as string
    expect((await stat(temporary)).size).toBeGreaterThanOrEqual(
      (Object.values(saved.sinks)[0] as SavedFileSink | undefined)?.bytes as number,
    )

    const resumed = await importRun('out.csv', checkpointed(store, { resume: true }))
    expect(resumed.status).toBe('completed')
    expect(await readFile(join(directory, 'out.csv'), 'utf8')).toBe(
      await readFile(join(directory, 'plain.csv'), 'utf8'),
    )
    expect(figures(resumed)).toEqual(figures(plain))
    expect(resumed.read + resumed.created).toBe(
      resumed.written + resumed.dropped + resumed.merged + resumed.failed,
    )
    expect(resumed.resumedFrom).toEqual({
      checkpointAt: saved.at,
      settled: saved.ledger.read,
    })
    expect((await readdir(directory)).sort()).toEqual(['input.csv', 'out.csv', 'plain.csv'])
    // The completed run's state replaced the checkpoint: the next run reads only new rows.
    expect(await store.get('import')).not.toHaveProperty('checkpoint')
    await appendFile(input, 'N1,new@example.com,5\n')
    const next = await importRun('out.csv', checkpointed(store, { resume: true }))
    expect(next.read).toBe(1)
    expect(next.resumedFrom).toBeUndefined()
  })

  it('never saves a position ahead of what the temporary file holds durably', async () => {
    const inner = memoryStateStore()
    const seen: Array<{ rowsInFile: number; uncommitted: number; rowsRead: number; read: number }> =
      []
    const inputText = await readFile(input, 'utf8')
    const store: StateStore = {
      ...inner,
      async put(key, value) {
        const checkpoint = (value as { checkpoint?: SavedCheckpoint }).checkpoint
        if (checkpoint !== undefined) {
          const sink = Object.values(checkpoint.sinks)[0] as SavedFileSink
          const file = await readFile(sink.path)
          const position = Object.values(checkpoint.sources)[0] as { file: { offset: number } }
          seen.push({
            rowsInFile: file.subarray(0, sink.bytes).toString('utf8').split('\n').length - 2,
            uncommitted: checkpoint.ledger.uncommitted,
            rowsRead:
              Buffer.from(inputText).subarray(0, position.file.offset).toString().split('\n')
                .length - 2,
            read: checkpoint.ledger.read,
          })
        }
        return inner.put(key, value)
      },
    }
    await importRun('out.csv', checkpointed(store))
    expect(seen.length).toBeGreaterThan(3)
    for (const checkpoint of seen) {
      // Every record the position covers is in the durable prefix (or dropped, or failed)...
      expect(checkpoint.rowsInFile).toBe(checkpoint.uncommitted)
      // ...and the position is exactly after the records read.
      expect(checkpoint.rowsRead).toBe(checkpoint.read)
    }
  })

  it('starts over without resume, removing the files of the checkpoint it replaces', async () => {
    const store = memoryStateStore()
    await importRun('out.csv', checkpointed(store), 3_000).catch(() => undefined)
    expect((await readdir(directory)).some((name) => name.endsWith('.tmp'))).toBe(true)
    const again = await importRun('out.csv', checkpointed(store))
    expect(again.read).toBe(ROWS)
    expect(again.resumedFrom).toBeUndefined()
    expect((await readdir(directory)).sort()).toEqual(['input.csv', 'out.csv'])
  })

  it('leaves no temporary file or journal when its first checkpoint cannot be saved', async () => {
    const store = memoryStateStore()
    const failing: StateStore = {
      ...store,
      put: () => Promise.reject(new Error('the disk is full')),
    }
    await expect(importRun('out.csv', checkpointed(failing))).rejects.toThrow(
      'saving the checkpoint under "import" failed: the disk is full',
    )
    expect(await readdir(directory)).toEqual(['input.csv'])
    expect(await store.get('import')).toBeUndefined()
  })

  it('keeps the files of its last saved checkpoint when a later one cannot be saved', async () => {
    const store = memoryStateStore()
    let puts = 0
    const failing: StateStore = {
      ...store,
      put: (key, value) =>
        ++puts === 3 ? Promise.reject(new Error('the disk is full')) : store.put(key, value),
    }
    await expect(importRun('out.csv', checkpointed(failing))).rejects.toThrow('the disk is full')
    // Two checkpoints saved: the temporary file and the journal they name stay for a resume.
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toHaveLength(2)
    const resumed = await importRun('out.csv', checkpointed(store, { resume: true }))
    expect(resumed.resumedFrom?.settled).toBeGreaterThan(0)
    expect(resumed.read).toBe(ROWS)
    expect((await readdir(directory)).sort()).toEqual(['input.csv', 'out.csv'])
    const reference = await importRun('reference.csv', {})
    expect(reference.written).toBe(resumed.written)
    expect(await readFile(join(directory, 'out.csv'), 'utf8')).toBe(
      await readFile(join(directory, 'reference.csv'), 'utf8'),
    )
  })

  it('runs two checkpointed runs at once on one fileStateStore, each under its key, both whole', async () => {
    const store = fileStateStore(join(directory, 'state.json'))
    const run = (output: string, key: string): Promise<RunReport> =>
      importRun(output, { state: { store, key }, checkpoint: { everyRecords: 500 } })
    const [first, second] = await Promise.all([run('a.csv', 'a'), run('b.csv', 'b')])
    expect(first.read).toBe(ROWS)
    expect(second.read).toBe(ROWS)
    expect(await readFile(join(directory, 'a.csv'), 'utf8')).toBe(
      await readFile(join(directory, 'b.csv'), 'utf8'),
    )
    expect(await store.list()).toEqual(['a', 'b'])
    for (const key of ['a', 'b'])
      expect(Object.keys((await store.get(key)) as object).sort()).toEqual([
        'committedAt',
        'positions',
        'version',
      ])
    expect((await readdir(directory)).sort()).toEqual(['a.csv', 'b.csv', 'input.csv', 'state.json'])
  })

  it('gives the run an id in the state only when its sink asks for one (a webhook, not a file)', async () => {
    const store = memoryStateStore()
    await importRun('out.csv', checkpointed(store), 3_000).catch(() => undefined)
    const document = (await store.get('import')) as Record<string, unknown>
    expect(document['checkpoint']).toBeDefined()
    expect(document['run']).toBeUndefined()
  })

  it('runs as usual when resume finds no checkpoint', async () => {
    const report = await importRun('out.csv', checkpointed(memoryStateStore(), { resume: true }))
    expect(report.read).toBe(ROWS)
    expect(report.resumedFrom).toBeUndefined()
  })

  it('fails a resume into another sink than the checkpoint of the key, and a refused run touches nothing', async () => {
    const store = memoryStateStore()
    await importRun('out.csv', checkpointed(store), 3_000).catch(() => undefined)
    const before = JSON.stringify(await store.get('import'))
    await expect(importRun('other.csv', checkpointed(store, { resume: true }))).rejects.toThrow(
      /the checkpoint under "import" is of another sink \(toCsv out\.csv\), not toCsv other\.csv/,
    )
    await expect(
      pipe(fromCsv(input), toArray(checkpointed(store, { resume: true }))),
    ).rejects.toThrow(/cannot be checkpointed/)
    expect(JSON.stringify(await store.get('import'))).toBe(before)
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toHaveLength(2)
  })

  it('fails a resume whose temporary file is gone, naming it', async () => {
    const store = memoryStateStore()
    await importRun('out.csv', checkpointed(store), 3_000).catch(() => undefined)
    const saved = ((await store.get('import')) as { checkpoint: SavedCheckpoint }).checkpoint
    await rm((Object.values(saved.sinks)[0] as SavedFileSink | undefined)?.path as string)
    await expect(importRun('out.csv', checkpointed(store, { resume: true }))).rejects.toThrow(
      /cannot resume: the temporary file .*\.tmp of the checkpoint is gone/,
    )
  })
})

describe('what checkpoints refuse at start', () => {
  const refused = async (run: Promise<RunReport>, message: RegExp): Promise<void> => {
    const error = (await run.then(
      () => undefined,
      (failure: unknown) => failure,
    )) as (Error & { report?: RunReport }) | undefined
    expect(error?.message).toMatch(message)
    expect(error?.report?.read).toBe(0)
  }
  const store = memoryStateStore()

  it('needs the state option', async () => {
    await refused(
      pipe(fromCsv(input), toCsv(join(directory, 'out.csv'), { checkpoint: {} })),
      /checkpoint and resume need the state option/,
    )
  })

  it('names an operator whose state it cannot save', async () => {
    await refused(
      pipe(
        fromCsv(input),
        aggregate({ groupBy: ['email'], measures: { id: 'count' }, window: { count: 100 } }),
        toCsv(join(directory, 'out.csv'), checkpointed(store)),
      ),
      /checkpoint: aggregate with a window emits its groups during the run/,
    )
    const ids = reducer({ name: 'ids', initial: () => new Set<unknown>(), reduce: (acc) => acc })
    await refused(
      pipe(
        fromCsv(input),
        aggregate({ groupBy: ['email'], measures: { id: ids }, name: 'by email' }),
        toCsv(join(directory, 'out.csv'), checkpointed(store)),
      ),
      /checkpoint: by email cannot be checkpointed: the measure id_ids: the accumulator of the reducer ids: cannot save a Set in a checkpoint: not JSON data/,
    )
  })

  it('names a sink or a source that cannot take part, and several sources', async () => {
    await refused(
      pipe(fromCsv(input), toArray(checkpointed(store))),
      /the sink toArray cannot be checkpointed/,
    )
    await refused(
      pipe(fromCsv(input), toCsv(join(directory, 'out.csv.gz'), checkpointed(store))),
      /the sink toCsv out\.csv\.gz cannot be checkpointed/,
    )
    await refused(
      pipe(fromGenerator([{ id: 1 }]), toCsv(join(directory, 'out.csv'), checkpointed(store))),
      /the source fromGenerator cannot save a position/,
    )
    await refused(
      pipe(
        merge(fromCsv(input, { name: 'a' }), fromCsv(input, { name: 'b' })),
        toCsv(join(directory, 'out.csv'), checkpointed(store)),
      ),
      /the run has 2 sources; checkpoints support one/,
    )
  })

  it('refuses the deadLetter policy, whose second sink it does not cover', async () => {
    await refused(
      pipe(
        fromCsv(input),
        deadLetter(toArray()),
        toCsv(join(directory, 'out.csv'), checkpointed(store)),
      ),
      /the deadLetter policy writes to a second sink/,
    )
  })
})

describe('checkpoints of an NDJSON source', () => {
  it('resumes a stopped run to the bytes of an uninterrupted one', async () => {
    const ndjson = join(directory, 'input.ndjson')
    const lines: string[] = []
    for (let index = 0; index < ROWS; index++)
      lines.push(JSON.stringify({ id: `R${index}`, email: `u${index % 4_000}@x.org`, note: 'é🙂' }))
    await writeFile(ndjson, `${lines.join('\n')}\n`)
    const run = (output: string, options: RunOptions, stopAfter?: number) => {
      const controller = new AbortController()
      let seen = 0
      return pipe(
        fromJson(ndjson),
        map((value) => {
          if (++seen === stopAfter) controller.abort()
          return value as { id: string; email: string; note: string }
        }),
        dedupe({ key: 'email' }),
        toCsv(join(directory, output), { signal: controller.signal, ...options }),
      )
    }
    const plain = await run('plain.csv', {})
    const store = memoryStateStore()
    await run('out.csv', checkpointed(store), 4_000).catch(() => undefined)
    const resumed = await run('out.csv', checkpointed(store, { resume: true }))
    expect(resumed.resumedFrom?.settled).toBeGreaterThan(0)
    expect(figures(resumed)).toEqual(figures(plain))
    expect(await readFile(join(directory, 'out.csv'), 'utf8')).toBe(
      await readFile(join(directory, 'plain.csv'), 'utf8'),
    )
  })
})

describe('checkpoints of a CSV file with a byte order mark, CRLF and quoted line breaks', () => {
  it('resumes to the bytes of an uninterrupted run, from any stopping point', async () => {
    const lines = ['\uFEFFid,email,amount']
    for (let index = 0; index < ROWS; index++)
      lines.push(`R${index},"u${index % 5_000}\r\n@x.org",${index}`)
    await writeFile(input, `${lines.join('\r\n')}\r\n`)
    const plain = await importRun('plain.csv', {})
    const expected = await readFile(join(directory, 'plain.csv'), 'utf8')
    for (const stopAfter of [1_500, 2_900, 5_999]) {
      const store = memoryStateStore()
      await importRun('out.csv', checkpointed(store), stopAfter).catch(() => undefined)
      const resumed = await importRun('out.csv', checkpointed(store, { resume: true }))
      // The first stop comes before the first checkpoint (a batch is ~2,000 rows): a fresh start.
      expect(resumed.resumedFrom === undefined).toBe(stopAfter < 2_000)
      expect(figures(resumed)).toEqual(figures(plain))
      expect(await readFile(join(directory, 'out.csv'), 'utf8')).toBe(expected)
    }
  })
})

describe('checkpoints of operators that keep state', () => {
  /** fromCsv → validate → (abort after `stopAfter`) → `operator` → toCsv. */
  const statefulRun = (
    operator: (flow: Flow<Row>) => Flow<object>,
    output: string,
    options: RunOptions,
    stopAfter?: number,
  ): Promise<RunReport> => {
    const controller = new AbortController()
    let seen = 0
    return pipe(
      fromCsv(input),
      validate(Row),
      map((row) => {
        if (++seen === stopAfter) controller.abort()
        return row
      }),
      operator,
      toCsv(join(directory, output), { lineEnding: '\n', signal: controller.signal, ...options }),
    )
  }

  /** Stops the run at several points, resumes each, and compares with an uninterrupted run. */
  const resumesExactly = async (operator: (flow: Flow<Row>) => Flow<object>): Promise<void> => {
    const plain = await statefulRun(operator, 'plain.csv', {})
    const expected = await readFile(join(directory, 'plain.csv'), 'utf8')
    let resumedRuns = 0
    for (const stopAfter of [1_500, 2_900, 4_400, 5_900]) {
      const store = memoryStateStore()
      const stopped = await statefulRun(operator, 'out.csv', checkpointed(store), stopAfter).catch(
        (error: { report: RunReport }) => error.report,
      )
      expect(stopped.status).toBe('aborted')
      const resumed = await statefulRun(operator, 'out.csv', checkpointed(store, { resume: true }))
      if (resumed.resumedFrom !== undefined) resumedRuns += 1
      expect(figures(resumed)).toEqual(figures(plain))
      expect(resumed.merged).toBe(plain.merged)
      expect(resumed.created).toBe(plain.created)
      expect(resumed.read + resumed.created).toBe(
        resumed.written + resumed.dropped + resumed.merged + resumed.failed,
      )
      expect(await readFile(join(directory, 'out.csv'), 'utf8')).toBe(expected)
      expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    }
    expect(resumedRuns).toBeGreaterThanOrEqual(3)
  }

  it('restores the records dedupe keeps (keep last), in their order', async () => {
    await resumesExactly(dedupe({ key: 'email', keep: 'last' }))
  })

  it('restores the records dedupe keeps by latestBy', async () => {
    await resumesExactly(dedupe({ key: 'email', latestBy: 'amount' }))
  })

  it("restores aggregate's groups, built-in measures and reducers, in the order first seen", async () => {
    const firstIds = reducer({
      name: 'firstIds',
      initial: (): string[] => [],
      reduce: (acc: string[], value) => (acc.length < 3 ? [...acc, String(value)] : acc),
      result: (acc) => acc.join('|'),
    })
    await resumesExactly(
      aggregate({
        groupBy: ['email'],
        measures: {
          amount: ['sum', 'avg', 'min', 'max'],
          id: ['count', 'countDistinct', 'first', 'last', firstIds],
        },
      }),
    )
  })

  it('fails the checkpoint, naming the stage and the reducer, when an accumulator cannot be saved', async () => {
    const late = reducer({
      name: 'late',
      initial: (): unknown => 0,
      reduce: (acc: unknown) =>
        acc instanceof Map ? acc : (acc as number) > 1_200 ? new Map() : (acc as number) + 1,
    })
    const failed = await statefulRun(
      aggregate({ groupBy: () => 'all', measures: { id: late } }),
      'out.csv',
      checkpointed(memoryStateStore()),
    ).catch((error: Error) => error)
    expect((failed as Error).message).toMatch(
      /aggregate: checkpoint: the accumulator of the reducer late: cannot save a Map/,
    )
  })

  it('finishes a JSON array whose run stopped after its final checkpoint, writing its end once', async () => {
    const run = (store: StateStore) =>
      pipe(
        fromCsv(input),
        validate(Row),
        aggregate({ groupBy: ['email'], measures: { amount: 'sum' } }),
        toJson(join(directory, 'out.json'), checkpointed(store, { resume: true })),
      )
    await run(memoryStateStore())
    const expected = await readFile(join(directory, 'out.json'), 'utf8')
    await rm(join(directory, 'out.json'))
    // The final checkpoint is saved, then the run fails before its commit (as a kill would).
    const inner = memoryStateStore()
    const failing: StateStore = {
      ...inner,
      async put(key, value) {
        await inner.put(key, value)
        if ((value as { checkpoint?: SavedCheckpoint }).checkpoint?.final === true)
          throw new Error('killed')
      },
    }
    await expect(run(failing)).rejects.toThrow(/killed/)
    const resumed = await run(inner)
    expect(resumed.read).toBe(ROWS)
    expect(resumed.resumedFrom).toBeDefined()
    expect(await readFile(join(directory, 'out.json'), 'utf8')).toBe(expected)
  })
})
