/**
 * Bytes to text for every text source. UTF-8 takes a fast path (whole code points per chunk,
 * decoded natively, a leading BOM stripped unless kept; a chunk of ASCII copied); invalid bytes become U+FFFD, and with
 * `strict` the reader also learns where each stands in the text, so that its row or line can be
 * reported. Other encodings go through the WHATWG `TextDecoder` (labels such as `windows-1252`)
 * or Node's `StringDecoder` (names such as `latin1`, `utf16le`), as the source's option means.
 *
 * @internal
 * @packageDocumentation
 */
import { isAscii } from 'node:buffer'
import { StringDecoder } from 'node:string_decoder'
import { TextDecoder } from 'node:util'

/**
 * Where invalid bytes sit in a decoded piece: the offsets in its text of the U+FFFD characters
 * that stand for them (a U+FFFD written in the input is valid UTF-8 and not among them).
 *
 * @internal
 */
export type InvalidBytes = readonly number[]

/** @internal */
export interface DecodedText {
  readonly text: string
  readonly invalid?: InvalidBytes
}

/** @internal */
export interface TextDecoding {
  decode(chunk: Buffer): DecodedText
  /** Flushes a trailing incomplete sequence. */
  end(): DecodedText
}

/** @internal */
export interface TextDecodingOptions {
  /** A WHATWG label (`utf-8`, `windows-1252`) or, with `labels: 'node'`, a Node `BufferEncoding`. */
  readonly encoding: string
  /** Which names `encoding` is (default `whatwg`). */
  readonly labels?: 'whatwg' | 'node'
  /** Find the bytes that are not UTF-8 (UTF-8 input only). */
  readonly strict: boolean
  /** Leave a leading UTF-8 byte order mark in the text (for readers that count its bytes). */
  readonly keepBom?: boolean
}

const NODE_UTF8 = new Set(['utf8', 'utf-8'])

/**
 * Throws a RangeError naming the label when a WHATWG encoding is unknown.
 *
 * @internal
 */
export function createTextDecoding(options: TextDecodingOptions): TextDecoding {
  const { encoding, strict } = options
  const keepBom = options.keepBom ?? false
  if (options.labels === 'node') {
    const lower = encoding.toLowerCase()
    return NODE_UTF8.has(lower)
      ? new Utf8Decoding(strict, keepBom)
      : new NodeDecoding(encoding as BufferEncoding)
  }
  const canonical = new TextDecoder(encoding).encoding
  return canonical === 'utf-8' ? new Utf8Decoding(strict, keepBom) : new WhatwgDecoding(canonical)
}

class NodeDecoding implements TextDecoding {
  private readonly decoder: StringDecoder
  constructor(encoding: BufferEncoding) {
    this.decoder = new StringDecoder(encoding)
  }
  decode(chunk: Buffer): DecodedText {
    return { text: this.decoder.write(chunk) }
  }
  end(): DecodedText {
    return { text: this.decoder.end() }
  }
}

class WhatwgDecoding implements TextDecoding {
  private readonly decoder: TextDecoder
  constructor(encoding: string) {
    this.decoder = new TextDecoder(encoding)
  }
  decode(chunk: Buffer): DecodedText {
    return { text: this.decoder.decode(chunk, { stream: true }) }
  }
  end(): DecodedText {
    return { text: this.decoder.decode() }
  }
}

/**
 * A decoder that throws on bytes that are not UTF-8 and keeps a byte order mark. Once it has been
 * called in streaming mode, Node 20 serves it with ICU's converter, about a third faster on
 * non-ASCII text than its one-shot path and than `Buffer#toString`; each piece is then decoded
 * whole (flushed), so nothing is held back between pieces.
 */
function validatingDecoder(): TextDecoder {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  decoder.decode(new Uint8Array(0), { stream: true })
  return decoder
}

class Utf8Decoding implements TextDecoding {
  private tail: Buffer | undefined
  private atStart: boolean
  private validating = validatingDecoder()
  constructor(
    private readonly strict: boolean,
    keepBom: boolean,
  ) {
    this.atStart = !keepBom
  }

  decode(chunk: Buffer): DecodedText {
    // ASCII is valid UTF-8 with no byte order mark and no cut character, and reads as Latin-1
    // does: a copy, several times faster than UTF-8 decoding.
    if (this.tail === undefined && chunk.length > 0 && isAscii(chunk)) {
      this.atStart = false
      return { text: chunk.toString('latin1') }
    }
    const bytes = this.tail === undefined ? chunk : Buffer.concat([this.tail, chunk])
    const complete = completeLength(bytes)
    this.tail = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined
    return this.finish(bytes, complete)
  }

