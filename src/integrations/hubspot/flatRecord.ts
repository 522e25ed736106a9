/**
 * Between HubSpot's object shape (`{ id, properties, createdAt, updatedAt, archived }`) and the
 * flat records PowerFlow passes along.
 *
 * @internal
 * @packageDocumentation
 */
import type { HubSpotRecord } from './HubSpotRecord.js'

/** An object as the client returns it (dates may be Date objects). @internal */
export interface HubSpotObject {
  readonly id: string
  readonly properties: Readonly<Record<string, string | null>>
  readonly createdAt?: Date | string
  readonly updatedAt?: Date | string
  readonly archived?: boolean
}

/** The fields of a flat record that are not properties. @internal */
export const RECORD_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'archived',
  'associations',
])

/** `{ id, ...properties, createdAt, updatedAt, archived }`. @internal */
export function flatRecord(
  object: HubSpotObject,
  associations?: Readonly<Record<string, readonly string[]>>,
): HubSpotRecord {
  return {
    id: String(object.id),
    ...object.properties,
    createdAt: isoOf(object.createdAt),
    updatedAt: isoOf(object.updatedAt),
    archived: object.archived === true,
    ...(associations === undefined ? {} : { associations }),
  }
}

function isoOf(value: Date | string | undefined): string {
  if (value === undefined) return ''
  return value instanceof Date ? value.toISOString() : value
}

/**
 * A date property's value in epoch milliseconds (HubSpot sends ISO 8601, some older properties
 * epoch milliseconds as text), or undefined when it has none.
 *
 * @internal
 */
export function epochOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime()
  if (typeof value !== 'string' || value === '') return undefined
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}
