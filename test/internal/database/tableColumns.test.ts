import { describe, expect, it } from 'vitest'
import { tableColumns } from '../../../src/internal/database/tableColumns.js'

const TYPES = {
  text: 'text',
  integer: 'bigint',
  float: 'double precision',
  decimal: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  json: 'jsonb',
} as const

describe('tableColumns', () => {
  it('types each planned column, makes key columns NOT NULL and adds a key column the records lack', () => {
    const columns = tableColumns(
      [
        { name: 'id', kind: 'integer', nullable: true },
        { name: 'amount', kind: 'decimal', nullable: true },
        { name: 'seen', kind: 'timestamp', nullable: false },
      ],
      ['id', 'region'],
      TYPES,
      'text',
    )
    expect(columns).toEqual([
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'amount', type: 'numeric', nullable: true },
      { name: 'seen', type: 'timestamptz', nullable: false },
      { name: 'region', type: 'text', nullable: false },
    ])
  })
})