  end(): DecodedText {
    const bytes = this.tail
    this.tail = undefined
    return bytes === undefined ? { text: '' } : this.finish(bytes, bytes.length)
  }

  private finish(bytes: Buffer, end: number): DecodedText {
    const piece = end === bytes.length ? bytes : bytes.subarray(0, end)
    // One validating decode per chunk: it throws only for a chunk holding bytes that are not
    // UTF-8, which the slow path then decodes with U+FFFD and places.
    let text: string
    let valid = true
    try {
      text = this.validating.decode(piece)
    } catch {
      this.validating = validatingDecoder()
      valid = false
      text = piece.toString('utf8')
    }
    let shift = 0
    if (this.atStart && text.length > 0) {
      this.atStart = false
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1)
        shift = 1
      }
    }
    if (valid || !this.strict) return { text }
    return { text, invalid: findInvalidBytes(bytes, end, shift) }
  }
}

/** The length of the prefix of `bytes` that ends on a whole code point. */
function completeLength(bytes: Buffer): number {
  const length = bytes.length
  const stop = Math.max(0, length - 4)
  let index = length - 1
  while (index >= stop && ((bytes[index] as number) & 0xc0) === 0x80) index--
  if (index < stop) return length
  const lead = bytes[index] as number
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  return index + needed > length ? index : length
}

const isContinuation = (byte: number | undefined): boolean =>
  byte !== undefined && (byte & 0xc0) === 0x80

/** The length of the well-formed UTF-8 sequence starting at `index`, or 0 if there is none. */
function sequenceLength(bytes: Buffer, index: number, end: number): number {
  const lead = bytes[index] as number
  const at = (offset: number): number | undefined =>
    index + offset < end ? bytes[index + offset] : undefined
  const second = at(1)
  if (lead >= 0xc2 && lead <= 0xdf) return isContinuation(second) ? 2 : 0
  if (lead >= 0xe0 && lead <= 0xef) {
    if (second === undefined) return 0
    if (lead === 0xe0 && second < 0xa0) return 0
    if (lead === 0xed && second > 0x9f) return 0
    return isContinuation(second) && isContinuation(at(2)) ? 3 : 0
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    if (second === undefined) return 0
    if (lead === 0xf0 && second < 0x90) return 0
    if (lead === 0xf4 && second > 0x8f) return 0
    return isContinuation(second) && isContinuation(at(2)) && isContinuation(at(3)) ? 4 : 0
  }
  return 0
}

/**
 * The length of the longest prefix of a well-formed sequence at `index` (at least 1): the bytes
 * one U+FFFD stands for when the sequence is broken (WHATWG "maximal subpart").
 */
function brokenLength(bytes: Buffer, index: number, end: number): number {
  const lead = bytes[index] as number
  const at = (offset: number): number | undefined =>
    index + offset < end ? bytes[index + offset] : undefined
  let needed: number
  let low = 0x80
  let high = 0xbf
  if (lead >= 0xc2 && lead <= 0xdf) needed = 2
  else if (lead >= 0xe0 && lead <= 0xef) {
    needed = 3
    if (lead === 0xe0) low = 0xa0
    if (lead === 0xed) high = 0x9f
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    needed = 4
    if (lead === 0xf0) low = 0x90
    if (lead === 0xf4) high = 0x8f
  } else return 1
  const second = at(1)
  if (second === undefined || second < low || second > high) return 1
  let length = 2
  while (length < needed && isContinuation(at(length))) length++
  return length
}

/** Slow path, only for pieces that are not valid UTF-8: the text offsets of their U+FFFDs. */
function findInvalidBytes(bytes: Buffer, end: number, shift: number): InvalidBytes {
  const offsets: number[] = []
  let chars = -shift
  for (let index = 0; index < end;) {
    const byte = bytes[index] as number
    if (byte < 0x80) {
      chars++
      index++
      continue
    }
    const length = sequenceLength(bytes, index, end)
    if (length > 0) {
      chars += length === 4 ? 2 : 1
      index += length
      continue
    }
    offsets.push(chars)
    chars++
    index += brokenLength(bytes, index, end)
  }
  return offsets
}
