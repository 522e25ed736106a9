/**
 * The reader behind `fromJson`: pulls text chunks from the input and turns each into a batch of
 * records with the NDJSON or the document splitter. One chunk is read per batch asked for, so
 * the input waits while the run has no budget.
 *
 * @internal
 * @packageDocumentation
 */
import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure, Location } from '../../core/Failure.js'
import type { SourceBatch } from '../pullSource.js'
import { JsonDocumentSplitter, type DocumentShape } from './JsonDocumentSplitter.js'
import { JsonSyntaxError } from './JsonSyntaxError.js'
import { NdjsonSplitter } from './NdjsonSplitter.js'
import { openTextChunks, type TextInput } from './textChunks.js'

/** @internal */
export interface JsonReaderSettings {
  readonly stage: string
  readonly format: DocumentShape | 'ndjson'
  readonly encoding: BufferEncoding
  readonly gzip: boolean
  readonly path: readonly string[]
  readonly maxRecordChars: number
}

interface Splitter {
  write(chunk: string): Array<Either<Failure, unknown>>
  end(): Array<Either<Failure, unknown>>
  readonly done: boolean
  /** Where the items of the last write or end came from, when lines are known (NDJSON). */
  readonly locate?: () => (index: number) => Location
}

/** @internal */
export async function openJsonReader(
  input: TextInput,
  settings: JsonReaderSettings,
  signal: AbortSignal,
): Promise<AsyncIterator<SourceBatch<unknown>>> {
  const chunks = await openTextChunks(input, {
    encoding: settings.encoding,
    gzip: settings.gzip,
    stage: settings.stage,
    signal,
  })
  const splitter = makeSplitter(input, settings)
  const where = typeof input === 'string' ? input : 'text' in input ? 'the text' : 'the stream'
  let finished = false

  return {
    async next() {
      while (!finished) {
        const chunk = await chunks.next()
        let items: Array<Either<Failure, unknown>>
        try {
          items = chunk === undefined ? splitter.end() : splitter.write(chunk)
        } catch (error) {
          finished = true
          await chunks.close()
          if (!(error instanceof JsonSyntaxError)) throw error
          throw new Error(
            `${settings.stage}: invalid JSON in ${where} at byte ${error.offset} (line ${error.line}): ${error.reason}`,
            { cause: error },
          )
        }
        if (chunk === undefined || splitter.done) {
          finished = true
          await chunks.close()
        }
        if (items.length > 0) {
          const bytes = chunk?.length ?? 0
          const locate = splitter.locate?.()
          return {
            done: false,
            value: locate === undefined ? { items, bytes } : { items, bytes, locate },
          }
        }
      }
      return { done: true, value: undefined }
    },
    async return() {
      finished = true
      await chunks.close()
      return { done: true, value: undefined }
    },
  }
}

function makeSplitter(input: TextInput, settings: JsonReaderSettings): Splitter {
  const encoding = settings.encoding
  const byteLength = (text: string): number => Buffer.byteLength(text, encoding)
  if (settings.format === 'ndjson') {
    const ndjson = new NdjsonSplitter({
      stage: settings.stage,
      ...(typeof input === 'string' ? { file: input } : {}),
      byteLength,
      maxRecordChars: settings.maxRecordChars,
    })
    const file = typeof input === 'string' ? { file: input } : {}
    return {
      write: (chunk) => ndjson.write(chunk),
      end: () => ndjson.end(),
      done: false,
      locate: () => {
        const lines = ndjson.lines
        return (index) => ({ ...file, line: lines[index] as number })
      },
    }
  }
  const document = new JsonDocumentSplitter({
    shape: settings.format,
    path: settings.path,
    byteLength,
    maxRecordChars: settings.maxRecordChars,
  })
  return {
    write: (chunk) => asRecords(document.write(chunk)),
    end: () => asRecords(document.end()),
    get done() {
      return document.done
    },
  }
}

function asRecords(values: unknown[]): Array<Either<Failure, unknown>> {
  const items: Array<Either<Failure, unknown>> = []
  for (const value of values) items.push(right(value))
  return items
}
