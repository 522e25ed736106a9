import { AssertionError } from 'node:assert'

/**
 * Deep equality as a test framework's `toEqual` has it: structural, properties whose value is
 * `undefined` ignored, and expected values that are asymmetric matchers (any object with an
 * `asymmetricMatch` method, such as vitest's or jest's `expect.objectContaining(…)`) asked to match.
 * This keeps `powerflow-etl/testing` free of a dependency on any one test runner.
 *
 * @internal
 */
export function deepEqual(actual: unknown, expected: unknown): boolean {
  return equal(actual, expected, new Map())
}

/**
 * Throws an `AssertionError` carrying both values (test runners show their diff) when they are
 * not {@link deepEqual}.
 *
 * @internal
 */
export function assertEqual(actual: unknown, expected: unknown, message?: string): void {
  if (deepEqual(actual, expected)) return
  throw new AssertionError({
    message: message ?? 'expected values to be deeply equal',
    actual,
    expected,
    operator: 'deepEqual',
  })
}

/**
 * Throws an `AssertionError` when the two values are not the same value (`Object.is`).
 *
 * @internal
 */
export function assertSame(actual: unknown, expected: unknown, message?: string): void {
  if (Object.is(actual, expected)) return
  throw new AssertionError({
    message: message ?? 'expected the same value',
    actual,
    expected,
    operator: 'is',
  })
}

interface AsymmetricMatcher {
  asymmetricMatch(other: unknown): boolean
}

function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsymmetricMatcher>).asymmetricMatch === 'function'
  )
}

function equal(actual: unknown, expected: unknown, seen: Map<object, unknown>): boolean {
  if (isAsymmetricMatcher(expected)) return expected.asymmetricMatch(actual)
  if (Object.is(actual, expected)) return true
  if (typeof actual !== 'object' || typeof expected !== 'object') return false
  if (actual === null || expected === null) return false
  if (seen.get(actual) === expected) return true
  seen.set(actual, expected)
  if (Array.isArray(actual) !== Array.isArray(expected)) return false
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) {
    // Plain objects with or without a prototype compare by their properties.
    if (!isPlain(actual) || !isPlain(expected)) return false
  }
  if (actual instanceof Date) return actual.getTime() === (expected as Date).getTime()
  if (actual instanceof RegExp) return String(actual) === String(expected)
  if (actual instanceof Error) {
    const other = expected as Error
    if (actual.name !== other.name || actual.message !== other.message) return false
  }
  if (actual instanceof Map)
    return equalEntries([...actual], [...(expected as Map<unknown, unknown>)], seen)
  if (actual instanceof Set) return equalEntries([...actual], [...(expected as Set<unknown>)], seen)
  if (Array.isArray(actual)) {
    const other = expected as unknown[]
    if (actual.length !== other.length) return false
    return actual.every((item, index) => equal(item, other[index], seen))
  }
  const actualKeys = definedKeys(actual)
  const expectedKeys = definedKeys(expected)
  if (actualKeys.length !== expectedKeys.length) return false
  return expectedKeys.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(actual, key) &&
      equal(
        (actual as Record<PropertyKey, unknown>)[key],
        (expected as Record<PropertyKey, unknown>)[key],
        seen,
      ),
  )
}

function equalEntries(actual: unknown[], expected: unknown[], seen: Map<object, unknown>): boolean {
  return (
    actual.length === expected.length &&
    actual.every((item, index) => equal(item, expected[index], seen))
  )
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === null || prototype === Object.prototype
}

function definedKeys(value: object): PropertyKey[] {
  return Reflect.ownKeys(value).filter(
    (key) =>
      Object.prototype.propertyIsEnumerable.call(value, key) &&
      (value as Record<PropertyKey, unknown>)[key] !== undefined,
  )
}
