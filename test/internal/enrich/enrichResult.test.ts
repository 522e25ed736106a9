import { describe, expect, it } from 'vitest'
import { enrichResult, type EnrichMerge } from '../../../src/internal/enrich/enrichResult.js'

const merging = (onMissing: 'keep' | 'drop' | 'fail'): EnrichMerge<{ id: number }, object> => ({
  onMissing,
  noMatch: (record) => ({ reason: `no match for ${record.id}`, field: 'id' }),
  merge: (record, found) => ({ ...record, ...found }),
})

describe('enrichResult', () => {
  it('merges what the lookup found', () => {
    expect(enrichResult(merging('keep'), { id: 1 }, { ok: true, value: { a: 2 } })).toEqual({
      emit: { id: 1, a: 2 },
    })
  })

  it('keeps, drops or fails a record with no match', () => {
    const nothing = { ok: true, value: undefined } as const
    expect(enrichResult(merging('keep'), { id: 1 }, nothing)).toEqual({ emit: { id: 1 } })
    expect(enrichResult(merging('drop'), { id: 1 }, nothing)).toEqual({ drop: 'unmatched' })
    expect(enrichResult(merging('fail'), { id: 1 }, { ok: true, value: null })).toEqual({
      fail: { reason: 'no match for 1', location: { field: 'id' } },
    })
  })

  it('fails a record whose lookup failed, saying how many attempts and whether it was cached', () => {
    const error = new Error('down')
    expect(
      enrichResult(merging('keep'), { id: 1 }, { ok: false, error, attempts: 3, cached: true }),
    ).toEqual({
      fail: { reason: 'lookup failed: down', cause: error, details: { attempts: 3, cached: true } },
    })
  })

  it('fails a record whose lookup returned no object, or whose merge threw', () => {
    expect(enrichResult(merging('keep'), { id: 1 }, { ok: true, value: 'text' })).toEqual({
      fail: {
        reason: 'the lookup returned text (a string); expected an object of fields to merge',
      },
    })
    const throwing = {
      ...merging('keep'),
      merge: () => {
        throw new Error('clash')
      },
    }
    expect(enrichResult(throwing, { id: 1 }, { ok: true, value: {} })).toMatchObject({
      fail: { reason: 'clash' },
    })
  })
})
