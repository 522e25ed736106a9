import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import type { StateStore } from '../../../src/core/StateStore.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { fromCsv } from '../../../src/sources/fromCsv.js'
import { map } from '../../../src/operators/map.js'
import { toWebhook, type ToWebhookOptions } from '../../../src/sinks/toWebhook.js'
import type {
  SavedCheckpoint,
  SavedWebhookSink,
} from '../../../src/internal/checkpoint/savedCheckpoint.js'
import { memoryStateStore } from '../../support/stateRun.js'
import { expectBalanced } from '../../support/ledger.js'

const ROWS = 3_000
const BATCH = 7

interface Received {
  readonly key: string
  readonly body: string
  /** The response was sent (the sink may still have been stopped before reading it). */
  answered: boolean
}

/** A receiver that keeps every request with its idempotency key, answering after `delayMs`. */
interface Receiver {
  readonly url: string
  readonly received: Received[]
  close(): Promise<void>
}

let directory: string
let input: string
let receiver: Receiver

async function startReceiver(delayMs: number): Promise<Receiver> {
  const received: Received[] = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (body += chunk))
    request.on('end', () => {
      const entry = { key: String(request.headers['idempotency-key']), body, answered: false }
      received.push(entry)
      setTimeout(() => {
        entry.answered = true
        response.end('ok')
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-webhook-checkpoint-'))
  input = join(directory, 'input.csv')
  // Rows of ~130 bytes: the source reads ~500 a chunk, and a checkpoint can fall after each.
  const lines = ['id,email,note']
  const note = 'x'.repeat(100)
  for (let index = 0; index < ROWS; index++)
    lines.push(`R${index},user${index}@example.com,${note}`)
  await writeFile(input, `${lines.join('\n')}\n`)
})

afterEach(async () => {
  await receiver?.close()
  await rm(directory, { recursive: true, force: true })
})

/** fromCsv → (abort after `stopAfter` records) → toWebhook with checkpoints. */
function sync(
  store: StateStore,
  options: Partial<ToWebhookOptions<Record<string, string>>>,
  stopAfter?: number,
): Promise<RunReport> {
  const controller = new AbortController()
  let seen = 0
  return pipe(
    fromCsv(input),
    map((row) => {
      if (++seen === stopAfter) controller.abort()
      return row
    }),
    toWebhook(receiver.url, {
      batchSize: BATCH,
      state: { store, key: 'sync' },
      checkpoint: { everyRecords: 500 },
      // A small budget: the source waits for the requests, so they go out while it reads.
      highWaterMark: 64,
      signal: controller.signal,
      ...options,
    }),
  ).catch((error: { report: RunReport }) => error.report)
}

/** The ids of the records received, each batch once (by its key), in the order of the batches. */
function idsOnce(received: readonly Received[]): string[] {
  const bodies = new Map<string, string>()
  for (const { key, body } of received) {
    // The same key always carries the same body.
    expect(bodies.get(key) ?? body).toBe(body)
    bodies.set(key, body)
  }
  const sequence = (key: string): number => Number(key.slice(key.lastIndexOf('-') + 1))
  return [...bodies.entries()]
    .sort(([a], [b]) => sequence(a) - sequence(b))
    .flatMap(([, body]) => (JSON.parse(body) as Array<{ id: string }>).map((row) => row.id))
}

const allIds = (): string[] => Array.from({ length: ROWS }, (_, index) => `R${index}`)

describe('WebhookCheckpoint', () => {
  it('sends the batches after the checkpoint again, under the same keys with the same bodies', async () => {
    receiver = await startReceiver(2)
    const store = memoryStateStore()
    const stopped = await sync(store, { resume: true, concurrency: 3 }, 1_700)
    expect(stopped.status).toBe('aborted')
    const firstRun = receiver.received.length
    const resumed = await sync(store, { resume: true, concurrency: 3 })
    expect(resumed.status).toBe('completed')
    expect(resumed.resumedFrom?.settled).toBeGreaterThan(0)
    // Some batches were sent by both runs: same key, same body.
    const keys = receiver.received.map((entry) => entry.key)
    expect(new Set(keys).size).toBeLessThan(keys.length)
    expect(new Set(keys.slice(0, firstRun)).size).toBe(firstRun)
    expect(idsOnce(receiver.received)).toEqual(allIds())
    // Cut by count alone: every batch but the last is full, wherever the checkpoints fell.
    const sizes = [...new Map(receiver.received.map((entry) => [entry.key, entry.body])).values()]
      .map((body) => (JSON.parse(body) as unknown[]).length)
      .sort((a, b) => b - a)
    expect(sizes.slice(0, -1).every((size) => size === BATCH)).toBe(true)
    expect(keys.every((key) => /^[0-9a-f-]{36}-\d+$/.test(key))).toBe(true)
    // The report covers the whole logical run.
    expect(resumed.read).toBe(ROWS)
    expect(resumed.written).toBe(ROWS)
    expectBalanced(resumed)
  })

  it('saves a position only once every batch it covers was answered, and keeps the batch being filled', async () => {
    receiver = await startReceiver(5)
    const inner = memoryStateStore()
    const seen: Array<{ written: number; uncommitted: number; pending: number; answered: number }> =
      []
    const store: StateStore = {
      ...inner,
      put: async (key, value) => {
        const checkpoint = (value as { checkpoint?: SavedCheckpoint }).checkpoint
        if (checkpoint !== undefined) {
          const sink = Object.values(checkpoint.sinks)[0] as SavedWebhookSink
          const answered = receiver.received
            .filter((entry) => entry.answered)
            .reduce((sum, entry) => sum + (JSON.parse(entry.body) as unknown[]).length, 0)
          seen.push({
            written: checkpoint.ledger.written,
            uncommitted: checkpoint.ledger.uncommitted,
            pending: sink.pending.length,
            answered,
          })
        }
        await inner.put(key, value)
      },
    }
    const report = await sync(store, { concurrency: 4 })
    expect(report.written).toBe(ROWS)
    expect(seen.length).toBeGreaterThanOrEqual(5)
    for (const checkpoint of seen) {
      expect(checkpoint.written).toBe(checkpoint.answered)
      expect(checkpoint.uncommitted).toBe(checkpoint.pending)
      expect(checkpoint.pending).toBeLessThan(BATCH)
    }
    expect(seen.some((checkpoint) => checkpoint.pending > 0)).toBe(true)
    // The run's end replaced the checkpoint and the run id with the committed positions.
    expect(Object.keys((await inner.get('sync')) as object).sort()).toEqual([
      'committedAt',
      'positions',
      'version',
    ])
  })

  it('keeps the run id for a resume before the first checkpoint, and the next run gets its own', async () => {
    receiver = await startReceiver(1)
    const store = memoryStateStore()
    const stopped = await sync(store, { resume: true, checkpoint: { everyRecords: 1e9 } }, 600)
    expect(stopped.status).toBe('aborted')
    const { run } = (await store.get('sync')) as { run: { id: string } }
    expect(receiver.received[0]?.key).toBe(`${run.id}-0`)
    const firstRun = receiver.received.length
    const resumed = await sync(store, { resume: true, checkpoint: { everyRecords: 1e9 } })
    expect(resumed.read).toBe(ROWS)
    // Read again from the start: the same batches, under the same keys.
    expect(receiver.received[firstRun]?.key).toBe(`${run.id}-0`)
    expect(idsOnce(receiver.received)).toEqual(allIds())
    await appendFile(input, `R${ROWS},new@example.com,x\n`)
    const before = receiver.received.length
    const next = await sync(store, { resume: true })
    expect(next.read).toBe(1)
    expect(receiver.received[before]?.key.startsWith(run.id)).toBe(false)
  })

  it('sends records under the key idempotencyKey gives them, as batches of that key', async () => {
    receiver = await startReceiver(0)
    const report = await sync(memoryStateStore(), {
      idempotencyKey: (row) => `group-${Number(row['id']?.slice(1)) >> 4}`,
    })
    expect(report.written).toBe(ROWS)
    expect(receiver.received[0]?.key).toBe('group-0')
    expect(JSON.parse(receiver.received[0]?.body ?? '[]')).toHaveLength(16)
  })
})
