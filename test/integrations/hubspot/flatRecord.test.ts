import { describe, expect, it } from 'vitest'
import { epochOf, flatRecord } from '../../../src/integrations/hubspot/flatRecord.js'

describe('flatRecord', () => {
  it('puts the id, the properties and the dates side by side', () => {
    expect(
      flatRecord(
        {
          id: '7',
          properties: { email: 'a@example.com', phone: null },
          createdAt: new Date('2026-01-01T00:00:00Z'),
          updatedAt: '2026-01-02T00:00:00.000Z',
          archived: false,
        },
        { companies: ['9'] },
      ),
    ).toEqual({
      id: '7',
      email: 'a@example.com',
      phone: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      archived: false,
      associations: { companies: ['9'] },
    })
  })
})

describe('epochOf', () => {
  it('reads ISO dates and epoch milliseconds, and nothing else', () => {
    expect(epochOf('2026-01-01T00:00:00.000Z')).toBe(Date.UTC(2026, 0, 1))
    expect(epochOf('1767225600000')).toBe(1767225600000)
    expect(epochOf(new Date(5))).toBe(5)
    expect(epochOf('')).toBeUndefined()
    expect(epochOf('soon')).toBeUndefined()
    expect(epochOf(null)).toBeUndefined()
  })
})
