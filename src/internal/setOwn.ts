/**
 * Setting a key on a record as an own data property, whatever its name.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * Sets `key` on `target` as an own, enumerable data property — also `__proto__`, which plain
 * assignment would take as the prototype setter (dropping the value, or changing the prototype).
 *
 * @internal
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  else target[key] = value
}
