import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pipe } from '../../../src/index.js'
import { toArray } from '../../../src/sinks/toArray.js'
import type { StateStore } from '../../../src/core/StateStore.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import {
  fromHubSpot,
  hubspot,
  type HubSpotRecord,
  type HubSpotReport,
} from '../../../src/integrations/hubspot/index.js'
import { type SeedObject } from '../../support/hubspotServer.js'
import { connectHubSpot, hubspotServers } from '../../support/hubspotTesting.js'
import { expectReportEquation } from '../../support/ledger.js'

const server = hubspotServers()

const BASE = Date.parse('2026-01-01T00:00:00.000Z')

function contacts(count: number, at: (index: number) => number): SeedObject[] {
  return Array.from({ length: count }, (_, index) => ({
    properties: { email: `person${index}@example.com`, firstname: `Person ${index}` },
    updatedAt: new Date(at(index)).toISOString(),
    createdAt: new Date(BASE).toISOString(),
  }))
}

describe('fromHubSpot', () => {
  it('lists every object page by page as flat records', async () => {
    const target = await server()
    target.seed(
      'contacts',
      contacts(250, (index) => BASE + index * 1000),
    )
    const report = await pipe(
      fromHubSpot(connectHubSpot(target), 'contacts', { properties: ['email', 'firstname'] }),
      toArray<HubSpotRecord>(),
    )
    expect(report.status).toBe('completed')
    expect(report.records).toHaveLength(250)
    expect(report.records[0]).toMatchObject({
      id: '1',
      email: 'person0@example.com',
      firstname: 'Person 0',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      archived: false,
    })
    expect(new Set(report.records.map((record) => record.id)).size).toBe(250)
    const pages = target.requests.filter((request) => request.method === 'GET')
    expect(pages).toHaveLength(3)
    expect(report.bookmark).toEqual({
      field: 'lastmodifieddate',
      value: new Date(BASE + 249_000).toISOString(),
    })
    expectReportEquation(report)
  })

  it('stops after limit records without asking for more pages', async () => {
    const target = await server()
    target.seed(
      'deals',
      contacts(500, () => BASE),
    )
    const report = await pipe(
      fromHubSpot(connectHubSpot(target), 'deals', { properties: ['email'], limit: 130 }),
      toArray<HubSpotRecord>(),
    )
    expect(report.records).toHaveLength(130)
    expect(target.requests).toHaveLength(2)
    expectReportEquation(report)
    const none = await pipe(
      fromHubSpot(connectHubSpot(target), 'deals', { properties: [], limit: 0 }),
      toArray<HubSpotRecord>(),
    )
    expect(none.records).toEqual([])
    expect(target.requests).toHaveLength(2)
  })

  it('reads 25,000 contacts incrementally across the 10,000-result cap, each once, in order', async () => {
    const target = await server()
    // 25,000 contacts over 5,000 distinct timestamps: five share each one.
    target.seed(
      'contacts',
      contacts(25_000, (index) => BASE + Math.floor(index / 5) * 1000),
    )
    const since = new Date(BASE).toISOString()
    const report = await pipe(
      fromHubSpot(connectHubSpot(target), 'contacts', {
        properties: ['email'],
        since,
        overlapMs: 0,
      }),
      toArray<HubSpotRecord>(),
    )
    expect(report.status).toBe('completed')
    const ids = report.records.map((record) => record.id)
    expect(ids).toHaveLength(25_000)
    expect(new Set(ids).size).toBe(25_000)
    const dates = report.records.map((record) => Date.parse(String(record['lastmodifieddate'])))
    expect(dates.every((date, index) => index === 0 || date >= (dates[index - 1] as number))).toBe(
      true,
    )
    const searches = target.requests.filter((request) => request.kind === 'search')
    expect(searches.every((request) => request.status === 200)).toBe(true)
    // No query ever asked past HubSpot's cap.
    expect(
      searches.every((request) => Number((request.body as { after?: string }).after ?? 0) < 10_000),
    ).toBe(true)
    expect((report['hubspot'] as HubSpotReport).searchWindows).toBeGreaterThanOrEqual(2)
    expect(report.bookmark).toEqual({
      field: 'lastmodifieddate',
      value: new Date(BASE + 4_999_000).toISOString(),
    })
    expectReportEquation(report)
  })

  it('misses and repeats nothing across windows when many objects share a timestamp', async () => {
    const target = await server({ searchCap: 40 })
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 160 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 3, max: 20 }),
        async (offsets, sinceOffset, pageSize) => {
          const type = `p${Math.random().toString(36).slice(2)}`
          const ids = target.seed(
            type,
            offsets.map((offset) => ({
              properties: { name: 'x' },
              updatedAt: new Date(BASE + offset * 1000).toISOString(),
            })),
          )
          const expected = ids.filter((_, index) => (offsets[index] as number) >= sinceOffset)
          const report = await pipe(
            fromHubSpot(connectHubSpot(target), type, {
              properties: ['name'],
              since: new Date(BASE + sinceOffset * 1000),
              overlapMs: 0,
              pageSize,
              searchCap: 40,
            }),
            toArray<HubSpotRecord>(),
          )
          const read = report.records.map((record) => record.id)
          expect([...read].sort()).toEqual([...expected].sort())
        },
      ),
      { numRuns: 40 },
    )
  })

  it('reads the objects of more than a whole window sharing one timestamp', async () => {
    const target = await server({ searchCap: 30 })
    target.seed(
      'tickets',
      contacts(100, () => BASE),
    )
    const report = await pipe(
      fromHubSpot(connectHubSpot(target), 'tickets', {
        properties: [],
        since: new Date(BASE),
        overlapMs: 0,
        pageSize: 10,
        searchCap: 30,
      }),
      toArray<HubSpotRecord>(),
    )
    expect(new Set(report.records.map((record) => record.id)).size).toBe(100)
    expect(report.records).toHaveLength(100)
    const boundary = target.requests.filter((request) =>
      (
        request.body as { filterGroups: Array<{ filters: Array<{ propertyName: string }> }> }
      ).filterGroups[0]?.filters.some((filter) => filter.propertyName === 'hs_object_id'),
    )
    expect(boundary.length).toBeGreaterThan(0)
  })

  it('starts overlapMs before since, and reports since itself as the bookmark when nothing is new', async () => {
    const target = await server()
    target.seed(
      'companies',
      contacts(3, (index) => BASE + index * 1000),
    )
    const connection = connectHubSpot(target)
    const early = await pipe(
      fromHubSpot(connection, 'companies', {
        properties: [],
        since: { value: new Date(BASE + 2000).toISOString() },
        overlapMs: 1500,
      }),
      toArray<HubSpotRecord>(),
    )
    expect(early.records.map((record) => record.id)).toEqual(['2', '3'])
    expect(early.bookmark).toEqual({
      field: 'hs_lastmodifieddate',
      value: new Date(BASE + 2000).toISOString(),
    })
    const none = await pipe(
      fromHubSpot(connection, 'companies', {
        properties: [],
        since: new Date(BASE + 120_000),
      }),
      toArray<HubSpotRecord>(),
    )
    expect(none.records).toEqual([])
    expect(none.bookmark).toEqual({
      field: 'hs_lastmodifieddate',
      value: new Date(BASE + 120_000).toISOString(),
    })
  })

  it('adds the ids of associated objects through the associations batch read', async () => {
    const target = await server()
    const [deal1, deal2] = target.seed(
      'deals',
      contacts(2, () => BASE),
    )
    const [company] = target.seed(
      'companies',
      contacts(1, () => BASE),
    )
    target.associate('deals', deal1 as string, 'companies', company as string)
    const report = await pipe(
      fromHubSpot(connectHubSpot(target), 'deals', { properties: [], associations: ['companies'] }),
      toArray<HubSpotRecord>(),
    )
    expect(report.records.map((record) => [record.id, record.associations])).toEqual([
      [deal1, { companies: [company] }],
      [deal2, { companies: [] }],
    ])
    expect(target.requests.map((request) => request.path)).toContain(
      '/crm/v4/associations/deals/companies/batch/read',
    )
  })

  it('fails the run quickly with a readable error when the token has expired', async () => {
    const target = await server()
    target.seed(
      'contacts',
      contacts(10, () => BASE),
    )
    target.expireToken()
    const run = pipe(
      fromHubSpot(connectHubSpot(target), 'contacts', { properties: ['email'] }),
      toArray<HubSpotRecord>(),
    )
    await expect(run).rejects.toThrow(/refused the access token \(401[^)]*\): it is expired/)
    await run.catch((error: { message: string; report?: RunReport }) => {
      expect(error.message).not.toContain(target.token)
      expect(error.report?.status).toBe('failed')
    })
    expect(target.requests.length).toBeLessThanOrEqual(2)
  })

  it('retries 429 with and without Retry-After, and 5xx, and says so in the report', async () => {
    const target = await server()
    target.seed(
      'contacts',
      contacts(150, () => BASE),
    )
    target.failNext(1, { status: 429, retryAfter: '1' })
    target.failNext(1, { status: 429 })
    target.failNext(1, { status: 503 })
    const report = await pipe(
      fromHubSpot(connectHubSpot(target), 'contacts', { properties: ['email'] }),
      toArray<HubSpotRecord>(),
    )
    expect(report.records).toHaveLength(150)
    const section = report['hubspot'] as HubSpotReport
    expect(section).toMatchObject({ requests: 5, retries: 3, rateLimited: 2 })
    expect(section.statusCodes).toEqual({ '200': 2, '429': 2, '503': 1 })
  })

  it('fails the run naming the call when HubSpot keeps failing after the retries', async () => {
    const target = await server()
    target.failNext(10, { status: 502 })
    await expect(
      pipe(
        fromHubSpot(connectHubSpot(target, { retries: 2 }), 'contacts', { properties: [] }),
        toArray(),
      ),
    ).rejects.toThrow(/fromHubSpot contacts page 1: HubSpot answered 502.*\(3 attempts\)/)
  })

  it('refuses options that cannot work when the source is made', () => {
    const connection = hubspot({ accessToken: 'pat-x-token' })
    expect(() =>
      fromHubSpot(connection, 'contacts', { properties: [], since: 'not a date' }),
    ).toThrow(/since must be an ISO 8601 date/)
    expect(() =>
      fromHubSpot(connection, 'contacts', {} as unknown as { properties: string[] }),
    ).toThrow(/properties must list/)
    const range = { field: 'createdate', from: '2026-01-01', to: '2026-02-01' }
    for (const extra of [{ since: '2026-01-01' }, { overlapMs: 0 }, { limit: 5 }])
      expect(() =>
        fromHubSpot(connection, 'contacts', { properties: [], range, ...extra }),
      ).toThrow("range reads one task's window; since, overlapMs and limit are not for it")
    expect(() =>
      fromHubSpot(connection, 'contacts', { properties: [], range: { ...range, to: 'later' } }),
    ).toThrow(/range.from and range.to must be ISO 8601 dates/)
  })

  it('reads a task window [from, to) of a date property: an object exactly at a boundary is in the later window only', async () => {
    const target = await server({ searchCap: 20 })
    const at = (offset: number) => new Date(BASE + offset).toISOString()
    // 30 contacts exactly at the boundary (more than one search holds), and some either side.
    target.seed('contacts', [
      ...contacts(10, () => BASE - 1).map((seed) => ({ ...seed, createdAt: at(-1) })),
      ...contacts(25, (index) => BASE + index * 1000).map((seed, index) => ({
        ...seed,
        createdAt: at(index * 1000),
      })),
      ...contacts(30, () => BASE).map((seed) => ({ ...seed, createdAt: at(3_600_000) })),
      ...contacts(5, () => BASE).map((seed) => ({ ...seed, createdAt: at(7_200_000) })),
    ])
    const windows = [
      { field: 'createdate', from: at(0), to: at(3_600_000) },
      { field: 'createdate', from: new Date(BASE + 3_600_000), to: new Date(BASE + 7_200_000) },
    ]
    const parts: HubSpotRecord[][] = []
    for (const range of windows) {
      const report = await pipe(
        fromHubSpot(connectHubSpot(target), 'contacts', {
          properties: ['email'],
          range,
          pageSize: 10,
          searchCap: 20,
        }),
        toArray<HubSpotRecord>(),
      )
      expect(report.status).toBe('completed')
      expect(report.bookmark).toBeUndefined()
      expectReportEquation(report)
      parts.push(report.records)
    }
    expect(parts.map((part) => part.length)).toEqual([25, 30])
    const ids = parts.flat().map((record) => record.id)
    expect(new Set(ids).size).toBe(55)
    expect(parts[1]?.every((record) => record['createdate'] === at(3_600_000))).toBe(true)
    const searches = target.requests.filter((request) => request.kind === 'search')
    expect(
      searches.every(
        (request) =>
          JSON.stringify(request.body).includes('"operator":"LT"') ||
          JSON.stringify(request.body).includes('"hs_object_id"'),
      ),
    ).toBe(true)
  })
})

