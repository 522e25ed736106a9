import { describe, expect, it } from 'vitest'
import { checkSinkOptions } from '../../../src/internal/database/sinkOptions.js'

describe('checkSinkOptions', () => {
  it('fills in the defaults: append, no key, the given batch size, fail on new columns', () => {
    expect(checkSinkOptions('toPostgres', {}, 5_000)).toEqual({
      mode: 'append',
      key: [],
      batchRows: 5_000,
      schemaEvolution: 'fail',
    })
  })

  it('takes a key as one column or several', () => {
    expect(checkSinkOptions('s', { mode: 'upsert', key: 'id' }, 1).key).toEqual(['id'])
    expect(checkSinkOptions('s', { mode: 'upsert', key: ['a', 'b'] }, 1).key).toEqual(['a', 'b'])
  })

  it('keeps options that are right as they are', () => {
    expect(
      checkSinkOptions(
        's',
        { mode: 'replace', batchRows: 10, schemaEvolution: 'add-columns', retries: 0 },
        1,
      ),
    ).toEqual({ mode: 'replace', key: [], batchRows: 10, schemaEvolution: 'add-columns' })
  })

  it('refuses a wrong option at once, naming the sink and the option', () => {
    const bad =
      (options: object): (() => unknown) =>
      () =>
        checkSinkOptions('toSqlite', options as never, 100)
    expect(bad({ mode: 'merge' })).toThrow(
      new TypeError("toSqlite: mode must be 'append', 'upsert' or 'replace' (got merge)"),
    )
    expect(bad({ mode: 'upsert' })).toThrow(
      new TypeError("toSqlite: mode 'upsert' needs a key (one or more columns)"),
    )
    expect(bad({ mode: 'upsert', key: [] })).toThrow(TypeError)
    for (const batchRows of [0, 1.5, -1, Number.NaN])
      expect(bad({ batchRows })).toThrow(
        new TypeError(
          `toSqlite: batchRows must be a whole number of at least 1 (got ${batchRows})`,
        ),
      )
    expect(bad({ schemaEvolution: 'add' })).toThrow(
      new TypeError("toSqlite: schemaEvolution must be 'fail' or 'add-columns'"),
    )
    expect(bad({ retries: -1 })).toThrow(
      new TypeError('toSqlite: retries must be a number of at least 0 (got -1)'),
    )
    expect(bad({ retries: Number.NaN })).toThrow(TypeError)
  })
})
