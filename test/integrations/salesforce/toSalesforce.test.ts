import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { salesforce } from '../../../src/integrations/salesforce/salesforce.js'
import { toSalesforce } from '../../../src/integrations/salesforce/toSalesforce.js'
import { expectReportEquation as expectBalanced } from '../../support/ledger.js'
import type { SalesforceServerOptions } from '../../support/salesforceServer.js'
import { FAST_SALESFORCE, salesforceServers } from '../../support/salesforceTesting.js'

const startServer = salesforceServers()

async function start(options: SalesforceServerOptions = {}) {
  const server = await startServer(options)
  // The org's validation rule: Name is required, and an Industry of 'Banned' is refused.
  server.rejectRecord = (_, record) => {
    // (Bulk leaves an empty cell out of the record: a missing Name is missing there too.)
    if (record['Name'] === '' || record['Name'] === null || !('Name' in record))
      return {
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [Name]',
        fields: ['Name'],
      }
    if (record['Industry'] === 'Banned')
      return {
        statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Industry not allowed',
        fields: ['Industry'],
      }
    return undefined
  }
  return server
}

const fast = FAST_SALESFORCE

describe('toSalesforce', () => {
  it('inserts in batches of 200 and maps each rejected record back with its code, message and fields', async () => {
    const server = await start()
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const accounts = Array.from({ length: 450 }, (_, n) => ({
      Name: n % 100 === 7 ? '' : `Account ${n}`,
      Industry: n === 300 ? 'Banned' : 'Retail',
    }))
    const report = await pipe(fromGenerator(accounts), toSalesforce(org, 'Account', fast))
    expect(report.status).toBe('completed')
    expect(report.written).toBe(444)
    expect(report.failed).toBe(6)
    expect(server.records('Account')).toHaveLength(444)
    const collections = server.requests.filter((request) =>
      request.url.includes('/composite/sobjects'),
    )
    expect(collections).toHaveLength(3)
    const failedRows = [7, 107, 207, 300, 307, 407]
    expect(report.failures.map((failure) => failure.record)).toEqual(
      expect.arrayContaining(failedRows.map((n) => accounts[n])),
    )
    const required = report.failures.find((failure) => failure.record === accounts[7])
    expect(required).toMatchObject({
      _tag: 'SinkError',
      stage: 'toSalesforce Account',
      message:
        'toSalesforce Account row 8: Salesforce rejected the record: REQUIRED_FIELD_MISSING: Required fields are missing: [Name] (fields: Name)',
      details: {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [Name]',
        fields: ['Name'],
      },
    })
    expect(
      report.failures.find((failure) => failure.record === accounts[300])?.details,
    ).toMatchObject({ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Industry'] })
    expectBalanced(report)
  })

  it('updates, upserts on an external id and deletes, naming the record id of each failure', async () => {
    const server = await start()
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const [acme, globex] = server.insert('Account', [
      { Name: 'Acme', Code__c: 'A' },
      { Name: 'Globex', Code__c: 'G' },
    ])
    const updated = await pipe(
      fromGenerator([
        { Id: acme?.['Id'], Name: 'Acme Corp' },
        { Id: globex?.['Id'], Name: '' },
        { Name: 'no id' },
      ]),
      toSalesforce(org, 'Account', { operation: 'update', ...fast }),
    )
    expect(updated.written).toBe(1)
    expect(updated.failures.map((failure) => failure.message)).toEqual([
      "toSalesforce Account row 3: update needs the record's Id",
      `toSalesforce Account record ${String(globex?.['Id'])}: Salesforce rejected the record: REQUIRED_FIELD_MISSING: Required fields are missing: [Name] (fields: Name)`,
    ])
    const upserted = await pipe(
      fromGenerator([
        { Code__c: 'A', Name: 'Acme Again' },
        { Code__c: 'N', Name: 'Newco' },
      ]),
      toSalesforce(org, 'Account', { operation: 'upsert', externalIdField: 'Code__c', ...fast }),
    )
    expect(upserted.written).toBe(2)
    expect(server.records('Account').map((record) => record['Name'])).toEqual([
      'Acme Again',
      'Globex',
      'Newco',
    ])
    const deleted = await pipe(
      fromGenerator([{ Id: acme?.['Id'] }, { Id: 'nonexistent0000AAA' }]),
      toSalesforce(org, 'Account', { operation: 'delete', ...fast }),
    )
    expect(deleted.written).toBe(1)
    expect(deleted.failures[0]?.details).toMatchObject({ errorCode: 'ENTITY_IS_DELETED' })
    expect(server.records('Account')).toHaveLength(2)
  })

  it('writes through Bulk API 2.0 ingest jobs and maps failed results back to their records', async () => {
    const server = await start({ bulkPolls: 1 })
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const accounts = Array.from({ length: 2_500 }, (_, n) => ({
      Name: n % 500 === 3 ? '' : `Account ${n}`,
      Industry: n === 1_000 ? 'Banned' : 'Retail',
      Phone: null,
    }))
    const report = await pipe(
      fromGenerator(accounts),
      toSalesforce(org, 'Account', {
        mode: 'bulk',
        bulkBatchSize: 1_000,
        highWaterMark: 100,
        ...fast,
      }),
    )
    expect(report.status).toBe('completed')
    expect(report.failed).toBe(6)
    expect(report.written).toBe(2_494)
    expect(server.records('Account')).toHaveLength(2_494)
    expect(report.failures.map((failure) => failure.record)).toContainEqual(accounts[1_000])
    expect(report.failures[0]).toMatchObject({
      record: accounts[3],
      details: {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [Name]',
        fields: ['Name'],
      },
    })
    expect(
      server.requests.filter(
        (request) => request.method === 'POST' && request.url.endsWith('/jobs/ingest'),
      ),
    ).toHaveLength(3)
    expectBalanced(report)
  })

  it('retries a throttled batch and fails each record of a batch that never gets through', async () => {
    const server = await start()
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    server.throttle(503, 1)
    const report = await pipe(
      fromGenerator([{ Name: 'A' }, { Name: 'B' }]),
      toSalesforce(org, 'Account', fast),
    )
    expect(report.written).toBe(2)
    expect(report.salesforce?.retries).toBe(1)
    server.throttle(503, 10)
    const failed = await pipe(
      fromGenerator([{ Name: 'C' }, { Name: 'D' }]),
      toSalesforce(org, 'Account', { ...fast, retries: 2 }),
    )
    expect(failed.failed).toBe(2)
    expect(failed.failures[0]?.message).toMatch(
      /could not write a batch of 2 records: .*HTTP 503 SERVER_UNAVAILABLE.*after 3 attempts/,
    )
    expect(failed.failures[0]?.message).not.toContain(server.accessToken)
  })

  it('fails the records of every batch once the daily quota is used up, without more requests', async () => {
    const server = await start({ dailyLimit: 1 })
    const org = salesforce({ instanceUrl: server.url, accessToken: server.accessToken })
    const report = await pipe(
      fromGenerator(Array.from({ length: 50 }, (_, n) => ({ Name: `A${n}` }))),
      toSalesforce(org, 'Account', { ...fast, batchSize: 10, concurrency: 1 }),
    )
    expect(report.written).toBe(10)
    expect(report.failed).toBe(40)
    expect(report.failures[0]?.message).toMatch(
      /daily API request limit is used up \(403 REQUEST_LIMIT_EXCEEDED/,
    )
    expect(report.failures[0]?.details).toMatchObject({
      status: 403,
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
    })
    // One refused request; the later batches fail without asking again.
    expect(server.requests.filter((request) => request.status === 403)).toHaveLength(1)
    expectBalanced(report)
  })

  it('rejects options that cannot work when the sink is made', () => {
    const org = salesforce({ env: {} })
    expect(() => toSalesforce(org, 'Account', { operation: 'upsert' })).toThrow(
      /upsert needs externalIdField/,
    )
    expect(() => toSalesforce(org, 'Account', { batchSize: 500 })).toThrow(
      /batchSize must be an integer from 1 to 200/,
    )
    expect(() => toSalesforce(org, 'Account; x')).toThrow(/not a Salesforce object name/)
  })
})
