import { hashString } from './HyperLogLog.js'
import { numberTextHash, readNumber, type NumberSlot } from './valueKind.js'

/**
 * The one 32-bit hash a profile gives a value's text, for its HyperLogLog and heavy hitters: from
 * the digits when the text reads as a short decimal number ({@link numberTextHash}, no second
 * pass over the characters), else {@link hashString}. Every path that hashes a text must agree,
 * or one value would count as two; `slot` is scratch space.
 *
 * @internal
 */
export function textHash(text: string, slot: NumberSlot): number {
  slot.shape = -1
  return readNumber(text, slot) >= 0 && slot.shape >= 0 ? numberTextHash(slot) : hashString(text)
}
