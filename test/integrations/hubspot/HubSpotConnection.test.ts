import { afterEach, describe, expect, it } from 'vitest'
import { pipe, toArray } from '../../../src/index.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { fromHubSpot, hubspot } from '../../../src/integrations/hubspot/index.js'
import { startHubSpotServer, type HubSpotServer } from '../../support/hubspotServer.js'

const servers: HubSpotServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function server(): Promise<HubSpotServer> {
  const started = await startHubSpotServer({ token: 'pat-na1-secret-token-1234' })
  servers.push(started)
  return started
}

function read(connection: ReturnType<typeof hubspot>): Promise<RunReport> {
  return pipe(fromHubSpot(connection, 'contacts', { properties: [] }), toArray())
}

async function failureOf(run: Promise<unknown>): Promise<Error & { report: RunReport }> {
  return (await run.then(
    () => expect.fail('the run should have failed'),
    (error: unknown) => error,
  )) as Error & { report: RunReport }
}

describe('HubSpotConnection', () => {
  it('tries a refused token twice at most', async () => {
    const target = await server()
    target.expireToken()
    const error = await failureOf(
      read(hubspot({ accessToken: target.token, basePath: target.url, minDelayMs: 1, retries: 5 })),
    )
    expect(target.requests).toHaveLength(2)
    expect(error.message).toMatch(/\(2 attempts\)$/)
  })

  it('retries when HubSpot cannot be reached, then names where it tried, without the token', async () => {
    const target = await server()
    const { url, token } = target
    await target.close()
    const error = await failureOf(
      read(
        hubspot({ accessToken: token, basePath: url, minDelayMs: 1, maxDelayMs: 2, retries: 2 }),
      ),
    )
    expect(error.message).toContain(`could not reach HubSpot at ${url}`)
    expect(error.message).toMatch(/\(3 attempts\)$/)
    expect(JSON.stringify(error.report)).not.toContain(token)
    expect(error.report['hubspot']).toMatchObject({ requests: 3, statusCodes: { network: 3 } })
  })

  it('gives up on a Retry-After longer than maxRetryAfterMs, saying so', async () => {
    const target = await server()
    target.failNext(1, { status: 429, retryAfter: '120' })
    const error = await failureOf(
      read(hubspot({ accessToken: target.token, basePath: target.url, maxRetryAfterMs: 1_000 })),
    )
    expect(error.message).toMatch(
      /HubSpot answered 429 RATE_LIMITS.*asked to retry after more than maxRetryAfterMs \(1000 ms\); 1 attempt\)$/,
    )
  })

  it('does not retry an answer that will not change (404)', async () => {
    const target = await server()
    const error = await failureOf(
      pipe(
        fromHubSpot(
          hubspot({ accessToken: target.token, basePath: `${target.url}/nowhere`, minDelayMs: 1 }),
          'contacts',
          { properties: [] },
        ),
        toArray(),
      ),
    )
    expect(target.requests).toHaveLength(1)
    expect(error.message).toMatch(/HubSpot answered 404 OBJECT_NOT_FOUND/)
  })
})
