/**
 * Reading back a value a database state store saved as JSON text: one wording for a corrupt
 * value, whichever store found it.
 *
 * @internal
 * @packageDocumentation
 */
import { describeError } from '../../core/Failure.js'

/** The value saved as `text`; throws `the value is corrupt (…)` when it is not JSON. @internal */
export function parseStoredValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new Error(`the value is corrupt (not JSON: ${describeError(error)})`, { cause: error })
  }
}
