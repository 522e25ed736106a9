/**
 * A local Salesforce-compatible server (node:http on 127.0.0.1, port 0) backed by in-memory
 * tables, for the Salesforce integration's tests, example and benchmark. jsforce and PowerFlow talk
 * to it for real.
 *
 * Each behaviour follows a page of Salesforce's documentation, cited beside its code (`docs:`),
 * so the tests encode the vendor's contract rather than our guesses. Abbreviations of the cited
 * addresses:
 * - REST = https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
 * - BULK = https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/
 * - SOAP = https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/
 * - OAUTH = https://help.salesforce.com/s/articleView?id=sf.
 *
 * Switches make it misbehave the way Salesforce does: 429/503 answers, the daily API quota
 * (REQUEST_LIMIT_EXCEEDED), expired sessions (INVALID_SESSION_ID) and records the org rejects.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Papa from 'papaparse'

/** A stored record: field name → value (`Id` always set). */
export type SfRecord = Record<string, unknown>

/** A rejection of one record, as sObject Collections report it. */
export interface RecordError {
  readonly statusCode: string
  readonly message: string
  readonly fields: readonly string[]
}

/** What the server is told at start. */
export interface SalesforceServerOptions {
  /** Records per REST query page (default 2,000, Salesforce's default batch size). */
  readonly pageSize?: number
  /** The org's daily API request limit, reported in `Sforce-Limit-Info` (default 15,000). */
  readonly dailyLimit?: number
  /** Status polls a Bulk job answers `InProgress` before it is complete (default 1). */
  readonly bulkPolls?: number
  /** Username, password (+ security token) and OAuth client accepted by the login endpoints. */
  readonly username?: string
  readonly password?: string
  readonly securityToken?: string
  readonly clientId?: string
  readonly clientSecret?: string
  readonly refreshToken?: string
}

/** One request as the server saw it. */
export interface SeenSalesforceRequest {
  readonly method: string
  /** Path and query. */
  readonly url: string
  readonly status: number
}

interface QueryCursor {
  readonly records: SfRecord[]
  readonly fields: readonly string[]
  readonly object: string
}

interface BulkQueryJob {
  readonly id: string
  readonly query: string
  readonly records: SfRecord[]
  readonly fields: readonly string[]
  polls: number
  state: string
}

interface IngestJob {
  readonly id: string
  readonly object: string
  readonly operation: string
  readonly externalIdFieldName: string | undefined
  csv: string
  polls: number
  state: string
  readonly successful: string[][]
  readonly failed: string[][]
  readonly unprocessed: string[][]
  columns: string[]
}

const API_PATH = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/

/** A running local Salesforce. */
export class SalesforceServer {
  /** `http://127.0.0.1:<port>`: both the login URL and the instance URL. */
  url = ''
  /** Every API request, in order (logins included). */
  readonly requests: SeenSalesforceRequest[] = []
  /** The API version of each SOAP login call. */
  readonly soapLoginVersions: string[] = []
  /** Bulk query jobs deleted by their client. */
  readonly deletedJobs: string[] = []
  /** The access token currently valid. */
  accessToken = `00D000000000001!${randomBytes(12).toString('hex')}`
  /** API requests counted against the daily limit. */
  apiUsed = 0
  dailyLimit: number
  pageSize: number
  bulkPolls: number
  /** Every token refresh or login refuses: for the "second 401" path. */
  refuseLogin = false
  /** Each refresh or login hands out a token that is already expired. */
  issueExpiredTokens = false
  /** Decides which written records the org rejects. */
  rejectRecord: (object: string, record: SfRecord) => RecordError | undefined = () => undefined

  private readonly tables = new Map<string, Map<string, SfRecord>>()
  private readonly cursors = new Map<string, QueryCursor>()
  private readonly queryJobs = new Map<string, BulkQueryJob>()
  private readonly ingestJobs = new Map<string, IngestJob>()
  private readonly throttles: Array<{ status: number; retryAfter?: string }> = []
  private nextId = 1
  private server: Server | undefined

