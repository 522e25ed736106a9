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
  /** The smallest register, and how many registers hold it. */
  private floor = 0
  private atFloor: number

  constructor(precision = 14) {
    this.bits = precision
    this.registers = new Uint8Array(1 << precision)
    this.atFloor = this.registers.length
  }

  /** Adds a value by its 32-bit hash. */
  addHash(hash: number): void {
    // The rank is the position of the first 1 in the bits past the index (all zero: their count + 1).
    const rest = (hash << this.bits) >>> 0
    const rank = rest === 0 ? 32 - this.bits + 1 : Math.clz32(rest) + 1
    // No register is below the floor, so a rank at or below it changes nothing: past a few values
    // per register most ranks are, and the (cache-missing) register is not read at all.
    if (rank <= this.floor) return
    const index = hash >>> (32 - this.bits)
    const register = this.registers[index] as number
    if (rank <= register) return
    this.registers[index] = rank
    if (register === this.floor && --this.atFloor === 0) this.raiseFloor()
  }

  /** Every register at the floor has risen: finds the new floor (rare, one pass). */
  private raiseFloor(): void {
    let floor = 255
    let count = 0
    for (const register of this.registers) {
      if (register < floor) {
        floor = register
        count = 1
      } else if (register === floor) count++
    }
    this.floor = floor
    this.atFloor = count
  }

  /** Adds a string. */
  add(value: string): void {
    this.addHash(hashString(value))
  }

  /**
   * The estimated number of distinct values added: Ertl's improved estimator ("New cardinality
   * estimation algorithms for HyperLogLog sketches", 2017), unbiased over the whole range. The
   * classic one (linear counting below 2.5·m registers, the raw mean above) is off by 2–3 % just
   * past the switch, about 41,000 values at the default precision.
   */
  estimate(): number {
    const m = this.registers.length
    const q = 32 - this.bits
    const histogram = new Float64Array(q + 2)
    for (let i = 0; i < m; i++) {
      const register = this.registers[i] as number
      histogram[register] = (histogram[register] as number) + 1
    }
    let z = m * tau(1 - (histogram[q + 1] as number) / m)
    for (let k = q; k >= 1; k--) z = 0.5 * (z + (histogram[k] as number))
    z += m * sigma((histogram[0] as number) / m)
    return Math.round((m * m) / (2 * Math.LN2 * z))
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity
  let y = 1
  let z = x
  let previous: number
  do {
    x *= x
    previous = z
    z += x * y
    y += y
  } while (z !== previous)
  return z
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  let previous: number
  do {
    x = Math.sqrt(x)
    previous = z
    y *= 0.5
    z -= (1 - x) * (1 - x) * y
  } while (z !== previous)
  return z / 3
}

/**
 * A 32-bit hash of a string for HyperLogLog, over its UTF-16 code units two at a time: each pair
 * is mixed in by one multiply and a fold of the high half into the low, then MurmurHash3's
 * finaliser spreads every input bit over every output bit. About half the work of MurmurHash3's
 * body; each step is a bijection of the state, so strings that differ in one pair never collide.
 * The tests check the spread of every bit and the estimates' error on sequential keys.
 *
 * @internal
 */
export function hashString(value: string, seed = 0x9747b28c): number {
  const length = value.length
  let h = seed ^ length
  let i = 0
  for (; i + 1 < length; i += 2) {
    h = Math.imul(h ^ (value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16)), 0x9e3779b1)
    h ^= h >>> 16
  }
  if (i < length) {
    h = Math.imul(h ^ value.charCodeAt(i), 0x9e3779b1)
    h ^= h >>> 16
  }
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
