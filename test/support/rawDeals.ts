/**
 * Raw deal rows as a JSON file or a generator would give them (some amounts not numbers), and the
 * operator part of a realistic pipeline over them, under each failure policy.
 */
import { join } from 'node:path'
import fc from 'fast-check'
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import type { Flow } from '../../src/core/Flow.js'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { validate } from '../../src/operators/validate.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { enrich } from '../../src/operators/enrich.js'
import { lookupTable } from '../../src/operators/lookupTable.js'
import { toJson } from '../../src/sinks/toJson.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { failFast } from '../../src/policies/failFast.js'
import { collect } from '../../src/policies/collect.js'

export interface RawDeal {
  readonly id: string
  readonly account: string
  readonly amount: string
  readonly region: string
}

const Deal = t.type({ id: t.string, account: t.string, amount: NumberFromString, region: t.string })

const accounts = [
  { Id: 'A1', owner: 'Ada' },
  { Id: 'A2', owner: 'Grace' },
  { Id: 'A3', owner: 'Linus' },
]

export const rawDeal: fc.Arbitrary<RawDeal> = fc.record({
  id: fc.constantFrom('D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'),
  account: fc.constantFrom('A1', 'A2', 'A3', 'A9'),
  amount: fc.oneof(
    fc.integer({ min: -50, max: 500 }).map(String),
    fc.constantFrom('abc', '', '13'),
  ),
  region: fc.constantFrom('EU', 'US', 'APAC'),
})

export type Ending = 'collect' | 'failFast' | 'maxFailures' | 'deadLetter'

/** The operator part of the pipeline: validate → filter → map → dedupe → enrich (table). */
export function deals(
  source: Flow<unknown>,
  keep: 'first' | 'last',
  explode: number | undefined,
): Flow<Record<string, unknown>> {
  return pipe(
    source,
    validate(Deal, { idField: 'id' }),
    filter((deal) => deal.amount >= 0, { name: 'non-negative' }),
    map(
      (deal, index) => {
        if (explode !== undefined && index % explode === explode - 1)
          throw new Error(`no record number ${index}`)
        return { ...deal, cents: Math.round(deal.amount * 100) }
      },
      { name: 'to cents' },
    ),
    dedupe({ key: 'id', keep }),
    enrich(lookupTable(fromGenerator(accounts), 'Id'), { on: 'account', onMissing: 'drop' }),
  ) as Flow<Record<string, unknown>>
}

/** The flow under the policy of `ending`; `dead` is the dead-letter file of `deadLetter`. */
export function withPolicy<A>(ending: Ending, flow: Flow<A>, dead: string): Flow<A> {
  switch (ending) {
    case 'collect':
      return flow
    case 'failFast':
      return pipe(flow, failFast())
    case 'maxFailures':
      return pipe(flow, collect({ maxFailures: 2 }))
    case 'deadLetter':
      return pipe(flow, deadLetter(toJson(join(dead), { format: 'ndjson', fsync: false })))
  }
}
