import { describe, expect, it } from 'vitest'
import { fromGenerator, pipe } from '../../../src/index.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { hubspot, toHubSpot, type HubSpotReport } from '../../../src/integrations/hubspot/index.js'
import type { HubSpotServer } from '../../support/hubspotServer.js'
import { connectHubSpot, hubspotServers } from '../../support/hubspotTesting.js'
import { expectReportEquation } from '../../support/ledger.js'

const server = hubspotServers()

function people(count: number, from = 0): Array<Record<string, string>> {
  return Array.from({ length: count }, (_, index) => ({
    email: `person${from + index}@example.com`,
    firstname: `Person ${from + index}`,
  }))
}

function batchCalls(target: HubSpotServer, operation: string): number {
  return target.requests.filter((request) => request.path.endsWith(`/batch/${operation}`)).length
}

describe('toHubSpot', () => {
  it('creates the records in batches of up to 100, fields as properties', async () => {
    const target = await server()
    const report = await pipe(
      fromGenerator([...people(250), { email: 'n@example.com', age: 42, vip: true, note: null }]),
      toHubSpot(connectHubSpot(target), 'contacts'),
    )
    expect(report.status).toBe('completed')
    expect(report.written).toBe(251)
    expect(batchCalls(target, 'create')).toBe(3)
    const stored = target.objects('contacts')
    expect(stored).toHaveLength(251)
    expect(stored[0]?.properties).toMatchObject({
      email: 'person0@example.com',
      firstname: 'Person 0',
    })
    expect(stored[250]?.properties).toMatchObject({ age: '42', vip: 'true', note: '' })
    expectReportEquation(report)
  })

  it('maps a 207 answer back to the records: the refused ones fail with HubSpot category and message', async () => {
    const target = await server({
      invalid: (_, properties) =>
        String(properties['email']).includes('@')
          ? undefined
          : `Property values were not valid: email ${String(properties['email'])} is not an email address`,
    })
    const records = people(30)
    records[4] = { email: 'nobody', firstname: 'Bad' }
    records[17] = { email: 'also-nobody', firstname: 'Worse' }
    const report = await pipe(fromGenerator(records), toHubSpot(connectHubSpot(target), 'contacts'))
    expect(report.written).toBe(28)
    expect(report.failed).toBe(2)
    expect(report.failures.map((failure) => failure._tag)).toEqual(['SinkError', 'SinkError'])
    expect(report.failures[0]).toMatchObject({
      record: { email: 'nobody', firstname: 'Bad' },
      details: { category: 'VALIDATION_ERROR' },
    })
    expect(report.failures[0]?.message).toMatch(
      /^toHubSpot contacts create: HubSpot refused the record \(VALIDATION_ERROR\): Property values were not valid: email nobody/,
    )
    expect(batchCalls(target, 'create')).toBe(1)
    expect(target.objects('contacts')).toHaveLength(28)
    expectReportEquation(report)
  })

  it('splits a batch HubSpot refuses whole, so only the records at fault fail', async () => {
    const target = await server({ properties: { contacts: ['email', 'firstname'] } })
    const records: Array<Record<string, string>> = people(40)
    records[25] = { email: 'fax@example.com', fax: '555-0100' }
    const report = await pipe(fromGenerator(records), toHubSpot(connectHubSpot(target), 'contacts'))
    expect(report.written).toBe(39)
    expect(report.failed).toBe(1)
    expect(report.failures[0]).toMatchObject({
      record: { email: 'fax@example.com' },
      details: { category: 'VALIDATION_ERROR', status: 400 },
    })
    expect(report.failures[0]?.message).toContain('Property \\"fax\\" does not exist')
    expect((report['hubspot'] as HubSpotReport).batchSplits).toBeGreaterThanOrEqual(5)
    expect(target.objects('contacts')).toHaveLength(39)
    expectReportEquation(report)
  })

  it('isolates a contact whose email exists already (409) the same way', async () => {
    const target = await server()
    target.seed('contacts', [{ properties: { email: 'person3@example.com' } }])
    const report = await pipe(
      fromGenerator(people(8)),
      toHubSpot(connectHubSpot(target), 'contacts'),
    )
    expect(report.written).toBe(7)
    expect(report.failures[0]).toMatchObject({
      record: { email: 'person3@example.com' },
      details: { category: 'CONFLICT', status: 409 },
    })
    expect(report.failures[0]?.message).toContain('Contact already exists. Existing ID: 1')
    expectReportEquation(report)
  })

  it('updates by id, failing the ids HubSpot does not know (207, context.ids)', async () => {
    const target = await server()
    const ids = target.seed('deals', [
      { properties: { dealname: 'a' } },
      { properties: { dealname: 'b' } },
    ])
    const report = await pipe(
      fromGenerator([
        { id: ids[0], dealname: 'A', hs_object_id: ids[0], createdAt: 'x', updatedAt: 'y' },
        { id: '999', dealname: 'ghost' },
        { id: ids[1], amount: 10 },
      ]),
      toHubSpot(connectHubSpot(target), 'deals', { operation: 'update' }),
    )
    expect(report.written).toBe(2)
    expect(report.failures[0]).toMatchObject({
      location: { recordId: '999' },
      details: { category: 'OBJECT_NOT_FOUND' },
    })
    expect(target.objects('deals').map((deal) => deal.properties['dealname'])).toEqual(['A', 'b'])
    expect(target.objects('deals')[1]?.properties['amount']).toBe('10')
    expectReportEquation(report)
  })

  it('upserts by idProperty: updates the objects it finds and creates the others', async () => {
    const target = await server()
    target.seed('contacts', [{ properties: { email: 'person1@example.com', firstname: 'Old' } }])
    const report = await pipe(
      fromGenerator(people(3)),
      toHubSpot(connectHubSpot(target), 'contacts', { operation: 'upsert', idProperty: 'email' }),
    )
    expect(report.written).toBe(3)
    const stored = target.objects('contacts')
    expect(stored).toHaveLength(3)
    expect(stored[0]?.properties).toMatchObject({
      email: 'person1@example.com',
      firstname: 'Person 1',
    })
    expectReportEquation(report)
  })

  it('archives by id', async () => {
    const target = await server()
    const ids = target.seed('tickets', [{ properties: {} }, { properties: {} }, { properties: {} }])
    const report = await pipe(
      fromGenerator([{ id: ids[0] }, { id: ids[2] }]),
      toHubSpot(connectHubSpot(target), 'tickets', { operation: 'archive' }),
    )
    expect(report.written).toBe(2)
    expect(target.objects('tickets').map((ticket) => ticket.archived)).toEqual([true, false, true])
  })

  it('fails a record that cannot become a batch input alone, without a call', async () => {
    const target = await server()
    const report = await pipe(
      fromGenerator<Record<string, unknown>>([
        { dealname: 'no id' },
        { id: '1', nested: { no: 'objects' } },
      ]),
      toHubSpot(connectHubSpot(target), 'deals', { operation: 'update' }),
    )
    expect(report.failed).toBe(2)
    expect(report.failures.map((failure) => failure.message)).toEqual([
      expect.stringMatching(/update needs the record's id/),
      expect.stringMatching(/field nested holds an object/),
    ])
    expect(target.requests).toHaveLength(0)
    expectReportEquation(report)
  })

  it('retries 429 with and without Retry-After and 5xx, writing each batch once', async () => {
    const target = await server()
    target.failNext(1, { status: 429, retryAfter: '2' })
    target.failNext(1, { status: 429 })
    target.failNext(1, { status: 500 })
    const report = await pipe(
      fromGenerator(people(150)),
      toHubSpot(connectHubSpot(target), 'contacts'),
    )
    expect(report.written).toBe(150)
    expect(target.objects('contacts')).toHaveLength(150)
    expect(report['hubspot']).toMatchObject({ retries: 3, rateLimited: 2 })
  })

  it('fails the run with a readable error when the token has expired, dropping what is unwritten', async () => {
    const target = await server()
    target.expireToken()
    const run = pipe(fromGenerator(people(10)), toHubSpot(connectHubSpot(target), 'contacts'))
    await expect(run).rejects.toThrow(/HubSpot refused the access token \(401/)
    const error = (await run.catch((caught: unknown) => caught)) as { report: RunReport }
    expect(error.report.status).toBe('failed')
    expect(error.report.droppedByReason).toEqual({ aborted: 10 })
    expect(JSON.stringify(error.report)).not.toContain(target.token)
    expect(target.requests.length).toBeLessThanOrEqual(2)
    expectReportEquation(error.report)
  })

  it('refuses options that cannot work when the sink is made', () => {
    const connection = hubspot({ accessToken: 'pat-x-token' })
    expect(() => toHubSpot(connection, 'contacts', { operation: 'upsert' })).toThrow(
      /upsert needs idProperty/,
    )
    expect(() => toHubSpot(connection, 'contacts', { batchSize: 101 })).toThrow(
      /batchSize must be a whole number from 1 to 100/,
    )
  })
})
