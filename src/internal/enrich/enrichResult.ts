/**
 * What `enrich` does with a record once its lookup is done: emit the merged record, keep it as it
 * is or drop it when nothing matched (`onMissing`), or fail it — the lookup failed, returned
 * something that is not an object, or the merge threw.
 *
 * @internal
 * @packageDocumentation
 */
import { describeError, type FailureInit } from '../../core/Failure.js'
import type { LookupOutcome } from './callLookup.js'

/** What to do with a record whose lookup is done. @internal */
export type EnrichResult<B> =
  | { readonly emit: B }
  | { readonly drop: 'unmatched' }
  | { readonly fail: Omit<FailureInit, 'stage' | 'record'> }

/** How a stage turns lookups into output. @internal */
export interface EnrichMerge<A, B> {
  /** What to do with a record the lookup found nothing for. */
  readonly onMissing: 'keep' | 'drop' | 'fail'
  /** Says why a record has no match, for `onMissing: 'fail'` (`no match for AccountId "7"`). */
  readonly noMatch: (record: A) => { readonly reason: string; readonly field?: string }
  /** Builds the output record from the input and what the lookup found. */
  readonly merge: (record: A, found: object) => B
}

/** @internal */
export function enrichResult<A, B>(
  config: EnrichMerge<A, B>,
  record: A,
  outcome: LookupOutcome,
): EnrichResult<B> {
  if (!outcome.ok)
    return {
      fail: {
        reason: `lookup failed: ${describeError(outcome.error)}`,
        cause: outcome.cause ?? outcome.error,
        details: {
          attempts: outcome.attempts,
          ...(outcome.cached === true ? { cached: true } : {}),
        },
      },
    }
  const found = outcome.value
  if (found === undefined || found === null) return missing(config, record)
  if (typeof found !== 'object')
    return {
      fail: {
        reason: `the lookup returned ${describeError(found)} (a ${typeof found}); expected an object of fields to merge`,
      },
    }
  try {
    return { emit: config.merge(record, found) }
  } catch (error) {
    return { fail: { reason: describeError(error), cause: error } }
  }
}

function missing<A, B>(config: EnrichMerge<A, B>, record: A): EnrichResult<B> {
  if (config.onMissing === 'keep') return { emit: record as unknown as B }
  if (config.onMissing === 'drop') return { drop: 'unmatched' }
  const { reason, field } = config.noMatch(record)
  return { fail: { reason, ...(field === undefined ? {} : { location: { field } }) } }
}
