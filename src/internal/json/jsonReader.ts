/**
 * The reader behind `fromJson`: pulls text chunks from the input and turns each into a batch of
 * records with the NDJSON or the document splitter. One chunk is read per batch asked for, so
 * the input waits while the run has no budget.
 *
 * @internal
 * @packageDocumentation
 */
import { checkpointsOf } from '../checkpoint/Checkpointer.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure, type Location } from '../../core/Failure.js'
import type { SourceBatch } from '../pullSource.js'
import { currentRun } from '../run/currentRun.js'
import type { BigNumberPolicy } from './bigNumbers.js'
import { JsonDocumentSplitter, RefusedNumber, type DocumentShape } from './JsonDocumentSplitter.js'
import { countLines, JsonSyntaxError } from './JsonSyntaxError.js'
import { INVALID_UTF8, NdjsonSplitter, type NdjsonPosition } from './NdjsonSplitter.js'
import { openTextInput } from '../input/openTextInput.js'
import { inputPlace, type SourceInput } from '../input/SourceInput.js'

/** @internal */
export interface JsonReaderSettings {
  readonly stage: string
  readonly format: DocumentShape | 'ndjson'
  readonly range?: { readonly start: number; readonly end: number } | undefined
  readonly encoding: BufferEncoding
  /** Gunzip: `true` the input must be gzip, `false` never, `undefined` when it is (by its first bytes). */
  readonly gzip: boolean | undefined
  readonly path: readonly string[]
  readonly maxRecordBytes: number
  readonly maxDepth: number
  readonly bigNumbers: BigNumberPolicy
  readonly strictEncoding: boolean
}

interface Splitter {
  write(chunk: string, invalid: readonly number[]): Array<Either<Failure, unknown>>
  end(): Array<Either<Failure, unknown>>
  readonly done: boolean
  /** Where the items of the last write or end came from, when lines are known (NDJSON). */
  readonly locate?: () => (index: number) => Location
  /** After `end()`, the position an appended file continues at (NDJSON only). */
  readonly position?: () => NdjsonPosition
  /** Between chunks, where the next record starts, if known (NDJSON only; for checkpoints). */
  readonly boundary?: () => NdjsonPosition | undefined
}

