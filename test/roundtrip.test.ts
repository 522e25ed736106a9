import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../src/sources/fromGenerator.js'
import { fromCsv } from '../src/sources/fromCsv.js'
import { fromJson } from '../src/sources/fromJson.js'
import { toCsv, type ToCsvOptions } from '../src/sinks/toCsv.js'
import { toJson } from '../src/sinks/toJson.js'
import { runToArray } from '../src/testing/runToArray.js'
import { csvHostileString } from '../src/testing/csvHostileString.js'

let directory: string
let fileNumber = 0
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-roundtrip-'))
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})
const nextFile = (extension: string): string => join(directory, `${fileNumber++}${extension}`)

/**
 * Records of strings sharing one set of columns (a CSV file has one header). At least one column:
 * a CSV row of zero columns cannot be told from a row of one empty cell. Column names are not
 * empty: fromCsv names an empty header cell `column_N`.
 */
const csvRecords = fc
  .uniqueArray(
    csvHostileString().filter((name) => name !== ''),
    { minLength: 1, maxLength: 5 },
  )
  .chain((columns) =>
    fc.array(
      fc
        .array(csvHostileString(), { minLength: columns.length, maxLength: columns.length })
        .map((values) => Object.fromEntries(columns.map((column, i) => [column, values[i]]))),
      { maxLength: 20 },
    ),
  )

const csvOptions = fc.record(
  {
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    lineEnding: fc.constantFrom('\r\n' as const, '\n' as const, '\r' as const),
    bom: fc.boolean(),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<ToCsvOptions>

/** JSON records: strings (hostile ones included), integers, booleans, null, nesting. */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    csvHostileString(),
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(csvHostileString(), tie('value'), { maxKeys: 3 }),
  ),
})).value
const jsonRecords = fc.array(fc.dictionary(csvHostileString(), jsonValue, { maxKeys: 5 }), {
  maxLength: 20,
})

describe('toCsv then fromCsv', () => {
  it('gives the same records back, whatever the strings, delimiter, line ending and BOM', async () => {
    await fc.assert(
      fc.asyncProperty(csvRecords, csvOptions, async (records, options) => {
        const path = nextFile('.csv')
        const report = await pipe(fromGenerator(records), toCsv(path, { ...options, fsync: false }))
        expect(report.written).toBe(records.length)
        // A one-column row whose cell is empty is written `""`: a record, not an empty line, so
        // the default skipEmptyLines reads it.
        const read = await runToArray(
          fromCsv(path, options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
        )
        expect(read.failures).toEqual([])
        expect(read.records).toEqual(records)
      }),
      { numRuns: 100 },
    )
  })
})

describe('toJson then fromJson', () => {
  it('gives the same records back through a JSON array, plain or pretty', async () => {
    await fc.assert(
      fc.asyncProperty(jsonRecords, fc.constantFrom(false, true, 3), async (records, pretty) => {
        const path = nextFile('.json')
        await pipe(fromGenerator(records), toJson(path, { pretty, fsync: false }))
        const read = await runToArray(fromJson(path, { format: 'array' }))
        expect(read.error).toBeUndefined()
        expect(read.records).toEqual(records)
      }),
      { numRuns: 100 },
    )
  })

  it('gives the same records back through NDJSON, gzipped or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        jsonRecords,
        fc.constantFrom('.ndjson', '.jsonl.gz'),
        async (records, ext) => {
          const path = nextFile(ext)
          await pipe(fromGenerator(records), toJson(path, { fsync: false }))
          const read = await runToArray(fromJson(path))
          expect(read.error).toBeUndefined()
          expect(read.failures).toEqual([])
          expect(read.records).toEqual(records)
        },
      ),
      { numRuns: 100 },
    )
  })
})
