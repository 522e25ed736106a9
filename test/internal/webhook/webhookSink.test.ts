import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { webhookSink } from '../../../src/internal/webhook/webhookSink.js'
import { serversClosedAfterEach } from '../../support/flakyServer.js'
import { expectBalanced } from '../../support/ledger.js'

const serve = serversClosedAfterEach()

/** Input items carrying the record to send and the key to send it under. */
interface Item {
  readonly record: { readonly id: number }
  readonly key?: string
}
const input = {
  payload: (item: Item) => item.record,
  key: (item: Item) => item.key,
}

describe('webhookSink', () => {
  it('sends what the input makes of each item, under the key it gives', async () => {
    const server = await serve()
    const items: Item[] = [{ record: { id: 1 }, key: 'a' }, { record: { id: 2 } }]
    const report = await pipe(
      fromGenerator(items),
      webhookSink(server.origin, {}, 'replaying', input),
    )
    expect(report.written).toBe(2)
    expect(server.requests.map((request) => JSON.parse(request.body))).toEqual([
      { id: 1 },
      { id: 2 },
    ])
    expect(server.requests[0]?.headers['idempotency-key']).toBe('a')
    expect(server.requests[1]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/)
    expect(report.stages.map((stage) => stage.name)).toContain(`replaying ${server.origin}/`)
    expectBalanced(report)
  })

  it('sends records that follow each other under one key as one batch, whatever batchSize says', async () => {
    const server = await serve()
    const items: Item[] = [
      { record: { id: 1 }, key: 'k' },
      { record: { id: 2 }, key: 'k' },
      { record: { id: 3 }, key: 'k' },
      { record: { id: 4 } },
      { record: { id: 5 } },
    ]
    const report = await pipe(
      fromGenerator(items),
      webhookSink(server.origin, { batchSize: 2, concurrency: 1 }, 'replaying', input),
    )
    expect(report.written).toBe(5)
    expect(server.requests.map((request) => JSON.parse(request.body))).toEqual([
      [{ id: 1 }, { id: 2 }, { id: 3 }],
      [{ id: 4 }, { id: 5 }],
    ])
    expectBalanced(report)
  })

  it('fails an item the input cannot read as a SinkError, and goes on', async () => {
    const server = await serve()
    const report = await pipe(
      fromGenerator([{ record: { id: 1 } }, { record: undefined as never }, { record: { id: 3 } }]),
      webhookSink(server.origin, {}, 'replaying', input),
    )
    expect(report.written).toBe(2)
    expect(report.failures[0]).toMatchObject({ _tag: 'SinkError' })
    expect(report.failures[0]?.message).toContain('the record cannot be sent as JSON')
    expectBalanced(report)
  })
})