/** @internal */
export async function openJsonReader(
  input: SourceInput,
  settings: JsonReaderSettings,
  signal: AbortSignal,
): Promise<AsyncIterator<SourceBatch<unknown>>> {
  // With the `state` run option, a plain NDJSON file continues where the last run ended.
  const state =
    typeof input === 'string' &&
    settings.format === 'ndjson' &&
    settings.gzip !== true &&
    !/\.gz$/i.test(input)
      ? currentRun().state
      : undefined
  const resume = savedPosition(settings.stage, await state?.positionOf(settings.stage))
  const chunks = await openTextInput(input, {
    stage: settings.stage,
    signal,
    encoding: settings.encoding,
    labels: 'node',
    strict: settings.strictEncoding,
    // The splitters count the byte order mark's bytes, for offsets.
    keepBom: true,
    gzip: settings.gzip === undefined ? 'detect' : settings.gzip ? 'require' : 'never',
    start: resume?.offset ?? 0,
    spans: settings.range === undefined ? undefined : [settings.range],
  })
  const splitter = makeSplitter(input, settings, resume)
  const where = inputPlace(input)
  let finished = false
  // With checkpoints: where the next record starts after each batch, while offsets are exact.
  let exact = state !== undefined && checkpointsOf(currentRun()) !== undefined
  const positionAfter = (): { position?: { ndjson: NdjsonPosition } } => {
    const boundary = exact && !chunks.compressed ? splitter.boundary?.() : undefined
    return boundary === undefined ? {} : { position: { ndjson: boundary } }
  }

  return {
    async next() {
      while (!finished) {
        const piece = await chunks.next()
        let items: Array<Either<Failure, unknown>>
        try {
          items = piece === undefined ? splitter.end() : splitter.write(piece.text, piece.invalid)
          if (piece !== undefined && (piece.text.includes('\uFFFD') || piece.invalid.length > 0))
            exact = false
          const position = piece === undefined ? splitter.position?.() : undefined
          // No position is saved inside gzip data.
          if (position !== undefined && !chunks.compressed)
            state?.reach(settings.stage, { ndjson: position })
        } catch (error) {
          finished = true
          await chunks.close()
          if (!(error instanceof JsonSyntaxError)) throw error
          const what = error.kind === 'syntax' ? `invalid JSON in ${where}` : where
          throw new Error(
            `${settings.stage}: ${what} at byte ${error.offset} (line ${error.line}): ${error.reason}`,
            { cause: error },
          )
        }
        if (piece === undefined || splitter.done) {
          finished = true
          await chunks.close()
        }
        if (items.length > 0) {
          const bytes = piece?.bytes ?? 0
          const locate = splitter.locate?.()
          return {
            done: false,
            value: {
              items,
              bytes,
              ...(locate === undefined ? {} : { locate }),
              ...(piece === undefined ? {} : positionAfter()),
            },
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

function savedPosition(stage: string, saved: unknown): NdjsonPosition | undefined {
  if (saved === undefined) return undefined
  const position = (saved as { ndjson?: Partial<NdjsonPosition> } | null)?.ndjson
  if (
    typeof position !== 'object' ||
    position === null ||
    !Number.isSafeInteger(position.line) ||
    !Number.isSafeInteger(position.offset)
  )
    throw new Error(
      `${stage}: the saved state holds ${JSON.stringify(saved)}, not an NDJSON file position; delete the state key to read the file from the start`,
    )
  return position as NdjsonPosition
}

function makeSplitter(
  input: SourceInput,
  settings: JsonReaderSettings,
  resume: NdjsonPosition | undefined,
): Splitter {
  const encoding = settings.encoding
  const byteLength = (text: string): number => Buffer.byteLength(text, encoding)
  if (settings.format === 'ndjson') {
    const ndjson = new NdjsonSplitter({
      stage: settings.stage,
      ...(typeof input === 'string' ? { file: input } : {}),
      byteLength,
      maxRecordBytes: settings.maxRecordBytes,
      bigNumbers: settings.bigNumbers,
      maxDepth: settings.maxDepth,
      ...(resume === undefined ? {} : { resumeAt: resume }),
    })
    const file = typeof input === 'string' ? { file: input } : {}
    return {
      write: (chunk, invalid) => ndjson.write(chunk, invalid),
      end: () => ndjson.end(),
      position: () => ndjson.position,
      boundary: () => ndjson.boundary,
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
    maxRecordBytes: settings.maxRecordBytes,
    maxDepth: settings.maxDepth,
    bigNumbers: settings.bigNumbers,
  })
  const file = typeof input === 'string' ? { file: input } : {}
  const records = (values: unknown[]): Array<Either<Failure, unknown>> =>
    asRecords(values, settings.stage, file)
  // Lines read so far, to place undecodable bytes (a document holding them fails the run).
  let lines = 1
  let bytes = 0
  return {
    write: (chunk, invalid) => {
      const first = invalid[0]
      if (first !== undefined)
        throw new JsonSyntaxError(
          INVALID_UTF8,
          bytes + byteLength(chunk.slice(0, first)),
          lines + countLines(chunk, 0, first),
          'encoding',
        )
      lines += countLines(chunk, 0, chunk.length)
      bytes += byteLength(chunk)
      return records(document.write(chunk))
    },
    end: () => records(document.end()),
    get done() {
      return document.done
    },
  }
}

function asRecords(
  values: unknown[],
  stage: string,
  file: { readonly file?: string },
): Array<Either<Failure, unknown>> {
  const items: Array<Either<Failure, unknown>> = []
  for (const value of values)
    items.push(
      value instanceof RefusedNumber
        ? left(
            failure('ParseError', {
              stage,
              reason: value.reason,
              location: {
                ...file,
                line: value.line,
                ...(value.field === '' ? {} : { field: value.field }),
              },
            }),
          )
        : right(value),
    )
  return items
}