  constructor(readonly options: SalesforceServerOptions = {}) {
    this.dailyLimit = options.dailyLimit ?? 15_000
    this.pageSize = options.pageSize ?? 2_000
    this.bulkPolls = options.bulkPolls ?? 1
  }

  /** Starts a server on an ephemeral port. */
  static async start(options: SalesforceServerOptions = {}): Promise<SalesforceServer> {
    const instance = new SalesforceServer(options)
    const server = createServer((request, response) => {
      instance.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500)
        response.end(String(error))
      })
    })
    instance.server = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    instance.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return instance
  }

  async close(): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  // ---- the data -----------------------------------------------------------------------------

  /** Adds records to `object`'s table, giving each an `Id` (unless it has one) and timestamps. */
  insert(object: string, records: readonly SfRecord[]): SfRecord[] {
    const table = this.table(object)
    return records.map((record) => {
      const id = typeof record['Id'] === 'string' ? record['Id'] : this.newId(object)
      const now = new Date().toISOString().replace('Z', '+0000')
      const stored: SfRecord = {
        Id: id,
        CreatedDate: now,
        SystemModstamp: now,
        ...record,
      }
      table.set(id, stored)
      return stored
    })
  }

  /** The records of `object`, in Id order. */
  records(object: string): SfRecord[] {
    return [...this.table(object).values()]
  }

  /** The next `count` data requests answer `status` (429 or 503), with an optional Retry-After. */
  throttle(status: number, count = 1, retryAfter?: string): void {
    for (let n = 0; n < count; n++)
      this.throttles.push(retryAfter === undefined ? { status } : { status, retryAfter })
  }

  /** The session in use expires: the next request with it gets 401 INVALID_SESSION_ID. */
  expireSession(): void {
    this.accessToken = this.newToken()
  }

  private table(object: string): Map<string, SfRecord> {
    let table = this.tables.get(object)
    if (table === undefined) {
      table = new Map()
      this.tables.set(object, table)
    }
    return table
  }

  private newId(object: string): string {
    // docs: REST /dome_sobject_create.htm — 18-character ids whose first 3 characters name the object.
    const prefix = object === 'Account' ? '001' : object === 'Contact' ? '003' : 'a00'
    return `${prefix}${(this.nextId++).toString(36).toUpperCase().padStart(12, '0')}AAA`
  }

  private newToken(): string {
    return `00D000000000001!${randomBytes(12).toString('hex')}`
  }

  // ---- dispatch -----------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request)
    const url = new URL(request.url ?? '/', this.url)
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', status })
      const text =
        typeof payload === 'string' ? payload : payload === undefined ? '' : JSON.stringify(payload)
      response.writeHead(status, {
        'content-type': typeof payload === 'string' ? 'text/csv' : 'application/json',
        ...headers,
      })
      response.end(text)
    }

    if (url.pathname.startsWith('/services/Soap/u/')) return this.soapLogin(url, body, send)
    if (url.pathname === '/services/oauth2/token') return this.oauthToken(body, send)

    const match = API_PATH.exec(url.pathname)
    if (match === null) return send(404, [{ errorCode: 'NOT_FOUND', message: 'no such resource' }])

    // docs: REST /errorcodes.htm — 401: "The session ID or OAuth token used has expired or is invalid."
    if (request.headers.authorization !== `Bearer ${this.accessToken}`)
      return send(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])

    // docs: REST /errorcodes.htm — 403 REQUEST_LIMIT_EXCEEDED when the org is over its API limit.
    if (this.apiUsed >= this.dailyLimit)
      return send(403, [
        {
          message: `TotalRequests Limit exceeded.`,
          errorCode: 'REQUEST_LIMIT_EXCEEDED',
        },
      ])

    // docs: REST /errorcodes.htm — 503 "server is unavailable"; 429 is what the API gateway
    // answers when too many requests arrive at once (REST /api_rest_limits.htm).
    const throttle = this.throttles.shift()
    if (throttle !== undefined)
      return send(
        throttle.status,
        [{ message: 'Try again later', errorCode: 'SERVER_UNAVAILABLE' }],
        throttle.retryAfter === undefined ? {} : { 'retry-after': throttle.retryAfter },
      )

    this.apiUsed += 1
    // docs: REST /headers_api_usage.htm — `Sforce-Limit-Info: api-usage=18/5000` on every response.
    const limit = { 'sforce-limit-info': `api-usage=${this.apiUsed}/${this.dailyLimit}` }
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void =>
      send(status, payload, { ...limit, ...headers })
    const version = match[1] as string
    const rest = match[2] ?? '/'
    const method = request.method ?? 'GET'
    return this.route(method, version, rest, url, body, request, reply)
  }

  private route(
    method: string,
    version: string,
    path: string,
    url: URL,
    body: string,
    request: IncomingMessage,
    reply: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    const parts = path.split('/').filter((part) => part !== '')
    if (method === 'GET' && parts[0] === 'query' && parts.length === 1)
      return this.query(version, url, request, reply)
    if (method === 'GET' && parts[0] === 'query' && parts.length === 2)
      return this.queryMore(version, parts[1] as string, reply)
    if (parts[0] === 'composite' && parts[1] === 'sobjects')
      return this.collections(method, parts, url, body, reply)
    if (parts[0] === 'jobs' && parts[1] === 'query')
      return this.bulkQuery(method, parts, url, body, reply)
    if (parts[0] === 'jobs' && parts[1] === 'ingest')
      return this.bulkIngest(method, version, parts, body, reply)
    if (method === 'GET' && parts[0] === 'limits')
      return reply(200, {
        DailyApiRequests: { Max: this.dailyLimit, Remaining: this.dailyLimit - this.apiUsed },
      })
    reply(404, [{ errorCode: 'NOT_FOUND', message: `no resource ${path}` }])
  }

  // ---- logins -------------------------------------------------------------------------------

  private soapLogin(
    url: URL,
    body: string,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    // docs: SOAP /sforce_api_calls_login.htm — login(username, password + security token) on
    // /services/Soap/u/<version>; answers serverUrl and sessionId; a bad login is a SOAP fault.
    const version = url.pathname.split('/').at(-1) ?? ''
    this.soapLoginVersions.push(version)
    const username = /<username>([^<]*)<\/username>/.exec(body)?.[1]
    const password = /<password>([^<]*)<\/password>/.exec(body)?.[1]
    const expected = `${this.options.password ?? ''}${this.options.securityToken ?? ''}`
    const xml = (inner: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`
    const reply = (status: number, text: string): void => {
      send(status, text, { 'content-type': 'text/xml' })
    }
    if (this.refuseLogin || username !== this.options.username || password !== xmlEscape(expected))
      return reply(
        500,
        xml(
          '<soapenv:Fault><faultcode>INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring></soapenv:Fault>',
        ),
      )
    const token = this.issue()
    reply(
      200,
      xml(
        `<loginResponse><result><passwordExpired>false</passwordExpired><serverUrl>${this.url}/services/Soap/u/${version}/00D000000000001</serverUrl><sessionId>${token}</sessionId><userId>005000000000001AAA</userId><userInfo><organizationId>00D000000000001AAA</organizationId></userInfo><organizationId>00D000000000001AAA</organizationId></result></loginResponse>`,
      ),
    )
  }

  private oauthToken(
    body: string,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    // docs: OAUTH remoteaccess_oauth_refresh_token_flow.htm — POST /services/oauth2/token with
    // grant_type=refresh_token, client_id, client_secret, refresh_token; answers access_token,
    // instance_url and id. A bad grant answers 400 invalid_grant.
    // docs: OAUTH remoteaccess_oauth_username_password_flow.htm — grant_type=password.
    const form = new URLSearchParams(body)
    const clientOk =
      form.get('client_id') === this.options.clientId &&
      form.get('client_secret') === this.options.clientSecret
    const grant = form.get('grant_type')
    const ok =
      !this.refuseLogin &&
      clientOk &&
      ((grant === 'refresh_token' && form.get('refresh_token') === this.options.refreshToken) ||
        (grant === 'password' &&
          form.get('username') === this.options.username &&
          form.get('password') ===
            `${this.options.password ?? ''}${this.options.securityToken ?? ''}`))
    if (!ok) {
      return send(400, { error: 'invalid_grant', error_description: 'authentication failure' })
    }
    send(200, {
      access_token: this.issue(),
      instance_url: this.url,
      id: `${this.url}/id/00D000000000001AAA/005000000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      signature: 'local',
    })
  }

  private issue(): string {
    const token = this.newToken()
    if (!this.issueExpiredTokens) this.accessToken = token
    return token
  }

  // ---- REST query ---------------------------------------------------------------------------

  private query(
    version: string,
    url: URL,
    request: IncomingMessage,
    reply: (status: number, payload: unknown) => void,
  ): void {
    // docs: REST /resources_query.htm — GET /query?q=SOQL answers totalSize, done, records and,
    // while more remain, nextRecordsUrl.
    // docs: REST /headers_queryoptions.htm — `Sforce-Query-Options: batchSize=N` (200–2,000) sets
    // the page size; Salesforce may still answer a different size.
    let parsed: ParsedQuery
    try {
      parsed = parseSoql(url.searchParams.get('q') ?? '')
    } catch (error) {
      return reply(400, [{ message: (error as Error).message, errorCode: 'MALFORMED_QUERY' }])
    }
    const option = /batchSize=(\d+)/.exec(String(request.headers['sforce-query-options'] ?? ''))
    const pageSize = option === null ? this.pageSize : Math.min(Number(option[1]), this.pageSize)
    const records = this.select(parsed)
    const cursorId = `01g${randomBytes(6).toString('hex')}`
    this.cursors.set(cursorId, { records, fields: parsed.fields, object: parsed.object })
    reply(200, this.page(version, cursorId, 0, pageSize))
  }

  private queryMore(
    version: string,
    locator: string,
    reply: (status: number, payload: unknown) => void,
  ): void {
    // docs: REST /dome_query.htm — "Retrieving the Remaining SOQL Query Results": GET the
    // nextRecordsUrl (/query/<locator>-<offset>); the locator is valid for 15 minutes.
    const [cursorId, offsetText, sizeText] = locator.split('-')
    const cursor = this.cursors.get(cursorId ?? '')
    if (cursor === undefined)
      return reply(400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }])
    reply(200, this.page(version, cursorId as string, Number(offsetText), Number(sizeText)))
  }

  private page(version: string, cursorId: string, offset: number, pageSize: number): unknown {
    const cursor = this.cursors.get(cursorId) as QueryCursor
    const end = Math.min(cursor.records.length, offset + pageSize)
    const done = end >= cursor.records.length
    if (done) this.cursors.delete(cursorId)
    return {
      totalSize: cursor.records.length,
      done,
      ...(done
        ? {}
        : { nextRecordsUrl: `/services/data/v${version}/query/${cursorId}-${end}-${pageSize}` }),
      records: cursor.records.slice(offset, end).map((record) => ({
        attributes: {
          type: cursor.object,
          url: `/services/data/v${version}/sobjects/${cursor.object}/${String(record['Id'])}`,
        },
        ...project(record, cursor.fields),
      })),
    }
  }

  private select(query: ParsedQuery): SfRecord[] {
    let records = this.records(query.object).filter((record) => query.where(record))
    if (query.orderBy.length > 0) records = [...records].sort(compareBy(query.orderBy))
    if (query.limit !== undefined) records = records.slice(0, query.limit)
    return records
  }

  // ---- sObject Collections ------------------------------------------------------------------

  private collections(
    method: string,
    parts: readonly string[],
    url: URL,
    body: string,
    reply: (status: number, payload: unknown) => void,
  ): void {
    // docs: REST /resources_composite_sobjects_collections.htm — up to 200 records per request;
    // with allOrNone false each record succeeds or fails on its own, and the answer is an array
    // of { id, success, errors: [{ statusCode, message, fields }] } in the request's order.
    if (method === 'DELETE') {
      // docs: REST /resources_composite_sobjects_collections_delete.htm — DELETE ?ids=…&allOrNone=
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id !== '')
      if (ids.length > 200) return reply(400, tooMany())
      return reply(
        200,
        ids.map((id) => {
          const object = [...this.tables.entries()].find(([, table]) => table.has(id))
          if (object === undefined)
            return failed(id, {
              statusCode: 'ENTITY_IS_DELETED',
              message: 'entity is deleted',
              fields: [],
            })
          const rejection = this.rejectRecord(object[0], object[1].get(id) as SfRecord)
          if (rejection !== undefined) return failed(id, rejection)
          object[1].delete(id)
          return { id, success: true, errors: [] }
        }),
      )
    }
    const payload = JSON.parse(body) as { allOrNone?: boolean; records: SfRecord[] }
    if (payload.records.length > 200) return reply(400, tooMany())
    if (method === 'POST')
      // docs: REST /resources_composite_sobjects_collections_create.htm
      return reply(
        200,
        payload.records.map((record) => this.create(record)),
      )
    if (method === 'PATCH' && parts.length === 2)
      // docs: REST /resources_composite_sobjects_collections_update.htm — each record has its Id.
      return reply(
        200,
        payload.records.map((record) => this.update(record)),
      )
    if (method === 'PATCH' && parts.length === 4)
      // docs: REST /resources_composite_sobjects_collections_upsert.htm —
      // PATCH /composite/sobjects/<object>/<externalIdField>; each result says `created`.
      return reply(
        200,
        payload.records.map((record) =>
          this.upsert(parts[2] as string, parts[3] as string, record),
        ),
      )
    reply(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `${method} not allowed` }])
  }

  private create(record: SfRecord): unknown {
    const { attributes, ...fields } = record as { attributes?: { type?: string } } & SfRecord
    const object = attributes?.type
    if (object === undefined)
      return failed(null, {
        statusCode: 'INVALID_TYPE',
        message: 'sObject type required',
        fields: [],
      })
    const rejection = this.rejectRecord(object, fields)
    if (rejection !== undefined) return failed(null, rejection)
    const [stored] = this.insert(object, [fields])
    return { id: stored?.['Id'], success: true, errors: [] }
  }

  private update(record: SfRecord): unknown {
    const { attributes, ...fields } = record as { attributes?: { type?: string } } & SfRecord
    const id = String(fields['Id'] ?? '')
    const table = this.table(attributes?.type ?? '')
    const existing = table.get(id)
    if (existing === undefined)
      return failed(id, {
        statusCode: 'INVALID_CROSS_REFERENCE_KEY',
        message: 'invalid cross reference id',
        fields: ['Id'],
      })
    const rejection = this.rejectRecord(attributes?.type ?? '', fields)
    if (rejection !== undefined) return failed(id, rejection)
    table.set(id, { ...existing, ...fields, SystemModstamp: stamp() })
    return { id, success: true, errors: [] }
  }

  private upsert(object: string, externalId: string, record: SfRecord): unknown {
    const { attributes: _attributes, ...fields } = record as { attributes?: unknown } & SfRecord
    const rejection = this.rejectRecord(object, fields)
    if (rejection !== undefined) return failed(null, rejection)
    const key = fields[externalId]
    const existing = this.records(object).find((row) => row[externalId] === key)
    if (existing !== undefined) {
      const id = String(existing['Id'])
      this.table(object).set(id, { ...existing, ...fields, SystemModstamp: stamp() })
      return { id, success: true, errors: [], created: false }
    }
    const [stored] = this.insert(object, [fields])
    return { id: stored?.['Id'], success: true, errors: [], created: true }
  }

  // ---- Bulk API 2.0 query -------------------------------------------------------------------

  private bulkQuery(
    method: string,
    parts: readonly string[],
    url: URL,
    body: string,
    reply: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    const id = parts[2]
    if (method === 'POST' && id === undefined) {
      // docs: BULK /query_create_job.htm — POST /jobs/query { operation: 'query', query } answers
      // the job with state UploadComplete.
      const job = JSON.parse(body) as { operation?: string; query?: string }
      let parsed: ParsedQuery
      try {
        parsed = parseSoql(job.query ?? '')
      } catch (error) {
        return reply(400, [{ message: (error as Error).message, errorCode: 'INVALIDJOB' }])
      }
      const created: BulkQueryJob = {
        id: `750${randomBytes(6).toString('hex')}`,
        query: job.query ?? '',
        records: this.select(parsed),
        fields: parsed.fields,
        polls: 0,
        state: 'UploadComplete',
      }
      this.queryJobs.set(created.id, created)
      return reply(200, {
        id: created.id,
        operation: 'query',
        object: parsed.object,
        state: created.state,
      })
    }
    const job = this.queryJobs.get(id ?? '')
    if (job === undefined)
      return reply(404, [{ errorCode: 'NOT_FOUND', message: `no query job ${id ?? ''}` }])
    if (method === 'DELETE') {
      // docs: BULK /query_delete_job.htm — 204 No Content.
      this.queryJobs.delete(job.id)
      this.deletedJobs.push(job.id)
      return reply(204, undefined)
    }
    if (method === 'GET' && parts[3] === undefined) {
      // docs: BULK /query_get_one_job.htm — state UploadComplete, InProgress, JobComplete, Failed
      // or Aborted; numberRecordsProcessed.
      job.polls += 1
      job.state = job.polls > this.bulkPolls ? 'JobComplete' : 'InProgress'
      return reply(200, {
        id: job.id,
        operation: 'query',
        state: job.state,
        numberRecordsProcessed: job.state === 'JobComplete' ? job.records.length : 0,
      })
    }
    if (method === 'GET' && parts[3] === 'results') {
      // docs: BULK /query_get_job_results.htm — CSV with a header row; `maxRecords` caps a page;
      // `Sforce-Locator` names the next page, the string "null" on the last one;
      // `Sforce-NumberOfRecords` counts this page's records.
      if (job.state !== 'JobComplete')
        return reply(400, [{ errorCode: 'INVALIDJOB', message: 'job not complete' }])
      const offset = Number(
        Buffer.from(url.searchParams.get('locator') ?? '', 'base64url').toString() || 0,
      )
      const maxRecords = Number(url.searchParams.get('maxRecords') ?? 50_000)
      const end = Math.min(job.records.length, offset + maxRecords)
      const rows = job.records.slice(offset, end).map((record) =>
        job.fields.map((field) => {
          const value = record[field]
          return value === null || value === undefined ? '' : String(value)
        }),
      )
      const csv = Papa.unparse(
        { fields: [...job.fields], data: rows },
        { newline: '\n', quotes: true },
      )
      return reply(200, `${csv}\n`, {
        'sforce-locator':
          end >= job.records.length ? 'null' : Buffer.from(String(end)).toString('base64url'),
        'sforce-numberofrecords': String(rows.length),
      })
    }
    reply(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `${method} not allowed` }])
  }

  // ---- Bulk API 2.0 ingest ------------------------------------------------------------------

  private bulkIngest(
    method: string,
    version: string,
    parts: readonly string[],
    body: string,
    reply: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    const id = parts[2]
    if (method === 'POST' && id === undefined) {
      // docs: BULK /create_job.htm — POST /jobs/ingest { object, operation, externalIdFieldName,
      // contentType: 'CSV', lineEnding } answers the job, state Open, with its contentUrl.
      const spec = JSON.parse(body) as {
        object: string
        operation: string
        externalIdFieldName?: string
      }
      const job: IngestJob = {
        id: `750${randomBytes(6).toString('hex')}`,
        object: spec.object,
        operation: spec.operation,
        externalIdFieldName: spec.externalIdFieldName,
        csv: '',
        polls: 0,
        state: 'Open',
        successful: [],
        failed: [],
        unprocessed: [],
        columns: [],
      }
      this.ingestJobs.set(job.id, job)
      return reply(200, {
        id: job.id,
        object: job.object,
        operation: job.operation,
        state: job.state,
        contentUrl: `services/data/v${version}/jobs/ingest/${job.id}/batches`,
      })
    }
    const job = this.ingestJobs.get(id ?? '')
    if (job === undefined)
      return reply(404, [{ errorCode: 'NOT_FOUND', message: `no ingest job ${id ?? ''}` }])
    if (method === 'PUT' && parts[3] === 'batches') {
      // docs: BULK /upload_job_data.htm — PUT the CSV; 201 Created.
      job.csv += body
      return reply(201, undefined)
    }
    if (method === 'PATCH' && parts[3] === undefined) {
      // docs: BULK /close_job.htm — PATCH { state: 'UploadComplete' } starts the processing.
      job.state = 'UploadComplete'
      this.process(job)
      return reply(200, { id: job.id, state: job.state })
    }
    if (method === 'GET' && parts[3] === undefined) {
      // docs: BULK /get_job_info.htm — state, numberRecordsProcessed, numberRecordsFailed.
      job.polls += 1
      if (job.polls > this.bulkPolls) job.state = 'JobComplete'
      return reply(200, {
        id: job.id,
        state: job.state,
        numberRecordsProcessed: job.successful.length + job.failed.length,
        numberRecordsFailed: job.failed.length,
      })
    }
    if (method === 'GET' && parts[3] === 'successfulResults')
      // docs: BULK /get_job_successful_results.htm — "sf__Id","sf__Created", then the fields.
      return reply(200, toCsv(['sf__Id', 'sf__Created', ...job.columns], job.successful))
    if (method === 'GET' && parts[3] === 'failedResults')
      // docs: BULK /get_job_failed_results.htm — "sf__Id","sf__Error", then the fields; the
      // error reads `STATUS_CODE:message:fields --`.
      return reply(200, toCsv(['sf__Id', 'sf__Error', ...job.columns], job.failed))
    if (method === 'GET' && parts[3] === 'unprocessedrecords')
      // docs: BULK /get_job_unprocessed_results.htm — the rows never processed, as uploaded.
      return reply(200, toCsv(job.columns, job.unprocessed))
    if (method === 'DELETE') {
      this.ingestJobs.delete(job.id)
      return reply(204, undefined)
    }
    reply(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `${method} not allowed` }])
  }

  private process(job: IngestJob): void {
    const parsed = Papa.parse<string[]>(job.csv.trim(), { header: false })
    const [header, ...rows] = parsed.data
    job.columns = header ?? []
    for (const row of rows) {
      const fields: SfRecord = {}
      job.columns.forEach((column, index) => {
        const value = row[index] ?? ''
        // docs: BULK /datafiles_csv_valid_record_rows.htm — an empty field is left unchanged;
        // #N/A sets it to null.
        if (value !== '') fields[column] = value === '#N/A' ? null : value
      })
      let result: { id: string; created: boolean } | RecordError
      if (job.operation === 'insert') {
        const rejection = this.rejectRecord(job.object, fields)
        result = rejection ?? {
          id: String(this.insert(job.object, [fields])[0]?.['Id']),
          created: true,
        }
      } else {
        const id = String(fields['Id'] ?? '')
        const table = this.table(job.object)
        const rejection = this.rejectRecord(job.object, fields)
        if (rejection !== undefined) result = rejection
        else if (job.operation === 'delete')
          result = table.delete(id)
            ? { id, created: false }
            : { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }
        else {
          const existing = table.get(id)
          if (existing === undefined)
            result = {
              statusCode: 'INVALID_CROSS_REFERENCE_KEY',
              message: 'invalid cross reference id',
              fields: ['Id'],
            }
          else {
            table.set(id, { ...existing, ...fields, SystemModstamp: stamp() })
            result = { id, created: false }
          }
        }
      }
      if ('statusCode' in result)
        job.failed.push([
          '',
          `${result.statusCode}:${result.message}:${result.fields.join(',')} --`,
          ...row,
        ])
      else job.successful.push([result.id, String(result.created), ...row])
    }
  }
}

