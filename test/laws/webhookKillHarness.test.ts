/**
 * The kill harness of `toWebhook`: a child process runs `fromCsv → validate → dedupe → toWebhook`
 * with checkpoints and `resume: true` against a receiver that this test process runs (so it
 * outlives every kill) and that keeps each request with its idempotency key. The test SIGKILLs the
 * child at seeded moments — after a random delay, as the receiver gets a chosen request (the
 * request in flight, never answered), or just after it answered one (the answer perhaps never
 * read) — starts it again until it completes, and checks what the receiver got:
 *
 * - the same key always carried the same body, so duplicates are whole batches under one key;
 * - taking each key once, in the order of the batch numbers, gives exactly the batches of an
 *   uninterrupted run (same records, same order, same boundaries);
 * - the last start's report counts the whole logical run, and no journal is left behind.
 *
 * The child is bundled once with esbuild, as in the file harness (killHarness.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fork } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleChild } from '../support/bundleChild.js'
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { validate } from '../../src/operators/validate.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { toArray } from '../../src/sinks/toArray.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { inputText, Row } from '../support/checkpointPipeline.js'
import { seededRandom } from '../support/flakyServer.js'
import { memoryStateStore } from '../support/stateRun.js'
import type { WebhookChildConfig } from '../support/webhookCheckpointChild.js'

const ROWS = 20_000
const EVERY_RECORDS = 2_000
const BATCH_SIZE = 50
const CONCURRENCY = 4
const SEED = 20_261_205

/** One request the receiver got. */
interface Received {
  readonly key: string
  readonly body: string
}

/** What the receiver does as a request arrives, or once its answer is written. */
interface Watch {
  onRequest?(count: number): void
  onAnswered?(count: number): void
}

/** The receiver: keeps each request by path (one path per trial), answers 200 after ~1 ms. */
class Receiver {
  readonly received = new Map<string, Received[]>()
  watch: Watch = {}
  private requests = 0
  private answered = 0
  private server: Server | undefined
  origin = ''

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.handle(request, response))
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as { port: number }
    this.origin = `http://127.0.0.1:${port}`
  }

  /** A new start of the child: counts from zero, with `watch`. */
  restart(watch: Watch): void {
    this.requests = 0
    this.answered = 0
    this.watch = watch
  }

  close(): Promise<void> {
    this.server?.closeAllConnections()
    return new Promise((resolve) =>
      this.server === undefined ? resolve() : this.server.close(() => resolve()),
    )
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (body += chunk))
    request.on('end', () => {
      const list = this.received.get(request.url ?? '') ?? []
      list.push({ key: String(request.headers['idempotency-key']), body })
      this.received.set(request.url ?? '', list)
      this.requests += 1
      this.watch.onRequest?.(this.requests)
      setTimeout(() => {
        if (response.destroyed) return
        response.end('ok', () => {
          this.answered += 1
          this.watch.onAnswered?.(this.answered)
        })
      }, 1)
    })
  }
}

type Kill = 'timer' | 'request' | 'answered' | 'none'

interface DoneMessage {
  readonly report: {
    readonly read: number
    readonly written: number
    readonly dropped: number
    readonly failed: number
    readonly resumedFrom?: { readonly settled: number }
  }
}

type Outcome =
  | { readonly kind: 'done'; readonly message: DoneMessage }
  | { readonly kind: 'killed'; readonly at: string }

let directory: string
let input: string
let child: string
const receiver = new Receiver()
/** The bodies of an uninterrupted checkpointed run, in the order of its batches. */
let expectedBodies: string[]
let expectedReport: { read: number; written: number; dropped: number; failed: number }

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-webhook-kill-'))
  input = join(directory, 'input.csv')
  await writeFile(input, inputText(ROWS, seededRandom(SEED)))
  await receiver.start()
  child = await bundleChild('webhookCheckpointChild')
  // The uninterrupted run: its batches are what every killed and resumed run must deliver.
  const reference = await pipe(
    fromCsv(input),
    validate(Row),
    dedupe({ key: 'email' }),
    toWebhook(`${receiver.origin}/reference`, {
      batchSize: BATCH_SIZE,
      concurrency: CONCURRENCY,
      state: { store: memoryStateStore(), key: 'import' },
      checkpoint: { everyRecords: EVERY_RECORDS },
    }),
  )
  expectedBodies = inOrder(receiver.received.get('/reference') ?? [])
  expectedReport = {
    read: reference.read,
    written: reference.written,
    dropped: reference.dropped,
    failed: reference.failed,
  }
  // …and the records of a run without checkpoints, as a plain array.
  const plain = await pipe(fromCsv(input), validate(Row), dedupe({ key: 'email' }), toArray())
  expect(expectedBodies.flatMap((body) => JSON.parse(body) as unknown[])).toEqual(
    JSON.parse(JSON.stringify(plain.records)),
  )
}, 120_000)

afterAll(async () => {
  await receiver.close()
  await rm(directory, { recursive: true, force: true })
  await rm(child, { force: true })
})

/**
 * Each key's body once, in the order of the batch numbers that end the keys (`<run id>-<n>`),
 * checking that a key seen twice carried the same body, that one run id was used and that the
 * numbers run from 0 without a gap.
 */
