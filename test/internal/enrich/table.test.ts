import { describe, expect, it } from 'vitest'
import { Observable } from 'rxjs'
import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../../../src/core/Failure.js'
import type { Flow } from '../../../src/core/Flow.js'
import {
  isTableSpec,
  keyOf,
  loadTable,
  tableLoadError,
} from '../../../src/internal/enrich/table.js'
import { lookupTable } from '../../../src/operators/lookupTable.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { expectBalanced } from '../../support/ledger.js'

describe('isTableSpec', () => {
  it('tells a lookup table from a lookup function and other values', () => {
    expect(isTableSpec(lookupTable(fromGenerator([{ id: 1 }]), 'id'))).toBe(true)
    for (const other of [() => undefined, {}, null, undefined, 'table', { name: 'x' }])
      expect(isTableSpec(other)).toBe(false)
  })
})

describe('keyOf', () => {
  it('makes numbers and strings that read the same the same key', () => {
    expect(keyOf(42)).toBe('42')
    expect(keyOf('42')).toBe('42')
    expect(keyOf(42n)).toBe('42')
    expect(keyOf(true)).toBe('true')
    expect(keyOf(0)).toBe('0')
  })

  it('keys a date by its ISO text', () => {
    expect(keyOf(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z')
  })

  it('has no key for missing, null, empty, functions and other objects', () => {
    for (const none of [undefined, null, '', () => 1, {}, [1], { id: 1 }])
      expect(keyOf(none)).toBeUndefined()
  })

  it('has no key for an invalid date, rather than throwing', () => {
    expect(keyOf(new Date('not a date'))).toBeUndefined()
  })
})

describe('loadTable', () => {
  const signal = new AbortController().signal

  it('keeps the first row of each key and drops repeats and rows without a key, and the report adds up', async () => {
    const rows = [
      { id: 1, name: 'first' },
      { id: '1', name: 'repeat' },
      { id: null, name: 'no key' },
      { name: 'missing' },
      { id: 2, name: 'second' },
    ]
    const table = lookupTable(fromGenerator(rows), 'id' as 'name', { name: 'people' })
    const loaded = await loadTable(table, signal)
    expect([...loaded.rows]).toEqual([
      ['1', { id: 1, name: 'first' }],
      ['2', { id: 2, name: 'second' }],
    ])
    expect(loaded.report.droppedByReason).toEqual({ duplicate: 1, missingKey: 2 })
    expect(loaded.report.read).toBe(5)
    expectBalanced(loaded.report)
  })

  it('keeps a __proto__ column as a column, and inherited fields are no key', async () => {
    const row = JSON.parse('{"__proto__": "p", "id": "a"}') as Record<string, unknown>
    const loaded = await loadTable(lookupTable(fromGenerator([row, { other: 1 }]), 'id'), signal)
    const kept = loaded.rows.get('a') as Record<string, unknown>
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(kept, '__proto__')?.value).toBe('p')
    const inherited = await loadTable(
      lookupTable(fromGenerator([Object.create({ id: 'x' }) as { id: string }]), 'id'),
      signal,
    )
    expect(inherited.rows.size).toBe(0)
  })

  it('drops a row keyed by an invalid date as having no key', async () => {
    const rows = [{ at: new Date('not a date') }, { at: new Date(0) }]
    const loaded = await loadTable(lookupTable(fromGenerator(rows), 'at'), signal)
    expect([...loaded.rows.keys()]).toEqual(['1970-01-01T00:00:00.000Z'])
    expect(loaded.report.droppedByReason).toEqual({ missingKey: 1 })
  })

  it('copies the rows it keeps', async () => {
    const row = { id: 'k', tags: 'a' }
    const loaded = await loadTable(lookupTable(fromGenerator([row]), 'id'), signal)
    expect(loaded.rows.get('k')).toEqual(row)
    expect(loaded.rows.get('k')).not.toBe(row)
  })

  it('counts failures of the table flow in its report, not as rows', async () => {
    const flow: Flow<{ id: number }> = new Observable<Either<Failure, { id: number }>>(
      (subscriber) => {
        subscriber.next(right({ id: 1 }))
        subscriber.next({
          _tag: 'Left',
          left: { _tag: 'ParseError', stage: 'csv', message: 'csv: bad row' },
        })
        subscriber.complete()
      },
    )
    const loaded = await loadTable(lookupTable(flow, 'id'), signal)
    expect(loaded.rows.size).toBe(1)
    expect(loaded.report.failed).toBe(1)
  })

  it('rejects when aborted, naming the table and the reason, with the report of its load', async () => {
    const controller = new AbortController()
    const never: Flow<{ id: number }> = new Observable(() => undefined)
    const loading = loadTable(lookupTable(never, 'id', { name: 'people' }), controller.signal)
    controller.abort(new Error('stop'))
    await expect(loading).rejects.toMatchObject({
      name: 'AbortError',
      message: 'people: run aborted: stop',
      report: expect.objectContaining({ status: 'aborted', read: 0 }),
    })
  })
})

describe('tableLoadError', () => {
  it('names the stage and the table, says why, and keeps the cause', () => {
    const cause = new Error('ENOENT: no such file')
    const error = tableLoadError('enrich by id', 'people', cause)
    expect(error.message).toBe(
      'enrich by id: could not load the lookup table people: ENOENT: no such file',
    )
    expect(error.cause).toBe(cause)
  })
})