// ---- a small SOQL ---------------------------------------------------------------------------

interface ParsedQuery {
  readonly fields: readonly string[]
  readonly object: string
  readonly where: (record: SfRecord) => boolean
  readonly orderBy: ReadonlyArray<{ readonly field: string; readonly descending: boolean }>
  readonly limit: number | undefined
}

const SOQL =
  /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is

/**
 * The part of SOQL the tests use (docs: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm):
 * a field list, one object, conditions joined by AND or OR (no parentheses) comparing a field
 * with a quoted string, number, boolean, null or date-time literal, ORDER BY and LIMIT.
 */
export function parseSoql(soql: string): ParsedQuery {
  const match = SOQL.exec(soql)
  if (match === null) throw new Error(`unexpected token in query: ${soql.slice(0, 80)}`)
  const fields = (match[1] as string).split(',').map((field) => field.trim())
  const orderBy = (match[4] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [field, direction] = part.split(/\s+/)
      return { field: field as string, descending: /^desc$/i.test(direction ?? '') }
    })
  return {
    fields,
    object: match[2] as string,
    where: parseWhere(match[3]),
    orderBy,
    limit: match[5] === undefined ? undefined : Number(match[5]),
  }
}

const CONDITION = /^(\w+)\s*(=|!=|<=|>=|<|>)\s*('(?:[^'\\]|\\.)*'|[^\s]+)$/

