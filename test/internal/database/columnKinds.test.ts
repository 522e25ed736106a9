import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  columnsOfCodec,
  columnsOfRecords,
  kindOfValue,
  widerKind,
} from '../../../src/internal/database/columnKinds.js'
import { DateFromString } from '../../../src/codecs/DateFromString.js'
import { IntegerFromString } from '../../../src/codecs/IntegerFromString.js'
import { NumberFromString } from '../../../src/codecs/NumberFromString.js'

describe('columnsOfRecords', () => {
  it('takes each field in order of first appearance, with the widest kind of its values', () => {
    expect(
      columnsOfRecords(
        [
          { id: 'a', n: 1, x: null },
          { id: 'b', n: 1.5, y: true, at: new Date(0), meta: [1] },
          { id: 'c', n: 10n, x: 'text' },
        ],
        ['id'],
      ),
    ).toEqual([
      { name: 'id', kind: 'text', nullable: false },
      { name: 'n', kind: 'decimal', nullable: true },
      { name: 'x', kind: 'text', nullable: true },
      { name: 'y', kind: 'boolean', nullable: true },
      { name: 'at', kind: 'timestamp', nullable: true },
      { name: 'meta', kind: 'json', nullable: true },
    ])
  })

  it('widens mixed kinds to text, or json when one side is json', () => {
    expect(widerKind('integer', 'float')).toBe('float')
    expect(widerKind('boolean', 'integer')).toBe('text')
    expect(widerKind('json', 'text')).toBe('json')
    expect(widerKind(undefined, kindOfValue(null))).toBeUndefined()
  })
})

describe('columnsOfCodec', () => {
  it("reads t.type, t.partial and intersections, with this library's codecs and nullable unions", () => {
    const codec = t.intersection([
      t.type({
        id: t.string,
        amount: NumberFromString,
        seats: IntegerFromString,
        at: DateFromString,
      }),
      t.partial({ note: t.union([t.string, t.null]), tags: t.array(t.string) }),
    ])
    expect(columnsOfCodec(codec)).toEqual([
      { name: 'id', kind: 'text', nullable: false },
      { name: 'amount', kind: 'float', nullable: false },
      { name: 'seats', kind: 'integer', nullable: false },
      { name: 'at', kind: 'timestamp', nullable: false },
      { name: 'note', kind: 'text', nullable: true },
      { name: 'tags', kind: 'json', nullable: true },
    ])
  })

  it('is undefined for a codec that does not describe objects', () => {
    expect(columnsOfCodec(t.string)).toBeUndefined()
  })
})
