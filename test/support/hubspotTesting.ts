import { afterEach } from 'vitest'
import { hubspot } from '../../src/integrations/hubspot/index.js'
import { testKnobs } from '../../src/internal/testKnobs.js'
import {
  startHubSpotServer,
  type HubSpotServer,
  type HubSpotServerOptions,
} from './hubspotServer.js'

/**
 * A starter of local HubSpot servers for the calling test file; every server it started is
 * closed after each test. Call it at the top level of the file.
 */
export function hubspotServers(): (options?: HubSpotServerOptions) => Promise<HubSpotServer> {
  const servers: HubSpotServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  return async (options = {}) => {
    const started = await startHubSpotServer(options)
    servers.push(started)
    return started
  }
}

/** A connection to the local server, with fast retries and no client-side rate limits. */
export function connectHubSpot(target: HubSpotServer, extra: Parameters<typeof hubspot>[0] = {}) {
  // The local server's Retry-After seconds are waited as milliseconds (a test-only knob).
  testKnobs.retryAfterScale = 0.001
  return hubspot({
    accessToken: target.token,
    basePath: target.url,
    minDelayMs: 1,
    maxDelayMs: 5,
    rateLimit: false,
    searchRateLimit: false,
    ...extra,
  })
}
