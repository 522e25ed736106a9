import { describe, expect, it } from 'vitest'
import { LOOKUP_TABLE, type LookupTable } from '../../src/core/LookupTable.js'
import { lookupTable } from '../../src/operators/lookupTable.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'

describe('LookupTable', () => {
  it('is marked by a registered symbol, so copies of the package agree on it', () => {
    expect(LOOKUP_TABLE).toBe(Symbol.for('powerflow.lookupTable'))
  })

  it('is what lookupTable makes: the mark, the name, the flow and the key field', () => {
    const flow = fromGenerator([{ id: 'a' }])
    const table: LookupTable<{ id: string }> = lookupTable(flow, 'id')
    expect(table[LOOKUP_TABLE]).toBe(true)
    expect(table).toMatchObject({ name: 'lookupTable by id', named: false, flow, keyField: 'id' })
  })
})
