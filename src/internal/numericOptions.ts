/**
 * The one check of numeric options for every stage that takes them: a value that cannot work
 * (NaN, a fraction where a count is due, zero where a duration is due) throws a RangeError when
 * the stage is made, naming the stage, the option and the value. Checked values need no clamping
 * afterwards.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * Checks of one stage's options. An `undefined` value passes (its default applies) unless the
 * checks were made for required values.
 *
 * @internal
 */
export interface NumericOptionChecks {
  /** A whole number of at least `least` (a count, a size). */
  whole(name: string, value: number | undefined, least: number): void
  /** A number above 0 (a duration, a byte size). */
  positive(name: string, value: number | undefined): void
  /** A number of at least 0 (a delay). */
  nonNegative(name: string, value: number | undefined): void
}

/**
 * The checks for the options of `stage` (named in the messages); `required`: for the fields of an
 * option object that was given (`rateLimit: { limit, windowMs }`), where `undefined` is wrong.
 *
 * @internal
 */
export function checkNumericOptions(
  stage: string,
  values: 'optional' | 'required' = 'optional',
): NumericOptionChecks {
  const skip = (value: number | undefined): value is undefined =>
    value === undefined && values === 'optional'
  const wrong = (name: string, rule: string, value: number | undefined): never => {
    throw new RangeError(`${stage}: ${name} must be ${rule} (got ${String(value)})`)
  }
  return {
    whole(name, value, least) {
      if (!skip(value) && !(Number.isInteger(value) && (value as number) >= least))
        wrong(name, `a whole number of at least ${least}`, value)
    },
    positive(name, value) {
      if (!skip(value) && !((value as number) > 0)) wrong(name, 'above 0', value)
    },
    nonNegative(name, value) {
      if (!skip(value) && !((value as number) >= 0)) wrong(name, 'at least 0', value)
    },
  }
}
