import { describe, expect, it } from 'vitest'
import { RecordLocations } from '../../../src/internal/run/RecordLocations.js'

describe('RecordLocations', () => {
  const at = (index: number) => ({ file: 'a.csv', line: index + 2 })

  it('places the record a source emits now, and only that one', () => {
    const locations = new RecordLocations()
    const record = { id: 1 }
    locations.emitting(record, at, 3)
    expect(locations.locationOf(record)).toEqual({ file: 'a.csv', line: 5 })
    expect(locations.locationOf({ id: 1 })).toBeUndefined()
    expect(locations.locationOf(undefined)).toBeUndefined()
  })

  it('places a record a one-to-one stage made from the current one', () => {
    const locations = new RecordLocations()
    const record = { id: 1 }
    const made = { id: 1, more: true }
    locations.emitting(record, at, 0)
    locations.derived({ other: true }, { ignored: true })
    locations.derived(record, made)
    expect(locations.locationOf(made)).toEqual({ file: 'a.csv', line: 2 })
  })

  it('places nothing from a source that cannot say where its records come from', () => {
    const locations = new RecordLocations()
    const record = { id: 1 }
    locations.emitting(record, undefined, 0)
    expect(locations.locationOf(record)).toBeUndefined()
  })
})