function inOrder(received: readonly Received[]): string[] {
  const bodies = new Map<string, string>()
  for (const { key, body } of received) {
    const earlier = bodies.get(key)
    if (earlier !== undefined && earlier !== body)
      throw new Error(`the key ${key} was sent with two different bodies`)
    bodies.set(key, body)
  }
  const runIds = new Set([...bodies.keys()].map((key) => key.slice(0, key.lastIndexOf('-'))))
  expect(runIds.size).toBe(1)
  const numbered = [...bodies.entries()].map(
    ([key, body]) => [Number(key.slice(key.lastIndexOf('-') + 1)), body] as const,
  )
  numbered.sort(([a], [b]) => a - b)
  expect(numbered.map(([n]) => n)).toEqual(numbered.map((_, index) => index))
  return numbered.map(([, body]) => body)
}

/** Starts the child; kills it as `kill` says: after a random delay, at a request or an answer. */
function start(config: WebhookChildConfig, kill: Kill, next: () => number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const process = fork(child, [JSON.stringify(config)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    let stderr = ''
    let done: DoneMessage | undefined
    let at = ''
    const killAt = (where: string): void => {
      if (at !== '') return
      at = where
      process.kill('SIGKILL')
    }
    // The n-th request (or answer) of this start: within the first few checkpoints' worth.
    const n = 1 + Math.floor((next() * (3 * EVERY_RECORDS)) / BATCH_SIZE)
    const timer =
      kill === 'timer'
        ? setTimeout(() => killAt('a timer'), Math.round(150 + next() * 600))
        : undefined
    receiver.restart({
      onRequest: (count) => kill === 'request' && count === n && killAt(`request #${n}, in flight`),
      onAnswered: (count) =>
        kill === 'answered' && count === n && killAt(`just after answer #${n}`),
    })
    process.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    process.on('message', (message: { done?: boolean }) => {
      if (message.done === true) done = message as unknown as DoneMessage
    })
    process.on('exit', (code, signal) => {
      clearTimeout(timer)
      receiver.restart({})
      if (done !== undefined) resolve({ kind: 'done', message: done })
      else if (signal === 'SIGKILL') resolve({ kind: 'killed', at })
      else reject(new Error(`the child exited with ${code ?? signal}: ${stderr}`))
    })
  })
}

/** The journals the state file's checkpoint names, if it has one. */
async function journalOf(stateFile: string): Promise<string | undefined> {
  const text = await readFile(stateFile, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  const entry = (
    JSON.parse(text) as { entries: Record<string, { checkpoint?: { journal: { path: string } } }> }
  ).entries['import']
  return entry?.checkpoint?.journal.path
}

/** Runs one trial to completion; returns where each kill landed. */
async function trial(index: number, kills: readonly Kill[], next: () => number): Promise<string[]> {
  const folder = join(directory, `trial-${index}`)
  await mkdir(folder)
  const path = `/trial-${index}`
  const config: WebhookChildConfig = {
    input,
    url: `${receiver.origin}${path}`,
    stateFile: join(folder, 'state.json'),
    everyRecords: EVERY_RECORDS,
    batchSize: BATCH_SIZE,
    concurrency: CONCURRENCY,
  }
  const landed: string[] = []
  const journals = new Set<string>()
  let outcome: Outcome | undefined
  for (const kill of kills) {
    outcome = await start(config, kill, next)
    const journal = await journalOf(config.stateFile)
    if (journal !== undefined) journals.add(journal)
    if (outcome.kind === 'done') break
    landed.push(outcome.at)
  }
  if (outcome?.kind !== 'done') outcome = await start(config, 'none', next)
  expect(outcome.kind).toBe('done')
  const { report } = (outcome as { message: DoneMessage }).message
  // The report of the last start counts the whole logical run.
  expect({
    read: report.read,
    written: report.written,
    dropped: report.dropped,
    failed: report.failed,
  }).toEqual(expectedReport)
  if (landed.length > 0) expect(report.resumedFrom).toBeDefined()
  // Each key once gives the uninterrupted run's batches; a key seen twice had the same body.
  const received = receiver.received.get(path) ?? []
  expect(inOrder(received)).toEqual(expectedBodies)
  for (const journal of journals) expect(existsSync(journal), journal).toBe(false)
  return landed
}

describe('the webhook kill harness', () => {
  it('delivers each batch of an uninterrupted run, duplicates only as whole batches under one key, however often the run is SIGKILLed', async () => {
    const next = seededRandom(SEED + 1)
    const plans: Kill[][] = [
      ['request', 'timer', 'answered', 'request'],
      ['answered', 'request', 'timer', 'answered'],
      ['timer', 'answered', 'request', 'request'],
    ]
    // A kill lands only while the child still runs: on a fast machine a start may finish before
    // its timer or its n-th request. Trials go on (at most 9) until 10 kills have landed, so the
    // harness kills as often on a fast machine as on a slow one.
    const landed: string[] = []
    for (let index = 0; index < 9 && (index < plans.length || landed.length < 10); index++)
      landed.push(...(await trial(index, plans[index % plans.length] as Kill[], next)))
    expect(landed.length).toBeGreaterThanOrEqual(10)
    expect(landed.some((at) => at.includes('in flight'))).toBe(true)
    expect(landed.some((at) => at.includes('after answer'))).toBe(true)
    // Some batches were delivered twice (a kill after an answer, before its checkpoint).
    const all = [...receiver.received.entries()].filter(([path]) => path !== '/reference')
    expect(all.some(([, list]) => new Set(list.map((entry) => entry.key)).size < list.length)).toBe(
      true,
    )
  }, 300_000)
})
