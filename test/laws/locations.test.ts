import { describe, expect, it } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { filter } from '../../src/operators/filter.js'
import { validate } from '../../src/operators/validate.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { enrich } from '../../src/operators/enrich.js'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'
import { runToArray } from '../../src/testing/runToArray.js'

const Deal = t.type({ id: t.string, amount: NumberFromString })

async function withFile(
  name: string,
  text: string,
  body: (path: string) => Promise<void>,
): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'powerflow-locations-'))
  try {
    const path = join(directory, name)
    await writeFile(path, text)
    await body(path)
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}

// Line 3 holds a quoted line break, so row and line numbers part ways after it.
const CSV = 'id,amount\nD1,10\n"D\n2",20\nD3,abc\nD4,40\n'

describe('where a failure downstream of a source came from', () => {
  it('names the file, line and row of a CSV row that fails validation, through one-to-one stages', async () => {
    await withFile('deals.csv', CSV, async (path) => {
      const result = await runToArray(
        pipe(
          fromCsv(path),
          filter(() => true),
          map((row) => ({ ...row })),
          validate(Deal, { idField: 'id' }),
          map((deal) => {
            if (deal.amount === 40) throw new Error('forty is right out')
            return deal
          }),
        ),
      )
      expect(result.failures.map((f) => [f.message, f.location])).toEqual([
        [
          `validate ${path} line 5 record D3: amount: expected numeric string, got "abc"`,
          { file: path, line: 5, row: 3, recordId: 'D3', field: 'amount' },
        ],
        [`map ${path} line 6: forty is right out`, { file: path, line: 6, row: 4 }],
      ])
    })
  })

  it('names the line of an NDJSON record that fails validation', async () => {
    await withFile(
      'deals.ndjson',
      '{"id":"D1","amount":"1"}\n\n{"id":"D2","amount":"x"}\n',
      async (path) => {
        const result = await runToArray(pipe(fromJson(path), validate(Deal)))
        expect(result.failures[0]?.location).toEqual({ file: path, line: 3, field: 'amount' })
      },
    )
  })

  it('places a record aggregate rejects', async () => {
    const result = await runToArray(
      pipe(
        fromCsv({ text: 'region,revenue\nEMEA,1\nEMEA,lots\n' }),
        aggregate({ groupBy: 'region', measures: { revenue: 'sum' } }),
      ),
    )
    expect(result.failures[0]?.location).toMatchObject({ line: 3, row: 2 })
  })

  it('never guesses: records held and emitted later, or made asynchronously, carry no line', async () => {
    const held = await runToArray(
      pipe(fromCsv({ text: CSV }), dedupe({ key: 'id', keep: 'last' }), validate(Deal)),
    )
    expect(held.failures).toHaveLength(1)
    expect(held.failures[0]?.location).toEqual({ field: 'amount' })

    const later = await runToArray(
      pipe(
        fromCsv({ text: CSV }),
        enrich(async () => ({ checked: true })),
        validate(Deal),
      ),
    )
    expect(later.failures).toHaveLength(1)
    expect(later.failures[0]?.location).toEqual({ field: 'amount' })
  })

  it('leaves records of sources that know no place unplaced', async () => {
    const result = await runToArray(
      pipe(fromGenerator([{ id: 'D1', amount: 'x' }]), validate(Deal)),
    )
    expect(result.failures[0]?.location).toEqual({ field: 'amount' })
  })
})
