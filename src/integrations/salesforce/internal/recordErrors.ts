/**
 * A record Salesforce rejected, as a `SinkError` failure carrying its error code, message and
 * fields.
 *
 * @internal
 * @packageDocumentation
 */
import { failure, type Failure } from '../../../core/Failure.js'

/** One of Salesforce's per-record errors. @internal */
export interface RecordError {
  readonly statusCode: string
  readonly message: string
  readonly fields: readonly string[]
}

/** The failure of a rejected record. @internal */
export function rejected(
  stage: string,
  record: unknown,
  position: number,
  error: RecordError,
  id?: string,
): Failure {
  const recordId = id ?? idOf(record)
  const fields = error.fields.length === 0 ? '' : ` (fields: ${error.fields.join(', ')})`
  return failure('SinkError', {
    stage,
    reason: `Salesforce rejected the record: ${error.statusCode}: ${error.message}${fields}`,
    record,
    location: recordId === undefined ? { row: position } : { recordId },
    details: {
      errorCode: error.statusCode,
      message: error.message,
      fields: [...error.fields],
      ...(recordId === undefined ? {} : { id: recordId }),
    },
  })
}

/** A Bulk `sf__Error` cell (`CODE:message:fields --`) as a {@link RecordError}. @internal */
export function parseBulkError(text: string): RecordError {
  const trimmed = text.replace(/\s*--\s*$/, '')
  const colon = trimmed.indexOf(':')
  if (colon < 0) return { statusCode: 'UNKNOWN_EXCEPTION', message: trimmed, fields: [] }
  const statusCode = trimmed.slice(0, colon)
  const rest = trimmed.slice(colon + 1)
  const tail = /^(.*):([\w.,]*)$/s.exec(rest)
  if (tail === null) return { statusCode, message: rest, fields: [] }
  const fields = (tail[2] ?? '').split(',').filter((field) => field !== '')
  return { statusCode, message: tail[1] ?? '', fields }
}

function idOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined
  const id = (record as Record<string, unknown>)['Id']
  return typeof id === 'string' && id !== '' ? id : undefined
}
