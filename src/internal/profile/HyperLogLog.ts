/**
 * A HyperLogLog distinct-count sketch (Flajolet et al. 2007, with the small-range correction by
 * linear counting): 2^precision one-byte registers, so its memory is fixed whatever the input.
 * With the default precision 14 (16 KiB) the standard error is 1.04 / √16384 ≈ 0.8 %, so estimates
 * fall within 2 % of the true count about 98 % of the time.
 *
 * @internal
 */
export class HyperLogLog {
  private readonly registers: Uint8Array
  private readonly bits: number

  constructor(precision = 14) {
    this.bits = precision
    this.registers = new Uint8Array(1 << precision)
  }

  /** Adds a value by its 32-bit hash. */
  addHash(hash: number): void {
    const index = hash >>> (32 - this.bits)
    // The rank is the position of the first 1 in the remaining bits (all zero: their count + 1).
    const rest = (hash << this.bits) >>> 0
    const rank = rest === 0 ? 32 - this.bits + 1 : Math.clz32(rest) + 1
    if (rank > (this.registers[index] as number)) this.registers[index] = rank
  }

  /** Adds a string. */
  add(value: string): void {
    this.addHash(hashString(value))
  }

  /** The estimated number of distinct values added. */
  estimate(): number {
    const m = this.registers.length
    let sum = 0
    let zeros = 0
    for (let i = 0; i < m; i++) {
      const register = this.registers[i] as number
      sum += 2 ** -register
      if (register === 0) zeros += 1
    }
    const alpha = 0.7213 / (1 + 1.079 / m)
    const raw = (alpha * m * m) / sum
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros))
    const two32 = 2 ** 32
    if (raw > two32 / 30) return Math.round(-two32 * Math.log(1 - raw / two32))
    return Math.round(raw)
  }
}

/**
 * MurmurHash3's 32-bit mix over UTF-16 code units (x86_32 body and finaliser), well spread in
 * every bit, which HyperLogLog needs.
 *
 * @internal
 */
export function hashString(value: string, seed = 0x9747b28c): number {
  let h = seed
  const length = value.length
  let i = 0
  for (; i + 1 < length; i += 2) {
    let k = (value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16)) >>> 0
    k = Math.imul(k, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  if (i < length) {
    let k = value.charCodeAt(i)
    k = Math.imul(k, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
  }
  h ^= length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
