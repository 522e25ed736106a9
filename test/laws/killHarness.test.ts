/**
 * The kill harness: a child process runs a 200,000-row `fromCsv → validate → dedupe → toCsv`
 * pipeline with checkpoints and `resume: true`; the test SIGKILLs it at seeded moments — after a
 * random delay, or inside a chosen fsync or rename (the temporary file's, the journal's, the state
 * file's, the final commit's) — starts it again until it completes, and compares the output with
 * an uninterrupted run's: byte for byte, with no temporary file left behind. A smaller set of
 * trials does the same for operators that keep state (dedupe keeping the last record, aggregate
 * into a JSON file).
 *
 * The child is bundled once with esbuild (the one tsx uses), so each start costs a Node start, not
 * a TypeScript compile: the suite's 20+ kills stay within its time budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fork } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleChild } from '../support/bundleChild.js'
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { validate } from '../../src/operators/validate.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toJson } from '../../src/sinks/toJson.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { byEmail, inputText, Row, type ChildConfig } from '../support/checkpointPipeline.js'

const ROWS = 200_000
const EVERY_RECORDS = 10_000
const SEED = 20_261_205

/** mulberry32: a small seeded generator, so every kill lands where it did last time. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}

type Outcome =
  | { readonly kind: 'done'; readonly message: DoneMessage }
  | { readonly kind: 'killed'; readonly at: string }

interface DoneMessage {
  readonly report: { readonly read: number; readonly written: number; readonly failed: number }
}

let directory: string
let input: string
let child: string
let expected: Buffer

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-kill-'))
  input = join(directory, 'input.csv')
  await writeFile(input, inputText(ROWS, random(SEED)))
  child = await bundleChild('checkpointChild')
  // The uninterrupted run, without checkpoints: what every killed and resumed run must write.
  const reference = join(directory, 'reference.csv')
  await pipe(
    fromCsv(input),
    validate(Row),
    dedupe({ key: 'email' }),
    toCsv(reference, { lineEnding: '\n' }),
  )
  expected = await readFile(reference)
}, 60_000)

afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
  await rm(child, { force: true })
})

/** Starts the child; kills it after `killAfterMs`, or when it stops inside the chosen call. */
function start(config: ChildConfig, killAfterMs: number | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const process = fork(child, [JSON.stringify(config)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    let stderr = ''
    let done: DoneMessage | undefined
    let at = 'a timer'
    process.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => process.kill('SIGKILL'), killAfterMs)
    process.on(
      'message',
      (message: { hang?: string; n?: number; path?: string; done?: boolean }) => {
        if (message.done === true) done = message as unknown as DoneMessage
        else if (message.hang !== undefined) {
          at = `${message.hang} #${message.n} (${message.path})`
          process.kill('SIGKILL')
        }
      },
    )
    process.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal === 'SIGKILL' && done === undefined) resolve({ kind: 'killed', at })
      else if (code === 0 && done !== undefined) resolve({ kind: 'done', message: done })
      else if (signal === 'SIGKILL') resolve({ kind: 'done', message: done as DoneMessage })
      else reject(new Error(`the child exited with ${code ?? signal}: ${stderr}`))
    })
  })
}

