import { describe, expect, it } from 'vitest'
import { PlainEntries } from '../../../src/internal/run/PlainEntries.js'

describe('PlainEntries', () => {
  it('counts values beyond those PowerFlow handed to plain code as records entering there', () => {
    const entries = new PlainEntries()
    entries.leftToPlain()
    expect(entries.arrived()).toBe(false)
    expect(entries.arrived()).toBe(true)
    entries.leftToPlain()
    expect(entries.arrived()).toBe(false)
    expect(entries.arrived()).toBe(true)
  })
})
