import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTextDecoding } from '../../../src/internal/input/textDecoding.js'

describe('createTextDecoding', () => {
  it('points at exactly the U+FFFD characters that stand for invalid bytes, however the bytes are cut', () => {
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0xef, 0xbf, 0xbd, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x0a),
    )
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 40 }), fc.nat(), (values, cut) => {
        const bytes = Buffer.from(values)
        const at = cut % (bytes.length + 1)
        const decoding = createTextDecoding({ encoding: 'utf-8', strict: true })
        let text = ''
        const offsets: number[] = []
        for (const piece of [
          decoding.decode(bytes.subarray(0, at)),
          decoding.decode(bytes.subarray(at)),
          decoding.end(),
        ]) {
          for (const offset of piece.invalid ?? []) offsets.push(text.length + offset)
          text += piece.text
        }
        const whole = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes)
        expect(text).toBe(whole)
        // Decoding with the bad bytes marked must give U+FFFD exactly there, and only there
        // among the characters that did not come from a written U+FFFD.
        const fatal = new TextDecoder('utf-8', { fatal: true })
        let valid = true
        try {
          fatal.decode(bytes)
        } catch {
          valid = false
        }
        expect(offsets.length === 0).toBe(valid)
        for (const offset of offsets) expect(text[offset]).toBe('\uFFFD')
        const written = Buffer.from('\uFFFD').toString('latin1')
        const replaced = [...text].filter((char) => char === '\uFFFD').length
        const writtenCount = bytes.toString('latin1').split(written).length - 1
        expect(offsets.length).toBe(replaced - writtenCount)
      }),
      { numRuns: 2_000 },
    )
  })
})