/** The run's entry in the state file, if there is one. */
async function stateEntry(stateFile: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(stateFile, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  return (JSON.parse(text) as { entries: Record<string, Record<string, unknown>> }).entries[
    'import'
  ]
}

/** Whether the state file says the run completed (its positions saved, no checkpoint left). */
async function completed(stateFile: string): Promise<boolean> {
  const entry = await stateEntry(stateFile)
  return entry !== undefined && entry['checkpoint'] === undefined && 'committedAt' in entry
}

/**
 * About how many checkpoints the next start will take: those left after the one it resumes from.
 * Each takes three fsyncs (the temporary file's prefix, the journal and the state file's new copy) and
 * one rename (the state file's), so a call chosen below that lands in the run, not after its end.
 */
async function checkpointsLeft(harness: Harness, stateFile: string): Promise<number> {
  const checkpoint = (await stateEntry(stateFile))?.['checkpoint'] as
    { ledger: { read: number } } | undefined
  return Math.max(
    1,
    Math.floor((harness.rows - (checkpoint?.ledger.read ?? 0)) / harness.everyRecords) - 1,
  )
}

/** What one set of trials runs: the input, the pipeline, the output an uninterrupted run writes. */
interface Harness {
  readonly input: string
  readonly rows: number
  readonly everyRecords: number
  readonly variant: NonNullable<ChildConfig['variant']>
  readonly output: string
  readonly expected: Buffer
  /** A timer's kill comes after this many ms plus a random share of `timerSpreadMs`. */
  readonly timerFromMs: number
  readonly timerSpreadMs: number
}

interface Trial {
  /** How each start before the last is killed. */
  readonly kills: ReadonlyArray<{ kind: 'timer' | 'sync' | 'rename' | 'commit' }>
}

/** The child's configuration for a run of `harness` in `folder` (its output and state file there). */
function childConfig(harness: Harness, folder: string): ChildConfig {
  return {
    input: harness.input,
    output: join(folder, harness.output),
    stateFile: join(folder, 'state.json'),
    everyRecords: harness.everyRecords,
    variant: harness.variant,
  }
}

/** How long one start of the child takes when nothing kills it, in ms (in a folder of its own). */
async function uninterruptedMs(harness: Harness): Promise<number> {
  const folder = join(directory, `${harness.variant}-uninterrupted`)
  await mkdir(folder)
  const started = performance.now()
  const outcome = await start(childConfig(harness, folder), undefined)
  expect(outcome.kind).toBe('done')
  return performance.now() - started
}

/** Runs one trial to completion; returns where each kill landed. */
async function trial(
  harness: Harness,
  index: number,
  plan: Trial,
  next: () => number,
): Promise<string[]> {
  const folder = join(directory, `${harness.variant}-trial-${index}`)
  await mkdir(folder)
  const config = childConfig(harness, folder)
  const landed: string[] = []
  for (const kill of plan.kills) {
    const left = await checkpointsLeft(harness, config.stateFile)
    const outcome =
      kill.kind === 'timer'
        ? await start(config, Math.round(harness.timerFromMs + next() * harness.timerSpreadMs))
        : kill.kind === 'commit'
          ? await start({ ...config, hangAt: { kind: 'rename', onto: harness.output } }, undefined)
          : await start(
              {
                ...config,
                hangAt: {
                  kind: kill.kind,
                  n: 1 + Math.floor(next() * (kill.kind === 'sync' ? 3 * left : left)),
                },
              },
              undefined,
            )
    if (outcome.kind === 'killed') landed.push(outcome.at)
    if (outcome.kind === 'done' || (await completed(config.stateFile))) break
  }
  if (!(await completed(config.stateFile))) {
    const last = await start(config, undefined)
    expect(last.kind).toBe('done')
  }
  expect((await readFile(config.output)).equals(harness.expected)).toBe(true)
  expect((await readdir(folder)).sort()).toEqual([harness.output, 'state.json'].sort())
  return landed
}

describe('the kill harness', () => {
  it('gives byte for byte the output of an uninterrupted run, however often the run is SIGKILLed', async () => {
    const next = random(SEED + 1)
    const plans: Trial[] = [
      { kills: [{ kind: 'sync' }, { kind: 'timer' }, { kind: 'rename' }, { kind: 'sync' }] },
      { kills: [{ kind: 'timer' }, { kind: 'sync' }, { kind: 'sync' }, { kind: 'rename' }] },
      { kills: [{ kind: 'rename' }, { kind: 'timer' }, { kind: 'sync' }, { kind: 'commit' }] },
      { kills: [{ kind: 'sync' }, { kind: 'sync' }, { kind: 'timer' }, { kind: 'rename' }] },
      { kills: [{ kind: 'timer' }, { kind: 'rename' }, { kind: 'sync' }, { kind: 'sync' }] },
      { kills: [{ kind: 'rename' }, { kind: 'sync' }, { kind: 'timer' }, { kind: 'commit' }] },
    ]
    const harness: Harness = {
      input,
      rows: ROWS,
      everyRecords: EVERY_RECORDS,
      variant: 'dedupe',
      output: 'out.csv',
      expected,
      timerFromMs: 100,
      timerSpreadMs: 900,
    }
    // A timer's kill lands only while the child still runs: on a fast machine a start may finish
    // first. Trials go on (at most 9) until 20 kills have landed, on a fast machine as on a slow one.
    const landed: string[] = []
    for (let index = 0; index < 9 && (index < plans.length || landed.length < 20); index++)
      landed.push(...(await trial(harness, index, plans[index % plans.length] as Trial, next)))
    expect(landed.length).toBeGreaterThanOrEqual(20)
    expect(landed.some((at) => at.startsWith('sync'))).toBe(true)
    expect(landed.some((at) => at.includes('out.csv'))).toBe(true)
  }, 300_000)

  it('restores the state of dedupe keeping the last record, and of aggregate into toJson, byte for byte', async () => {
    const rows = 40_000
    const small = join(directory, 'small.csv')
    await writeFile(small, inputText(rows, random(SEED + 2)))
    const next = random(SEED + 3)
    const reference = join(directory, 'small-reference')
    const variants = [
      {
        variant: 'dedupe-last' as const,
        output: 'out.csv',
        write: () =>
          pipe(
            fromCsv(small),
            validate(Row),
            dedupe({ key: 'email', keep: 'last' }),
            toCsv(reference, { lineEnding: '\n' }),
          ),
      },
      {
        variant: 'aggregate' as const,
        output: 'out.json',
        write: () => pipe(fromCsv(small), validate(Row), aggregate(byEmail), toJson(reference)),
      },
    ]
    const landed: string[] = []
    for (const { variant, output, write } of variants) {
      await write()
      const base = {
        input: small,
        rows,
        everyRecords: 2_000,
        variant,
        output,
        expected: await readFile(reference),
      }
      // This run is short (well under a second on an idle machine): a timer's kill is timed
      // within an uninterrupted start's own duration, measured here, or it would land after the end.
      const whole = await uninterruptedMs({ ...base, timerFromMs: 0, timerSpreadMs: 0 })
      const harness: Harness = {
        ...base,
        timerFromMs: Math.round(whole * 0.2),
        timerSpreadMs: Math.round(whole * 0.7),
      }
      const plan: Trial = {
        kills: [
          { kind: 'sync' },
          { kind: 'timer' },
          { kind: 'sync' },
          { kind: 'rename' },
          { kind: 'commit' },
        ],
      }
      // A kill that does not land (a sync numbered past the run's last) lets that start finish
      // and ends its trial: trials go on (at most 4) until 4 kills have landed per pipeline.
      const ours: string[] = []
      for (let index = 0; index < 4 && ours.length < 4; index++)
        ours.push(...(await trial(harness, index, plan, next)))
      landed.push(...ours)
    }
    expect(landed.length).toBeGreaterThanOrEqual(8)
  }, 300_000)
})
