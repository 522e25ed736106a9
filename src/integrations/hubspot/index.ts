/**
 * HubSpot for PowerFlow (`powerflow-etl/hubspot`): a connection, a source of CRM objects (listed,
 * or incremental through the search API) and a sink (create, update, upsert, archive in batches).
 * Needs the optional peer dependency `@hubspot/api-client` 13; it loads only with this entry.
 *
 * @packageDocumentation
 */
export { hubspot, type HubSpotOptions, type HubSpotRateLimit } from './hubspot.js'
export { HubSpotConnection } from './HubSpotConnection.js'
export { fromHubSpot, type FromHubSpotOptions, type HubSpotSince } from './fromHubSpot.js'
export { toHubSpot, type ToHubSpotOptions, type HubSpotOperation } from './toHubSpot.js'
export type { HubSpotRecord } from './HubSpotRecord.js'
export type { HubSpotReport } from './HubSpotReport.js'
