/**
 * Node fires a timer whose delay exceeds 2^31 - 1 ms (Infinity included) after 1 ms, with a
 * warning on stderr: a long or infinite timeout would fire every millisecond. This caps it.
 *
 * @internal
 */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) return 2_147_483_647
  return Math.min(ms, 2_147_483_647)
}
