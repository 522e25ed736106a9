import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@hubspot/api-client'
import { afterEach, describe, expect, it } from 'vitest'
import { fromGenerator, pipe, toArray } from '../../../src/index.js'
import {
  fromHubSpot,
  hubspot,
  toHubSpot,
  type HubSpotRecord,
  type HubSpotReport,
} from '../../../src/integrations/hubspot/index.js'
import {
  startHubSpotServer,
  type HubSpotServer,
  type HubSpotServerOptions,
  type SeenHubSpotRequest,
} from '../../support/hubspotServer.js'

const servers: HubSpotServer[] = []
const folders: string[] = []
const savedToken = process.env['HUBSPOT_ACCESS_TOKEN']
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })))
  if (savedToken === undefined) delete process.env['HUBSPOT_ACCESS_TOKEN']
  else process.env['HUBSPOT_ACCESS_TOKEN'] = savedToken
})

async function server(options: HubSpotServerOptions = {}): Promise<HubSpotServer> {
  const started = await startHubSpotServer(options)
  servers.push(started)
  return started
}

/** The most requests of `kind` the server saw arrive within any window of `windowMs`. */
function busiestWindow(
  requests: readonly SeenHubSpotRequest[],
  kind: 'search' | 'general',
  windowMs: number,
): number {
  const times = requests.filter((request) => request.kind === kind).map((request) => request.at)
  let most = 0
  for (const from of times)
    most = Math.max(most, times.filter((at) => at >= from && at < from + windowMs).length)
  return most
}

async function readAll(target: HubSpotServer, connection: ReturnType<typeof hubspot>) {
  target.seed('contacts', [{ properties: { email: 'a@example.com' } }])
  return pipe(
    fromHubSpot(connection, 'contacts', { properties: ['email'] }),
    toArray<HubSpotRecord>(),
  )
}

describe('hubspot', () => {
  it('takes the token from HUBSPOT_ACCESS_TOKEN', async () => {
    const target = await server()
    process.env['HUBSPOT_ACCESS_TOKEN'] = target.token
    const report = await readAll(target, hubspot({ basePath: target.url, rateLimit: false }))
    expect(report.records).toHaveLength(1)
  })

  it('reads the token from envFile only when it is given, leaving process.env alone', async () => {
    const target = await server()
    delete process.env['HUBSPOT_ACCESS_TOKEN']
    const folder = await mkdtemp(join(tmpdir(), 'powerflow-hubspot-'))
    folders.push(folder)
    const envFile = join(folder, '.env')
    await writeFile(envFile, `# test\nHUBSPOT_ACCESS_TOKEN="${target.token}"\n`)
    expect(() => hubspot({ basePath: target.url })).toThrow(/no access token/)
    const report = await readAll(target, hubspot({ basePath: target.url, envFile }))
    expect(report.records).toHaveLength(1)
    expect(process.env['HUBSPOT_ACCESS_TOKEN']).toBeUndefined()
    expect(() => hubspot({ envFile: join(folder, 'missing.env') })).toThrow(
      /cannot read envFile .*missing\.env/,
    )
  })

  it('calls through a ready Client', async () => {
    const target = await server()
    const client = new Client({ accessToken: target.token, basePath: target.url })
    const connection = hubspot({ client })
    expect(connection.client).toBe(client)
    const report = await readAll(target, connection)
    expect(report.records).toHaveLength(1)
  })

  it('refuses a rate limit that cannot work', () => {
    expect(() =>
      hubspot({ accessToken: 'pat-x-token', rateLimit: { limit: 0, windowMs: 10 } }),
    ).toThrow(/rateLimit needs a whole limit of at least 1/)
  })

  it('never sends more requests in a window than the limit', async () => {
    const limit = { limit: 4, windowMs: 150 }
    const target = await server({ rateLimit: limit })
    const connection = hubspot({
      accessToken: target.token,
      basePath: target.url,
      rateLimit: limit,
      minDelayMs: 1,
    })
    const records = Array.from({ length: 600 }, (_, index) => ({ email: `p${index}@example.com` }))
    const report = await pipe(
      fromGenerator(records),
      toHubSpot(connection, 'contacts', { batchSize: 25, concurrency: 4 }),
    )
    expect(report.written).toBe(600)
    expect(target.requests.every((request) => request.status !== 429)).toBe(true)
    expect(busiestWindow(target.requests, 'general', limit.windowMs)).toBeLessThanOrEqual(4)
    const section = report['hubspot'] as HubSpotReport
    expect(section.rateLimited).toBe(0)
    expect(section.limiterWaits).toBeGreaterThan(0)
  })

  it('learns a lower limit from the X-HubSpot-RateLimit headers', async () => {
    const target = await server({ rateLimit: { limit: 3, windowMs: 150 } })
    const connection = hubspot({
      accessToken: target.token,
      basePath: target.url,
      rateLimit: { limit: 100, windowMs: 150 },
      minDelayMs: 1,
    })
    const records = Array.from({ length: 300 }, (_, index) => ({ email: `p${index}@example.com` }))
    const report = await pipe(
      fromGenerator(records),
      // One call at a time: the first answer says the limit before the second call starts.
      toHubSpot(connection, 'contacts', { batchSize: 20, concurrency: 1 }),
    )
    expect(report.written).toBe(300)
    expect(target.requests.every((request) => request.status !== 429)).toBe(true)
    expect(busiestWindow(target.requests, 'general', 150)).toBeLessThanOrEqual(3)
    expect((report['hubspot'] as HubSpotReport).limits.requests?.limit).toBe(3)
  })

  it('keeps searches under their own per-second limit', async () => {
    const target = await server({ searchRateLimit: { limit: 3, windowMs: 120 } })
    target.seed(
      'contacts',
      Array.from({ length: 300 }, (_, index) => ({
        properties: { email: `p${index}@example.com` },
        updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
      })),
    )
    const connection = hubspot({
      accessToken: target.token,
      basePath: target.url,
      searchRateLimit: { limit: 3, windowMs: 120 },
    })
    const report = await pipe(
      fromHubSpot(connection, 'contacts', {
        properties: ['email'],
        since: '2026-01-01T00:00:00Z',
        pageSize: 20,
      }),
      toArray<HubSpotRecord>(),
    )
    expect(report.records).toHaveLength(300)
    expect(target.requests.every((request) => request.status !== 429)).toBe(true)
    expect(busiestWindow(target.requests, 'search', 120)).toBeLessThanOrEqual(3)
  })
})
