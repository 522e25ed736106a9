import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { pipe, toJson } from '../../../src/index.js'
import {
  runTasks,
  splitTimeRange,
  type TimeRangeTask,
} from '../../../src/integrations/distributed/index.js'
import { hubspotServers } from '../../support/hubspotTesting.js'
import { salesforceServers } from '../../support/salesforceTesting.js'
import { accounts, contacts, type ApiJobTask } from './fixtures/apiJob.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-splitTimeRange-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const job = new URL('./fixtures/apiJob.ts', import.meta.url)
const startSalesforce = salesforceServers()
const startHubSpot = hubspotServers()

const FROM = Date.parse('2026-01-01T00:00:00.000Z')
const HOUR = 3_600_000

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
}

describe('splitTimeRange', () => {
  it('cuts [from, to) into consecutive half-open windows of about equal length', () => {
    const tasks = splitTimeRange({
      field: 'CreatedDate',
      from: '2026-01-01T00:00:00Z',
      to: new Date(FROM + 10 * HOUR),
      parts: 4,
    })
    expect(tasks.map((task) => [task.id, task.from, task.to])).toEqual([
      ['task-0000', '2026-01-01T00:00:00.000Z', '2026-01-01T02:30:00.000Z'],
      ['task-0001', '2026-01-01T02:30:00.000Z', '2026-01-01T05:00:00.000Z'],
      ['task-0002', '2026-01-01T05:00:00.000Z', '2026-01-01T07:30:00.000Z'],
      ['task-0003', '2026-01-01T07:30:00.000Z', '2026-01-01T10:00:00.000Z'],
    ])
    expect(tasks.every((task) => task.kind === 'time-range' && task.field === 'CreatedDate')).toBe(
      true,
    )
  })

  it('cuts every everyMs, the last window ending at to', () => {
    const tasks = splitTimeRange({
      field: 'f',
      from: '2026-01-01T01:00:00+01:00',
      to: '2026-01-01T05:00:00.000+0000',
      everyMs: 2 * HOUR,
    })
    expect(tasks.map((task) => `${task.from} ${task.to}`)).toEqual([
      '2026-01-01T00:00:00.000Z 2026-01-01T02:00:00.000Z',
      '2026-01-01T02:00:00.000Z 2026-01-01T04:00:00.000Z',
      '2026-01-01T04:00:00.000Z 2026-01-01T05:00:00.000Z',
    ])
  })

  it('gives whole days as dates when from and to are dates, and fewer windows than parts when short', () => {
    expect(
      splitTimeRange({ field: 'CloseDate', from: '2026-01-30', to: '2026-02-02', parts: 5 }).map(
        (task) => `${task.from}..${task.to}`,
      ),
    ).toEqual(['2026-01-30..2026-01-31', '2026-01-31..2026-02-01', '2026-02-01..2026-02-02'])
    expect(
      splitTimeRange({
        field: 'CloseDate',
        from: '2026-01-01',
        to: '2026-01-08',
        everyMs: 3 * 24 * HOUR,
      }).map((task) => task.to),
    ).toEqual(['2026-01-04', '2026-01-07', '2026-01-08'])
    expect(
      splitTimeRange({ field: 'f', from: new Date(FROM), to: new Date(FROM + 2), parts: 8 }),
    ).toHaveLength(2)
  })

  it('covers [from, to) with no gap and no overlap, whatever the cut', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 10 }),
        fc.oneof(
          fc.record({ parts: fc.integer({ min: 1, max: 200 }) }),
          fc.record({ everyMs: fc.integer({ min: 1, max: 10 ** 9 }) }),
        ),
        (length, cut) => {
          fc.pre(!('everyMs' in cut) || length / cut.everyMs <= 100_000)
          const tasks = splitTimeRange({
            field: 'f',
            from: new Date(FROM),
            to: new Date(FROM + length),
            ...cut,
          })
          expect(tasks[0]?.from).toBe(new Date(FROM).toISOString())
          expect(tasks.at(-1)?.to).toBe(new Date(FROM + length).toISOString())
          for (const [index, task] of tasks.entries()) {
            expect(Date.parse(task.from)).toBeLessThan(Date.parse(task.to))
            if (index > 0) expect(task.from).toBe(tasks[index - 1]?.to)
          }
          if ('parts' in cut) expect(tasks.length).toBe(Math.min(cut.parts, length))
        },
      ),
    )
  })

  it('throws on a bad window or cut, naming it', () => {
    const base = { field: 'f', from: '2026-01-02T00:00:00Z', to: '2026-01-03T00:00:00Z' }
    expect(() => splitTimeRange({ ...base, parts: 2, everyMs: 5 })).toThrow(
      'give either parts or everyMs',
    )
    expect(() => splitTimeRange(base)).toThrow('give either parts or everyMs')
    expect(() => splitTimeRange({ ...base, parts: 0 })).toThrow('parts must be a whole number')
    expect(() => splitTimeRange({ ...base, everyMs: -1 })).toThrow('everyMs must be a positive')
    expect(() => splitTimeRange({ ...base, everyMs: 1 })).toThrow(RangeError)
    expect(() => splitTimeRange({ ...base, from: base.to, parts: 1 })).toThrow('must be before to')
    expect(() => splitTimeRange({ ...base, from: '2026-01-02T00:00:00', parts: 1 })).toThrow(
      'with its offset',
    )
    expect(() => splitTimeRange({ ...base, field: '', parts: 1 })).toThrow('field must name')
    expect(() =>
      splitTimeRange({ field: 'd', from: '2026-01-01', to: '2026-01-09', everyMs: HOUR }),
    ).toThrow('must be whole days')
  })

  it('runs a Salesforce job split into windows on 2 threads: the output equals one unsplit read, boundary records once', async () => {
    const server = await startSalesforce()
    // 300 accounts over 10 hours, 4 exactly on each window boundary, and some the query skips.
    const at = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000')
    const seeded = Array.from({ length: 300 }, (_, index) => ({
      Name: index % 17 === 0 ? 'skip me' : `Account ${index}`,
      CreatedDate: at(FROM + ((index * 7_919_333) % (10 * HOUR))),
    }))
    for (let hour = 0; hour < 10; hour += 2)
      for (let copy = 0; copy < 4; copy++)
        seeded.push({ Name: `Boundary ${hour}-${copy}`, CreatedDate: at(FROM + hour * HOUR) })
    server.insert('Account', seeded)
    const where = { url: server.url, token: server.accessToken }
    const expected = join(directory, 'accounts-single.ndjson')
    const alone = await pipe(accounts(where), toJson(expected, { format: 'ndjson' }))
    expect(alone.written).toBe(300 + 20 - 18)

    const tasks = splitTimeRange({
      field: 'CreatedDate',
      from: new Date(FROM),
      to: new Date(FROM + 10 * HOUR),
      everyMs: 2 * HOUR,
    }).map((task): ApiJobTask => ({ ...task, ...where, source: 'salesforce' }))
    const output = join(directory, 'accounts.ndjson')
    const report = await runTasks(tasks, job, { output, threads: 2 })
    expect(report.status).toBe('completed')
    expect(report.read).toBe(alone.read)
    expect(report.written).toBe(alone.written)
    // The windows are in time order and each is read in the query's order: byte for byte the same.
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(expected, 'utf8'))
    const names = lines(output).map((line) => (JSON.parse(line) as { Name: string }).Name)
    expect(names.filter((name) => name.startsWith('Boundary'))).toHaveLength(20)
    expect(new Set(names).size).toBe(names.length)
    const soql = server.requests
      .map((request) => new URL(request.url, server.url).searchParams.get('q'))
      .filter((query): query is string => query !== null && query.includes('>='))
    expect(soql).toHaveLength(5)
    expect(soql).toContain(
      "SELECT Id, Name, CreatedDate FROM Account WHERE (Name != 'skip me') AND CreatedDate >= 2026-01-01T02:00:00.000Z AND CreatedDate < 2026-01-01T04:00:00.000Z ORDER BY CreatedDate ASC, Id ASC",
    )
  }, 60_000)

  it('runs a HubSpot job split into windows on 2 threads, each window past the search cap: every contact once', async () => {
    const server = await startHubSpot({ searchCap: 30 })
    // 400 contacts over 8 hours, many sharing a timestamp, 6 exactly on each window boundary.
    const seeds = Array.from({ length: 400 }, (_, index) => ({
      properties: { email: `person${index}@example.com` },
      createdAt: new Date(FROM + (index % 96) * 300_000).toISOString(),
    }))
    for (let hour = 0; hour < 8; hour += 2)
      for (let copy = 0; copy < 6; copy++)
        seeds.push({
          properties: { email: `boundary${hour}-${copy}@example.com` },
          createdAt: new Date(FROM + hour * HOUR).toISOString(),
        })
    server.seed('contacts', seeds)
    const where = { url: server.url, token: server.token }
    const expected = join(directory, 'contacts-single.ndjson')
    const alone = await pipe(contacts(where), toJson(expected, { format: 'ndjson' }))
    expect(alone.written).toBe(424)

    const tasks = splitTimeRange({
      field: 'createdate',
      from: new Date(FROM),
      to: new Date(FROM + 8 * HOUR),
      parts: 4,
    }).map((task: TimeRangeTask): ApiJobTask => ({ ...task, ...where, source: 'hubspot' }))
    const output = join(directory, 'contacts.ndjson')
    const report = await runTasks(tasks, job, { output, threads: 2 })
    expect(report.status).toBe('completed')
    expect(report.written).toBe(alone.written)
    const ids = (path: string) =>
      lines(path)
        .map((line) => (JSON.parse(line) as { id: string }).id)
        .sort()
    expect(ids(output)).toEqual(ids(expected))
    expect(new Set(ids(output)).size).toBe(424)
    // In task order, the contacts come in the order of createdate.
    const dates = lines(output).map((line) =>
      Date.parse((JSON.parse(line) as { createdate: string }).createdate),
    )
    expect(dates.every((date, index) => index === 0 || date >= (dates[index - 1] as number))).toBe(
      true,
    )
    const searches = server.requests.filter((request) => request.kind === 'search')
    expect(searches.every((request) => request.status === 200)).toBe(true)
  }, 60_000)
})
