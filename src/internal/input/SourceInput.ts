/**
 * What a text source (`fromCsv`, `fromJson`) reads — a file path, a Node `Readable`, or in-memory
 * `{ text }` — and how each is named in stage names and messages.
 *
 * @internal
 * @packageDocumentation
 */
import { basename } from 'node:path'
import type { Readable } from 'node:stream'

/** A file path, a Node `Readable` of bytes or strings, or in-memory text. @internal */
export type SourceInput = string | Readable | { readonly text: string }

/** Whether `input` is a stream to read (rather than `{ text }`). @internal */
export function isReadable(input: unknown): input is Readable {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as Readable).read === 'function' &&
    typeof (input as Readable).on === 'function'
  )
}

/** The input in a default stage name: the file's base name, `stream` or `text`. @internal */
export function inputLabel(input: SourceInput): string {
  if (typeof input === 'string') return basename(input)
  return isReadable(input) ? 'stream' : 'text'
}

/** The input in a message: the path, `the stream` or `the text`. @internal */
export function inputPlace(input: SourceInput): string {
  if (typeof input === 'string') return input
  return isReadable(input) ? 'the stream' : 'the text'
}
