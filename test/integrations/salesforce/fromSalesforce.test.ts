import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { toArray } from '../../../src/sinks/toArray.js'
import { map } from '../../../src/operators/map.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { salesforce } from '../../../src/integrations/salesforce/salesforce.js'
import { fromSalesforce } from '../../../src/integrations/salesforce/fromSalesforce.js'
import { fileStateStore } from '../../../src/state/fileStateStore.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expectReportEquation as expectBalanced } from '../../support/ledger.js'
import { FAST_SALESFORCE, salesforceServers } from '../../support/salesforceTesting.js'
import { testKnobs } from '../../../src/internal/testKnobs.js'

const start = salesforceServers()

const fast = FAST_SALESFORCE

describe('fromSalesforce', () => {
  it('reads 5,000 records over many pages, pulling each page on demand, without attributes', async () => {
    const server = await start({ pageSize: 200 })
    server.insert(
      'Account',
      Array.from({ length: 5_000 }, (_, n) => ({ Name: `Account ${n}`, NumberOfEmployees: n })),
    )
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const report = await pipe(
      fromSalesforce(org, { object: 'Account', fields: ['Id', 'Name', 'NumberOfEmployees'] }),
      toArray({ highWaterMark: 300 }),
    )
    expect(report.status).toBe('completed')
    expect(report.records).toHaveLength(5_000)
    expect(report.records[4_999]).toEqual({
      Id: expect.any(String),
      Name: 'Account 4999',
      NumberOfEmployees: 4_999,
    })
    expect(report.records.some((record) => 'attributes' in record)).toBe(false)
    expect(server.requests.filter((request) => request.url.includes('/query'))).toHaveLength(25)
    expect(report.salesforce).toEqual({
      requests: 25,
      retries: 0,
      apiUsage: { used: 25, limit: 15_000 },
      mode: 'rest',
    })
    expect(report.maxInFlight).toBeLessThanOrEqual(300)
    expectBalanced(report)
  })

  it('builds SOQL from { object, fields, where, limit } as the Python original takes it', async () => {
    const server = await start()
    server.insert('Contact', [
      { LastName: 'Lovelace', Email: 'ada@example.com' },
      { LastName: 'Hopper', Email: 'grace@example.com' },
      { LastName: 'Turing', Email: 'alan@example.com' },
    ])
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const report = await pipe(
      fromSalesforce(org, {
        object: 'Contact',
        fields: ['LastName'],
        where: "LastName != 'Turing'",
        limit: 1,
      }),
      toArray(),
    )
    expect(report.records).toEqual([{ LastName: 'Lovelace' }])
  })

  it('reads a Bulk API 2.0 job over several locator pages and deletes the job', async () => {
    const server = await start({ bulkPolls: 2 })
    server.insert(
      'Account',
      Array.from({ length: 1_050 }, (_, n) => ({
        Name: `A${n}`,
        Phone: n % 2 === 0 ? null : '555',
      })),
    )
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const report = await pipe(
      fromSalesforce(org, 'SELECT Id, Name, Phone FROM Account', {
        mode: 'bulk',
        bulkPageSize: 100,
        ...fast,
      }),
      toArray(),
    )
    expect(report.records).toHaveLength(1_050)
    expect(report.records[1]).toEqual({ Id: expect.any(String), Name: 'A1', Phone: '555' })
    expect(report.records[0]?.['Phone']).toBeNull()
    const pages = server.requests.filter((request) => request.url.includes('/results'))
    expect(pages).toHaveLength(11)
    expect(pages.filter((request) => request.url.includes('locator='))).toHaveLength(10)
    expect(server.deletedJobs).toHaveLength(1)
    expect(report.salesforce?.mode).toBe('bulk')
  })

  it('requests no page ahead of the run, and deletes the Bulk job when the run stops early', async () => {
    const server = await start()
    server.insert(
      'Account',
      Array.from({ length: 1_100 }, (_, n) => ({ Name: `A${n}` })),
    )
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const controller = new AbortController()
    let seen = 0
    const stopped = await pipe(
      fromSalesforce(org, 'SELECT Id, Name FROM Account', {
        mode: 'bulk',
        bulkPageSize: 100,
        ...fast,
      }),
      map((record: Record<string, unknown>) => {
        if (++seen === 150) controller.abort()
        return record
      }),
      toArray({ signal: controller.signal, highWaterMark: 20 }),
    ).catch((error: unknown) => error as Error)
    expect((stopped as Error).name).toBe('AbortError')
    // The job is deleted from the source's cleanup, which the abort does not wait for.
    for (let wait = 0; wait < 200 && server.deletedJobs.length === 0; wait++)
      await new Promise((resolve) => setTimeout(resolve, 10))
    expect(server.deletedJobs).toHaveLength(1)
    expect(
      server.requests.filter((request) => request.url.includes('/results')).length,
    ).toBeLessThanOrEqual(2)
  })

  it('picks bulk in auto mode from the first page total, and REST below the threshold', async () => {
    const server = await start({ pageSize: 50 })
    server.insert(
      'Account',
      Array.from({ length: 120 }, (_, n) => ({ Name: `A${n}` })),
    )
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const query = { object: 'Account', fields: ['Id', 'Name'] }
    const big = await pipe(
      fromSalesforce(org, query, { mode: 'auto', bulkThreshold: 100, ...fast }),
      toArray(),
    )
    const small = await pipe(
      fromSalesforce(org, query, { mode: 'auto', bulkThreshold: 1_000, ...fast }),
      toArray(),
    )
    expect(big.salesforce?.mode).toBe('bulk')
    expect(big.records).toHaveLength(120)
    expect(small.salesforce?.mode).toBe('rest')
    expect(small.records).toHaveLength(120)
  })

  it('retries 429 and 503 with backoff and Retry-After', async () => {
    const server = await start({ pageSize: 10 })
    server.insert(
      'Account',
      Array.from({ length: 30 }, (_, n) => ({ Name: `A${n}` })),
    )
    server.throttle(429, 1, '1')
    server.throttle(503, 2)
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    // Retry-After: 1 is waited as 1 ms (a test-only knob, not an option).
    testKnobs.retryAfterScale = 0.001
    const report = await pipe(
      fromSalesforce(org, 'SELECT Id, Name FROM Account', fast),
      toArray(),
    ).finally(() => (testKnobs.retryAfterScale = 1))
    expect(report.records).toHaveLength(30)
    expect(report.salesforce?.retries).toBe(3)
  })

  it('stops cleanly at the daily quota with its bookmark, and the next run resumes', async () => {
    const server = await start({ pageSize: 10, dailyLimit: 2 })
    server.insert(
      'Account',
      Array.from({ length: 30 }, (_, n) => ({ Name: `A${n}` })),
    )
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const query = { object: 'Account', fields: ['Id', 'Name'] }
    const first = await pipe(
      fromSalesforce(org, query, { since: { field: 'SystemModstamp' }, ...fast }),
      toArray(),
    )
    expect(first.status).toBe('completed')
    expect(first.records).toHaveLength(20)
    expect(first.salesforce?.stoppedEarly).toMatch(/REQUEST_LIMIT_EXCEEDED/)
    expect(first.failures[0]?.message).toMatch(
      /stopped early after 20 records: .*daily API request limit/,
    )
    expect(first.bookmark).toEqual({
      field: 'SystemModstamp',
      value: first.records[19]?.['SystemModstamp'],
    })
    // A 403 quota answer is not retried.
    expect(first.salesforce?.retries).toBe(0)

    server.dailyLimit = 100
    const next = await pipe(
      fromSalesforce(org, query, {
        since: first.bookmark as { field: string; value: string },
        ...fast,
      }),
      toArray(),
    )
    const ids = new Set([...first.records, ...next.records].map((record) => record['Id']))
    expect(ids.size).toBe(30)
  })

  it('never misses a record across incremental runs, even when many share a timestamp', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('insert' as const),
              count: fc.integer({ min: 1, max: 8 }),
              tick: fc.boolean(),
              lateMs: fc.integer({ min: 0, max: 2_000 }),
            }),
            fc.record({
              kind: fc.constant('sync' as const),
              quota: fc.integer({ min: 1, max: 4 }),
            }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        async (steps) => {
          const server = await start({ pageSize: 3 })
          const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
          const query = { object: 'Account', fields: ['Id', 'Name'] }
          let clock = Date.parse('2026-01-01T00:00:00.000Z')
          let bookmark: { field: string; value?: string | number | Date } = {
            field: 'SystemModstamp',
          }
          const seen = new Set<unknown>()
          const sync = async (): Promise<RunReport> => {
            const report = await pipe(
              fromSalesforce(org, query, { since: bookmark, lookbackMs: 2_000, ...fast }),
              toArray(),
            )
            for (const record of report.records) seen.add(record['Id'])
            if (report.bookmark !== undefined) bookmark = report.bookmark
            return report
          }
          for (const step of steps) {
            if (step.kind === 'insert') {
              if (step.tick) clock += 1_000
              // A row can commit late, stamped up to 2 s (the look-back) before the clock.
              const stamp = new Date(clock - step.lateMs).toISOString().replace('Z', '+0000')
              server.insert(
                'Account',
                Array.from({ length: step.count }, (_, n) => ({
                  Name: `N${n}`,
                  SystemModstamp: stamp,
                })),
              )
            } else {
              server.apiUsed = 0
              server.dailyLimit = step.quota
              await sync()
            }
          }
          server.apiUsed = 0
          server.dailyLimit = 10_000
          await sync()
          const all = new Set(server.records('Account').map((record) => record['Id']))
          expect(seen).toEqual(all)
          await server.close()
        },
      ),
      { numRuns: 25 },
    )
  })

  it('renews an expired session once through the OAuth refresh token', async () => {
    const server = await start({
      clientId: 'app',
      clientSecret: 'shh-secret',
      refreshToken: 'refresh-me',
    })
    server.insert('Account', [{ Name: 'Acme' }])
    const org = salesforce({
      instanceUrl: server.url,
      refreshToken: 'refresh-me',
      clientId: 'app',
      clientSecret: 'shh-secret',
    })
    const first = await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray())
    expect(first.records).toHaveLength(1)
    server.expireSession()
    const second = await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray())
    expect(second.records).toHaveLength(1)
    expect(
      server.requests.filter((request) => request.url === '/services/oauth2/token'),
    ).toHaveLength(2)
  })

  it('logs in with SOAP login() on API 64.0 and reads on the configured version', async () => {
    const server = await start({
      username: 'etl@acme.com',
      password: 'pa<ss',
      securityToken: 'TOKEN1234',
    })
    server.insert('Account', [{ Name: 'Acme' }])
    const org = salesforce({
      loginUrl: server.url,
      username: 'etl@acme.com',
      password: 'pa<ss',
      securityToken: 'TOKEN1234',
    })
    const report = await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray())
    expect(report.records).toHaveLength(1)
    expect(server.soapLoginVersions).toEqual(['64.0'])
    expect(
      server.requests.some((request) => request.url.startsWith('/services/data/v65.0/query')),
    ).toBe(true)
    // An expired session logs in again.
    server.expireSession()
    await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray())
    expect(server.soapLoginVersions).toEqual(['64.0', '64.0'])
  })

  it('fails with a readable error, without the token, when the session is refused twice', async () => {
    const server = await start({
      clientId: 'app',
      clientSecret: 'shh-secret',
      refreshToken: 'refresh-me',
    })
    const org = salesforce({
      instanceUrl: server.url,
      refreshToken: 'refresh-me',
      clientId: 'app',
      clientSecret: 'shh-secret',
    })
    await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray())
    server.issueExpiredTokens = true
    server.expireSession()
    const error = await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray()).catch(
      (caught: unknown) => caught as Error,
    )
    expect((error as Error).message).toMatch(
      /refused the session again right after it was renewed \(401 INVALID_SESSION_ID\)/,
    )
    expect((error as Error).message).not.toContain('refresh-me')
  })

  it('says what to give when an access token alone expires', async () => {
    const server = await start()
    const token = server.accessToken
    const org = salesforce({ instanceUrl: server.url, accessToken: token })
    server.expireSession()
    const error = await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray()).catch(
      (caught: unknown) => caught as Error,
    )
    expect((error as Error).message).toMatch(/could not be renewed: .*give a refresh token/)
    expect((error as Error).message).not.toContain(token)
  })

  it('never sends the session to another origin named by a nextRecordsUrl', async () => {
    const seen: Array<string | undefined> = []
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization)
      response.setHeader('content-type', 'application/json')
      response.end(
        JSON.stringify({
          totalSize: 2,
          done: false,
          nextRecordsUrl: 'http://127.0.0.2:9/steal',
          records: [{ Id: '1' }],
        }),
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const org = salesforce({ instanceUrl: url, accessToken: 'the-session-token' })
      const error = await pipe(fromSalesforce(org, 'SELECT Id FROM Account'), toArray()).catch(
        (caught: unknown) => caught as Error,
      )
      expect((error as Error).message).toMatch(
        /refused to send the session to another origin \(http:\/\/127.0.0.2:9\)/,
      )
      expect(seen).toEqual(['Bearer the-session-token'])
    } finally {
      server.close()
    }
  })

  it('fails the run with Salesforce error code and message for a malformed query', async () => {
    const server = await start()
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const error = await pipe(fromSalesforce(org, 'SELEKT Id FROM Account'), toArray()).catch(
      (caught: unknown) => caught as Error,
    )
    expect((error as Error).message).toMatch(
      /Salesforce GET \/services\/data\/v65.0\/query: HTTP 400 MALFORMED_QUERY/,
    )
  })

  it('reads its credentials from the environment, or from an envFile only when one is named', async () => {
    const server = await start()
    server.insert('Account', [{ Name: 'Acme' }])
    const fromEnv = salesforce({
      env: { SF_INSTANCE_URL: server.url, SF_ACCESS_TOKEN: server.accessToken },
    })
    expect(
      (await pipe(fromSalesforce(fromEnv, 'SELECT Id FROM Account'), toArray())).records,
    ).toHaveLength(1)
    const missing = salesforce({ env: {}, envFile: '/nonexistent/.env' })
    await expect(
      pipe(fromSalesforce(missing, 'SELECT Id FROM Account'), toArray()),
    ).rejects.toThrow(/cannot read the envFile \/nonexistent\/.env \(ENOENT\)/)
    const none = salesforce({ env: {} })
    await expect(pipe(fromSalesforce(none, 'SELECT Id FROM Account'), toArray())).rejects.toThrow(
      /no credentials/,
    )
  })

  it('rejects options that cannot work when the source is made', () => {
    const org = salesforce({ env: {} })
    expect(() =>
      fromSalesforce(org, 'SELECT Id FROM Account', { since: { field: 'SystemModstamp' } }),
    ).toThrow(/since needs the \{ object, fields, where \} form/)
    expect(() => fromSalesforce(org, { object: 'Account; DROP', fields: ['Id'] })).toThrow(
      /not a Salesforce API name/,
    )
    expect(() =>
      fromSalesforce(org, 'SELECT Id, (SELECT Id FROM Contacts) FROM Account', { mode: 'bulk' }),
    ).toThrow(/cannot run as a Bulk API 2.0 job/)
    expect(() => fromSalesforce(org, 'SELECT Id FROM Account', { pageSize: 50 })).toThrow(
      /pageSize must be an integer from 200 to 2,000 \(got 50\)/,
    )
  })
})

