/**
 * Settings that exist only so tests against local servers run fast. They are not options of any
 * public function: tests change them here (and put them back), users never see them.
 *
 * @internal
 * @packageDocumentation
 */

/** @internal */
export const testKnobs = {
  /**
   * Multiplies the delay a server asks for in `Retry-After` (default 1), so a local server's
   * `Retry-After: 1` need not cost a test a second.
   */
  retryAfterScale: 1,
}