function parseWhere(text: string | undefined): (record: SfRecord) => boolean {
  if (text === undefined) return () => true
  const alternatives = text.split(/\s+OR\s+/i).map((clause) =>
    clause.split(/\s+AND\s+/i).map((condition) => {
      const match = CONDITION.exec(condition.trim().replace(/^\(+|\)+$/g, ''))
      if (match === null) throw new Error(`unexpected condition: ${condition}`)
      const [, field, operator, literal] = match as unknown as [string, string, string, string]
      const value = parseLiteral(literal)
      return (record: SfRecord): boolean => compare(record[field], operator, value)
    }),
  )
  return (record) => alternatives.some((all) => all.every((test) => test(record)))
}

function parseLiteral(literal: string): unknown {
  if (literal.startsWith("'")) return literal.slice(1, -1).replace(/\\(.)/g, '$1')
  if (/^null$/i.test(literal)) return null
  if (/^(true|false)$/i.test(literal)) return literal.toLowerCase() === 'true'
  if (/^\d{4}-\d{2}-\d{2}T/.test(literal)) return { time: Date.parse(literal) }
  if (/^-?\d+(\.\d+)?$/.test(literal)) return Number(literal)
  throw new Error(`unexpected literal: ${literal}`)
}

function compare(actual: unknown, operator: string, expected: unknown): boolean {
  let left: unknown = actual
  let right: unknown = expected
  if (typeof expected === 'object' && expected !== null && 'time' in expected) {
    left = typeof actual === 'string' ? Date.parse(actual) : Number.NaN
    right = (expected as { time: number }).time
  }
  switch (operator) {
    case '=':
      return left === right
    case '!=':
      return left !== right
    case '<':
      return (left as number) < (right as number)
    case '<=':
      return (left as number) <= (right as number)
    case '>':
      return (left as number) > (right as number)
    default:
      return (left as number) >= (right as number)
  }
}