describe('fromSalesforce with the state run option', () => {
  it('resumes after a run stopped at the quota from the saved bookmark, without a new since', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'powerflow-salesforce-state-'))
    try {
      const server = await start({ pageSize: 10, dailyLimit: 2 })
      server.insert(
        'Account',
        Array.from({ length: 30 }, (_, n) => ({ Name: `A${n}` })),
      )
      const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
      const state = { store: fileStateStore(join(directory, 'state.json')), key: 'accounts' }
      const read = (): Promise<RunReport & { records: Array<Record<string, unknown>> }> =>
        pipe(
          fromSalesforce(
            org,
            { object: 'Account', fields: ['Id', 'Name'] },
            { name: 'accounts', since: { field: 'SystemModstamp' }, ...fast },
          ),
          toArray({ state }),
        )
      const first = await read()
      expect(first.records).toHaveLength(20)
      server.dailyLimit = 100
      const asked = server.requests.length
      const next = await read()
      // The second run's query starts at the first run's bookmark, though no since.value was given.
      const queries = server.requests.slice(asked).map((request) => decodeURIComponent(request.url))
      const bookmark = String(first.bookmark?.value)
      expect(queries.some((url) => url.includes(bookmark.replace(/\.\d+/, '').slice(0, 19)))).toBe(
        true,
      )
      const ids = [...first.records, ...next.records].map((record) => record['Id'])
      expect(new Set(ids).size).toBe(30)
      const saved = (await state.store.get('accounts')) as {
        positions: { accounts: { bookmark: { field: string; value: string } } }
      }
      expect(saved.positions.accounts.bookmark).toEqual(next.bookmark)
      // The third run starts at the saved bookmark (inclusive, as Salesforce reads): nothing older.
      const last = await read()
      const from = saved.positions.accounts.bookmark.value
      expect(last.records.every((record) => String(record['SystemModstamp']) >= from)).toBe(true)
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it('reads a task window [from, to) in REST and bulk: a record exactly at a boundary is in the later window only', async () => {
    const server = await start()
    const at = (iso: string) => iso.replace('Z', '+0000')
    server.insert('Account', [
      { Name: 'before', CreatedDate: at('2025-12-31T23:59:59.999Z'), Industry: 'Retail' },
      { Name: 'first', CreatedDate: at('2026-01-01T00:00:00.000Z'), Industry: 'Retail' },
      { Name: 'inside', CreatedDate: at('2026-01-01T05:00:00.000Z'), Industry: 'Retail' },
      { Name: 'other', CreatedDate: at('2026-01-01T05:00:00.000Z'), Industry: 'Energy' },
      { Name: 'boundary', CreatedDate: at('2026-01-01T12:00:00.000Z'), Industry: 'Retail' },
      { Name: 'last', CreatedDate: at('2026-01-01T23:59:59.999Z'), Industry: 'Retail' },
      { Name: 'after', CreatedDate: at('2026-01-02T00:00:00.000Z'), Industry: 'Retail' },
    ])
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const query = { object: 'Account', fields: ['Name'], where: "Industry = 'Retail'" }
    const windows = [
      { field: 'CreatedDate', from: '2026-01-01T00:00:00Z', to: '2026-01-01T12:00:00Z' },
      { field: 'CreatedDate', from: '2026-01-01T12:00:00Z', to: '2026-01-02T00:00:00Z' },
    ]
    for (const mode of ['rest', 'bulk'] as const) {
      const names: string[][] = []
      for (const range of windows) {
        const report = await pipe(
          fromSalesforce(org, query, { range, mode, ...fast }),
          toArray<Record<string, unknown>>(),
        )
        expect(report.status).toBe('completed')
        expect(report.bookmark).toBeUndefined()
        expectBalanced(report)
        names.push(report.records.map((record) => String(record['Name'])))
      }
      expect(names.map((part) => [...part].sort())).toEqual([
        ['first', 'inside'],
        ['boundary', 'last'],
      ])
    }
  })

  it('refuses a range with since, lookbackMs, limit or LIMIT, whose parts would not add up', () => {
    const org = salesforce({ instanceUrl: 'https://example.my.salesforce.com', accessToken: 't' })
    const range = { field: 'CreatedDate', from: '2026-01-01', to: '2026-02-01' }
    const query = { object: 'Account', fields: ['Id'] }
    expect(() => fromSalesforce(org, query, { range, since: { field: 'CreatedDate' } })).toThrow(
      'since and lookbackMs are for incremental runs',
    )
    expect(() => fromSalesforce(org, query, { range, lookbackMs: 5 })).toThrow(
      'since and lookbackMs are for incremental runs',
    )
    expect(() => fromSalesforce(org, { ...query, limit: 10 }, { range })).toThrow(
      'a range cannot be read with limit',
    )
    expect(() => fromSalesforce(org, 'SELECT Id FROM Account LIMIT 10', { range })).toThrow(
      'a range cannot be read with LIMIT',
    )
  })
})