describe('fromHubSpot with the state run option', () => {
  function memoryStore(): StateStore {
    const entries = new Map<string, unknown>()
    return {
      get: async (key) => entries.get(key),
      put: async (key, value) => void entries.set(key, JSON.parse(JSON.stringify(value))),
      delete: async (key) => void entries.delete(key),
      list: async () => [...entries.keys()].sort(),
    }
  }

  it('starts the next run at the saved bookmark minus overlapMs, without a new since', async () => {
    const target = await server()
    target.seed(
      'companies',
      contacts(3, (index) => BASE + index * 1000),
    )
    const state = { store: memoryStore(), key: 'companies' }
    const read = (): Promise<RunReport & { records: HubSpotRecord[] }> =>
      pipe(
        fromHubSpot(connectHubSpot(target), 'companies', {
          properties: [],
          since: new Date(BASE).toISOString(),
          overlapMs: 500,
        }),
        toArray<HubSpotRecord>({ state }),
      )
    const first = await read()
    expect(first.records.map((record) => record.id)).toEqual(['1', '2', '3'])
    target.seed(
      'companies',
      contacts(2, (index) => BASE + 5000 + index * 1000),
    )
    const second = await read()
    // The overlap reads company 3 (at the bookmark) again: a duplicate, never a gap.
    expect(second.records.map((record) => record.id)).toEqual(['3', '4', '5'])
    expect(await state.store.get('companies')).toMatchObject({
      positions: {
        'fromHubSpot companies': {
          bookmark: { field: 'hs_lastmodifieddate', value: new Date(BASE + 6000).toISOString() },
        },
      },
    })
  })
})
