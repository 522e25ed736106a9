/**
 * Where a failure happened, as far as the stage that saw it knows.
 *
 * @category core
 * @since 0.1.0
 */
export interface Location {
  /** The file (or URL, or stream name) being read or written. */
  readonly file?: string
  /** 1-based physical line in the input where the record starts. */
  readonly line?: number
  /** 1-based data row (the header row is not counted). */
  readonly row?: number
  /** The field (column, property path) at fault. */
  readonly field?: string
  /** An identifier of the record, such as its `Id` or `email`. */
  readonly recordId?: string
  /** Byte offset in the input. */
  readonly offset?: number
}

/**
 * The kinds of failure PowerFlow produces. User-defined stages may use their own tags.
 *
 * @category core
 * @since 0.1.0
 */
export type FailureTag =
  | 'ParseError'
  | 'ValidationError'
  | 'TransformError'
  | 'SinkError'
  | 'HttpError'
  | 'HookError'
  | 'LedgerWarning'
  | (string & {})

/**
 * A per-record problem, as a value. Failures travel through a {@link Flow} as `Left` values and end
 * up in the run report, a dead-letter sink, or the rejection of a fail-fast run.
 *
 * `message` reads well on its own: `fromCsv deals.csv line 17: unterminated quoted field`.
 *
 * @category core
 * @since 0.1.0
 */
export interface Failure {
  readonly _tag: FailureTag
  /** The name of the stage where the failure happened (`fromCsv deals.csv`, `Filter won`, …). */
  readonly stage: string
  /** A complete, human-readable sentence: stage, place and cause. */
  readonly message: string
  /** The underlying error or detail, if any. */
  readonly cause?: unknown
  /** The offending record, when there is one. */
  readonly record?: unknown
  /** The offending raw text (a CSV line, an NDJSON line), when there is no record. */
  readonly raw?: string
  /** Where it happened, as far as known. */
  readonly location?: Location
  /** Extra detail for a given tag, such as `status`, `body` and `attempts` for an HttpError. */
  readonly details?: Readonly<Record<string, unknown>>
}

/**
 * What {@link failure} needs to build a {@link Failure}: everything but the composed `message`.
 *
 * @category core
 * @since 0.1.0
 */
export interface FailureInit {
  readonly stage: string
  /** The cause in a few words, without the stage or place: `unterminated quoted field`. */
  readonly reason: string
  readonly cause?: unknown
  readonly record?: unknown
  readonly raw?: string
  readonly location?: Location
  readonly details?: Readonly<Record<string, unknown>>
}

/**
 * Builds a {@link Failure}, composing a message that names the stage and the place.
 *
 * @example
 * ```ts
 * import { failure } from 'powerflow-etl'
 *
 * const f = failure('ParseError', {
 *   stage: 'fromCsv',
 *   reason: 'unterminated quoted field',
 *   location: { file: 'deals.csv', line: 17 },
 * })
 * console.assert(f.message === 'fromCsv deals.csv line 17: unterminated quoted field')
 * ```
 *
 * @param tag - the kind of failure
 * @param init - stage, reason, and whatever else is known
 * @returns a Failure whose `message` stands on its own
 * @category core
 * @since 0.1.0
 */
export function failure(tag: FailureTag, init: FailureInit): Failure {
  const place = describeLocation(init.stage, init.location)
  const message = `${init.stage}${place === '' ? '' : ` ${place}`}: ${init.reason}`
  return {
    _tag: tag,
    stage: init.stage,
    message,
    ...(init.cause === undefined ? {} : { cause: init.cause }),
    ...(init.record === undefined ? {} : { record: init.record }),
    ...(init.raw === undefined ? {} : { raw: init.raw }),
    ...(init.location === undefined ? {} : { location: init.location }),
    ...(init.details === undefined ? {} : { details: init.details }),
  }
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
}

function describeLocation(stage: string, location: Location | undefined): string {
  if (location === undefined) return ''
  const parts: string[] = []
  // Stage names often name their file already (`fromCsv deals.csv`): say it once.
  if (location.file !== undefined && !stage.includes(baseName(location.file)))
    parts.push(location.file)
  if (location.line !== undefined) parts.push(`line ${location.line}`)
  else if (location.row !== undefined) parts.push(`row ${location.row}`)
  if (location.offset !== undefined && location.line === undefined)
    parts.push(`byte ${location.offset}`)
  if (location.recordId !== undefined) parts.push(`record ${location.recordId}`)
  if (location.field !== undefined) parts.push(`field ${location.field}`)
  return parts.join(' ')
}

/**
 * The message of an unknown thrown value, for use as a failure reason.
 *
 * @internal
 */
export function describeError(error: unknown): string {
  // Whatever was thrown — even a Proxy whose every trap throws — is described, never rethrown.
  try {
    if (error instanceof Error) return String(error.message)
    if (typeof error === 'string') return error
  } catch {
    return UNDESCRIBABLE
  }
  try {
    const text = JSON.stringify(error)
    if (text !== undefined) return text
  } catch {
    // not JSON: its string form, below
  }
  try {
    return String(error)
  } catch {
    return UNDESCRIBABLE
  }
}

const UNDESCRIBABLE = 'a thrown value that cannot be described'
