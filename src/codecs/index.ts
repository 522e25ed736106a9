/**
 * io-ts codecs for the strings CSV files hold, for use with `validate`.
 *
 * @packageDocumentation
 */
export { NumberFromString } from './NumberFromString.js'
export { IntegerFromString } from './IntegerFromString.js'
export { BooleanFromString } from './BooleanFromString.js'
export { DateFromString } from './DateFromString.js'
export { TrimmedNonEmptyString } from './TrimmedNonEmptyString.js'
export { Email } from './Email.js'
export { MoneyFromString, type MoneyFromStringOptions } from './MoneyFromString.js'
export { DateFromFormat } from './DateFromFormat.js'
