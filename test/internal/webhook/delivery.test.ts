import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { runSink } from '../../../src/internal/runSink.js'
import { WebhookDelivery } from '../../../src/internal/webhook/delivery.js'
import { emptyBatch, type Batch } from '../../../src/internal/webhook/batch.js'
import { webhookSettings } from '../../../src/internal/webhook/options.js'
import type { HttpReport } from '../../../src/core/HttpReport.js'
import { sequence, serversClosedAfterEach } from '../../support/flakyServer.js'
import { expectBalanced } from '../../support/ledger.js'

const serve = serversClosedAfterEach()

function batchOf(records: number[], key?: string): Batch<number> {
  const batch = emptyBatch<number>(key)
  for (const record of records) {
    batch.records.push(record)
    batch.parts.push(String(record))
  }
  return batch
}

/** Runs a sink that delivers each record alone, as its own batch, through one WebhookDelivery. */
function deliverEach(origin: string, options: { retries?: number } = {}) {
  const settings = webhookSettings<number>(
    origin,
    { minDelayMs: 1, maxDelayMs: 2, ...options },
    'test',
  )
  return pipe(fromGenerator([1, 2]), (flow) =>
    runSink<number>(flow, settings.stageName, {}, (stage) => {
      const delivery = new WebhookDelivery(settings, stage)
      const sending: Array<Promise<void>> = []
      return {
        write: (record) => void sending.push(delivery.deliver(batchOf([record], `key-${record}`))),
        end: async () => {
          await Promise.all(sending)
          await delivery.close()
        },
        abort: () => delivery.destroy(),
      }
    }),
  )
}

describe('WebhookDelivery', () => {
  it('settles the records of a delivered batch as written, and counts the requests', async () => {
    const server = await serve()
    const report = await deliverEach(server.origin)
    expect(report.written).toBe(2)
    expect(server.requests.map((request) => request.headers['idempotency-key'])).toEqual([
      'key-1',
      'key-2',
    ])
    expect(report['http']).toMatchObject({ requests: 2, batches: 2, statusCodes: { '200': 2 } })
    expectBalanced(report)
  })

  it('retries under the same key, then fails the batch with the status, body and attempts', async () => {
    const server = await serve(sequence({ kind: 'respond', status: 500, body: 'down' }))
    const report = await deliverEach(server.origin, { retries: 1 })
    expect(report.failed).toBe(2)
    expect(report.failures[0]).toMatchObject({
      _tag: 'HttpError',
      details: { status: 500, body: 'down', attempts: 2 },
    })
    expect((report['http'] as HttpReport).retries).toBe(2)
    expectBalanced(report)
  })
})
