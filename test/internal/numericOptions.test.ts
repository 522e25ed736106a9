import { describe, expect, it } from 'vitest'
import { checkNumericOptions } from '../../src/internal/numericOptions.js'

describe('checkNumericOptions', () => {
  it('passes values that work, and undefined (the default applies)', () => {
    const check = checkNumericOptions('stage')
    expect(() => {
      check.whole('concurrency', 1, 1)
      check.whole('retries', 0, 0)
      check.whole('retries', undefined, 0)
      check.positive('timeoutMs', 0.5)
      check.positive('timeoutMs', undefined)
      check.nonNegative('minDelayMs', 0)
    }).not.toThrow()
  })

  it('throws a RangeError naming the stage, the option, the rule and the value', () => {
    const check = checkNumericOptions('toWebhook')
    expect(() => check.whole('batchSize', 1.5, 1)).toThrow(
      new RangeError('toWebhook: batchSize must be a whole number of at least 1 (got 1.5)'),
    )
    expect(() => check.whole('concurrency', 0, 1)).toThrow(/at least 1 \(got 0\)/)
    expect(() => check.whole('retries', Number.NaN, 0)).toThrow(/\(got NaN\)/)
    expect(() => check.positive('timeoutMs', 0)).toThrow(
      new RangeError('toWebhook: timeoutMs must be above 0 (got 0)'),
    )
    expect(() => check.positive('timeoutMs', Number.NaN)).toThrow(RangeError)
    expect(() => check.nonNegative('minDelayMs', -1)).toThrow(
      new RangeError('toWebhook: minDelayMs must be at least 0 (got -1)'),
    )
  })

  it('refuses undefined for the fields of an option object that was given', () => {
    const given = checkNumericOptions('enrich', 'required')
    expect(() => given.whole('rateLimit.limit', undefined, 1)).toThrow(
      new RangeError(
        'enrich: rateLimit.limit must be a whole number of at least 1 (got undefined)',
      ),
    )
    expect(() => given.positive('rateLimit.windowMs', undefined)).toThrow(/above 0/)
    expect(() => given.nonNegative('delay', undefined)).toThrow(/at least 0/)
  })
})
