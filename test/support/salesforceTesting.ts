import { afterEach } from 'vitest'
import { SalesforceServer, type SalesforceServerOptions } from './salesforceServer.js'

/**
 * A starter of local Salesforce servers for the calling test file; every server it started is
 * closed after each test. Call it at the top level of the file.
 */
export function salesforceServers(): (
  options?: SalesforceServerOptions,
) => Promise<SalesforceServer> {
  const servers: SalesforceServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  return async (options = {}) => {
    const server = await SalesforceServer.start(options)
    servers.push(server)
    return server
  }
}

/** Retry and Bulk poll delays of a millisecond or two, for tests against the local server. */
export const FAST_SALESFORCE = {
  minDelayMs: 1,
  maxDelayMs: 2,
  pollIntervalMs: 1,
  maxPollIntervalMs: 2,
} as const
