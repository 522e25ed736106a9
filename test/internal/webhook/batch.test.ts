import { describe, expect, it } from 'vitest'
import { bodyOf, emptyBatch, type Batch } from '../../../src/internal/webhook/batch.js'
import { webhookSettings } from '../../../src/internal/webhook/options.js'

function batchOf<A>(records: A[]): Batch<A> {
  const batch = emptyBatch<A>(undefined)
  for (const record of records) {
    const part = JSON.stringify(record)
    batch.records.push(record)
    batch.parts.push(part)
    batch.bytes += Buffer.byteLength(part) + 1
  }
  return batch
}

describe('emptyBatch', () => {
  it('has no records, its key, the two bytes of the brackets, and none saved by a checkpoint', () => {
    expect(emptyBatch('k')).toEqual({ key: 'k', records: [], parts: [], bytes: 2, parked: 0 })
  })
})

describe('bodyOf', () => {
  it('sends a lone record as itself when records go one per request', () => {
    const settings = webhookSettings<{ id: number }>('http://h/', {}, 'toWebhook')
    expect(bodyOf(batchOf([{ id: 1 }]), settings)).toBe('{"id":1}')
  })

  it('sends a JSON array when batches hold more than one record, even a short batch', () => {
    const settings = webhookSettings<{ id: number }>('http://h/', { batchSize: 3 }, 'toWebhook')
    const batch = batchOf([{ id: 1 }, { id: 2 }])
    expect(bodyOf(batch, settings)).toBe('[{"id":1},{"id":2}]')
    expect(bodyOf(batchOf([{ id: 1 }]), settings)).toBe('[{"id":1}]')
    expect(Buffer.byteLength(bodyOf(batch, settings))).toBe(batch.bytes - 1)
  })

  it('wraps the records in the envelope of the body option', () => {
    const settings = webhookSettings<number>(
      'http://h/',
      { body: (records) => ({ events: records }) },
      'toWebhook',
    )
    expect(bodyOf(batchOf([1, 2]), settings)).toBe('{"events":[1,2]}')
  })
})