function compareBy(
  orderBy: ReadonlyArray<{ readonly field: string; readonly descending: boolean }>,
): (a: SfRecord, b: SfRecord) => number {
  return (a, b) => {
    for (const { field, descending } of orderBy) {
      const x = sortable(a[field])
      const y = sortable(b[field])
      if (x === y) continue
      const order = x < y ? -1 : 1
      return descending ? -order : order
    }
    return 0
  }
}

function sortable(value: unknown): string | number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return Date.parse(value)
  return String(value ?? '')
}

// ---- helpers --------------------------------------------------------------------------------

function project(record: SfRecord, fields: readonly string[]): SfRecord {
  const out: SfRecord = {}
  for (const field of fields) out[field] = record[field] ?? null
  return out
}

function failed(id: string | null, error: RecordError): unknown {
  return { id, success: false, errors: [{ ...error, fields: [...error.fields] }] }
}

function tooMany(): unknown {
  return [{ errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit is 200' }]
}

function stamp(): string {
  return new Date().toISOString().replace('Z', '+0000')
}

function xmlEscape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
}

function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return `${Papa.unparse({ fields: [...columns], data: rows.map((row) => [...row]) }, { newline: '\n', quotes: true })}\n`
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (text += chunk))
    request.on('end', () => resolve(text))
    request.on('error', reject)
  })
}
