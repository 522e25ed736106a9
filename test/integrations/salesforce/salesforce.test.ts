import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import jsforce from 'jsforce'
import { toArray } from '../../../src/sinks/toArray.js'
import { salesforce } from '../../../src/integrations/salesforce/salesforce.js'
import { fromSalesforce } from '../../../src/integrations/salesforce/fromSalesforce.js'
import { SalesforceServer } from '../../support/salesforceServer.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function start(options: ConstructorParameters<typeof SalesforceServer>[0] = {}) {
  const server = await SalesforceServer.start(options)
  cleanups.push(() => server.close())
  server.insert('Account', [{ Name: 'Acme' }])
  return server
}

const readAccounts = (org: ReturnType<typeof salesforce>) =>
  pipe(fromSalesforce(org, 'SELECT Id, Name FROM Account'), toArray())

describe('salesforce', () => {
  it('returns at once and logs in only when a stage first uses it', async () => {
    const server = await start({ username: 'etl@acme.com', password: 'pw', securityToken: 'TOKEN' })
    const org = salesforce({
      loginUrl: server.url,
      username: 'etl@acme.com',
      password: 'pw',
      securityToken: 'TOKEN',
    })
    expect(server.requests).toHaveLength(0)
    await readAccounts(org)
    await readAccounts(org)
    // One login shared by both runs.
    expect(server.soapLoginVersions).toEqual(['64.0'])
  })

  it('uses the OAuth username-password flow when a client is given', async () => {
    const server = await start({
      username: 'etl@acme.com',
      password: 'pw',
      clientId: 'app',
      clientSecret: 'shh-secret',
    })
    const org = salesforce({
      loginUrl: server.url,
      username: 'etl@acme.com',
      password: 'pw',
      clientId: 'app',
      clientSecret: 'shh-secret',
    })
    expect((await readAccounts(org)).records).toHaveLength(1)
    expect(server.soapLoginVersions).toEqual([])
  })

  it('takes a ready jsforce Connection, and renews its session through jsforce', async () => {
    const server = await start({
      clientId: 'app',
      clientSecret: 'shh-secret',
      refreshToken: 'refresh-me',
    })
    const connection = new jsforce.Connection({
      instanceUrl: server.url,
      accessToken: server.accessToken,
      refreshToken: 'refresh-me',
      oauth2: { clientId: 'app', clientSecret: 'shh-secret', loginUrl: server.url },
    })
    const org = salesforce(connection)
    expect((await readAccounts(org)).records).toHaveLength(1)
    server.expireSession()
    expect((await readAccounts(org)).records).toHaveLength(1)
    expect(connection.accessToken).toBe(server.accessToken)
  })

  it('reads SF_ variables from an envFile only when one is named, and says when the login fails', async () => {
    const server = await start({ username: 'etl@acme.com', password: 'right' })
    const folder = await mkdtemp(join(tmpdir(), 'powerflow-sf-'))
    cleanups.push(() => rm(folder, { recursive: true, force: true }))
    const file = join(folder, '.env')
    await writeFile(
      file,
      `SF_LOGIN_URL=${server.url}\nSF_USERNAME=etl@acme.com\nSF_PASSWORD=right\n`,
    )
    expect((await readAccounts(salesforce({ env: {}, envFile: file }))).records).toHaveLength(1)

    const wrong = salesforce({ env: {}, envFile: file, password: 'wrong-password' })
    const error = await readAccounts(wrong).catch((caught: unknown) => caught as Error)
    expect((error as Error).message).toMatch(
      /login to http:\/\/127.0.0.1:\d+ as etl@acme.com failed: INVALID_LOGIN/,
    )
    expect((error as Error).message).not.toContain('wrong-password')
  })

  it('shares one requests-per-second cap between the stages of a connection', async () => {
    const server = await start({ pageSize: 10 })
    server.insert(
      'Account',
      Array.from({ length: 40 }, (_, n) => ({ Name: `A${n}` })),
    )
    const org = salesforce({
      instanceUrl: server.url,
      accessToken: server.accessToken,
      maxRequestsPerSecond: 50,
    })
    const [one, two] = await Promise.all([readAccounts(org), readAccounts(org)])
    expect(one.records).toHaveLength(41)
    expect(two.records).toHaveLength(41)
    expect(() => salesforce({ env: {}, maxRequestsPerSecond: 0 })).toThrow(
      /maxRequestsPerSecond must be a positive integer/,
    )
  })

  it('defaults to a current API version and checks the one given', () => {
    expect(salesforce({ env: {} }).version).toBe('65.0')
    expect(salesforce({ env: {}, version: 'v62.0' }).version).toBe('62.0')
    expect(salesforce({ env: { SF_API_VERSION: '63.0' } }).version).toBe('63.0')
    expect(() => salesforce({ env: {}, version: 'latest' })).toThrow(/version must look like 65.0/)
  })
})
