/**
 * What the deal examples share: the shape of a deal, and the operators that check and select
 * deals. `csv-to-json.ts`, `revenue-by-region.ts`, `webhook-alerts.ts` and `reactive-app.ts` all
 * use them — from a CSV file, and from a live `Subject` alike — because a PowerFlow operator is
 * just a function from one Flow to another.
 *
 * (These examples run with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import * as t from 'io-ts'
import {
  DateFromString,
  filter,
  NumberFromString,
  TrimmedNonEmptyString,
  validate,
} from '../../src/index.js'

/**
 * A deal as the CRM exports it: every CSV cell is a string, and the codec turns them into what we
 * mean — `amount` a number, `closed_at` a Date, `stage` one of three words. A row that does not fit
 * becomes a ValidationError naming the deal and the field, instead of a NaN further down.
 */
export const Deal = t.type({
  id: TrimmedNonEmptyString,
  name: TrimmedNonEmptyString,
  account_id: t.string,
  region: t.string,
  stage: t.keyof({ open: null, won: null, lost: null }),
  amount: NumberFromString,
  owner: t.string,
  closed_at: DateFromString,
})
export type Deal = t.TypeOf<typeof Deal>

/**
 * Checks every record against {@link Deal}. Name the stage after the input so that its failures
 * say where they come from: `validate deals.csv record D-0057: amount: …`.
 */
export const validateDeals = (from: string) =>
  validate(Deal, { idField: 'id', name: `validate ${from}` })

/** What counts as a high-value deal, in the deals' currency. */
export const HIGH_VALUE = 10_000

/** A plain predicate: easy to test on its own, and usable outside PowerFlow too. */
export const isHighValueWin = (deal: Deal): boolean =>
  deal.stage === 'won' && deal.amount >= HIGH_VALUE

/** Keeps won deals of at least {@link HIGH_VALUE}; the others are dropped as `filtered`. */
export const keepHighValueWins = filter(isHighValueWin, { name: 'high-value wins' })
