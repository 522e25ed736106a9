import { describe, expect, it } from 'vitest'
import { BookmarkTracker } from '../../../../src/integrations/salesforce/internal/BookmarkTracker.js'

describe('BookmarkTracker', () => {
  it('keeps the largest value seen of an ordered read as it goes', () => {
    const tracker = new BookmarkTracker({ field: 'SystemModstamp', value: '2026-01-01T00:00:00Z' })
    expect(tracker.current()).toEqual({ field: 'SystemModstamp', value: '2026-01-01T00:00:00Z' })
    tracker.see([{ SystemModstamp: '2026-01-02T00:00:00.000+0000' }, { SystemModstamp: null }])
    expect(tracker.current()?.value).toBe('2026-01-02T00:00:00.000+0000')
  })

  it('moves the bookmark of an unordered read only once the whole result was read', () => {
    const tracker = new BookmarkTracker({ field: 'N' })
    tracker.ordered = false
    tracker.see([{ N: 5 }, { N: 9 }, { N: 2 }])
    expect(tracker.current()).toBeUndefined()
    tracker.finish()
    expect(tracker.current()).toEqual({ field: 'N', value: 9 })
  })
})
