/**
 * A HubSpot object as {@link fromHubSpot} emits it and {@link toHubSpot} takes it: flat, as the
 * Python original has it — `id`, every property returned (a string, or `null` when empty), and
 * `createdAt`, `updatedAt` (ISO 8601) and `archived`. With the `associations` option, the ids of
 * the associated objects by type: `{ associations: { companies: ['101'] } }`.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface HubSpotRecord {
  readonly id: string
  readonly createdAt: string
  readonly updatedAt: string
  readonly archived: boolean
  /** Associated object ids by object type, when the source was asked for them. */
  readonly associations?: Readonly<Record<string, readonly string[]>>
  /** The properties: strings, or `null` for an empty one. */
  readonly [property: string]: unknown
}
