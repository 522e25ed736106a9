/**
 * A local HubSpot-compatible server (node:http on 127.0.0.1, port 0) backed by an in-memory store,
 * for the HubSpot integration's tests, example and benchmark. The real `@hubspot/api-client` talks
 * to it through `basePath`.
 *
 * It implements the parts of the v3 CRM API PowerFlow uses, each as the HubSpot documentation
 * page cited beside it describes, plus switches for what a test needs to provoke: 429 with and
 * without `Retry-After`, 5xx, an expired token, rate limits in small windows.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A limit of `limit` requests in any rolling window of `windowMs`. */
export interface ServerRateLimit {
  readonly limit: number
  readonly windowMs: number
}

/** A CRM object as stored. */
export interface StoredObject {
  readonly id: string
  properties: Record<string, string | null>
  readonly createdAt: string
  updatedAt: string
  archived: boolean
}

/** A record to seed: its properties, and optionally its dates (default now). */
export interface SeedObject {
  readonly properties: Readonly<Record<string, string | null>>
  readonly createdAt?: string
  readonly updatedAt?: string
}

/** One request as the server saw it. */
export interface SeenHubSpotRequest {
  /** When it arrived (performance.now(), ms). */
  readonly at: number
  /** `search` for the search API (its own limit), `general` for every other call. */
  readonly kind: 'search' | 'general'
  readonly method: string
  readonly path: string
  readonly status: number
  /** The request body, parsed (undefined for GET). */
  readonly body: unknown
}

/** A fault to answer the next requests with, before anything else is checked. */
export interface HubSpotFault {
  /** 429, 500, 502, 503, … */
  readonly status: number
  /** A `Retry-After` header value (seconds), or none. */
  readonly retryAfter?: string
  /** Only requests of this kind (default either). */
  readonly kind?: 'search' | 'general'
}

/** Options of {@link startHubSpotServer}. */
export interface HubSpotServerOptions {
  /** The private-app access token it accepts (default `pat-test-token`). */
  readonly token?: string
  /** Limit of every call but searches (default none). HubSpot: 100–190 per 10 s. */
  readonly rateLimit?: ServerRateLimit
  /** Limit of search calls (default none). HubSpot: 5 per second. */
  readonly searchRateLimit?: ServerRateLimit
  /** The most results one search query reaches (default 10,000, as HubSpot). */
  readonly searchCap?: number
  /** Known properties per object type: a write naming another is refused as a whole batch (400). */
  readonly properties?: Readonly<Record<string, readonly string[]>>
  /** A value check: a message for a property value HubSpot would refuse, else undefined. */
  readonly invalid?: (
    objectType: string,
    properties: Readonly<Record<string, string | null>>,
  ) => string | undefined
}

/** A running server. */
export interface HubSpotServer {
  /** The `basePath` to give the client: `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly token: string
  /** Every request, in order of arrival. */
  readonly requests: readonly SeenHubSpotRequest[]
  /** Adds objects; returns their ids. */
  seed(objectType: string, objects: readonly SeedObject[]): string[]
  /** The stored objects of a type, archived ones included, in id order. */
  objects(objectType: string): readonly StoredObject[]
  /** Associates two objects (both directions). */
  associate(fromType: string, fromId: string, toType: string, toId: string): void
  /** From now on every request gets 401, as with an expired or revoked token. */
  expireToken(): void
  /** Answers the next `count` requests (of the fault's kind) with the fault. */
  failNext(count: number, fault: HubSpotFault): void
  /** Closes the server and its connections. */
  close(): Promise<void>
}

/** The modified-date property HubSpot keeps on each object type. */
export function modifiedProperty(objectType: string): string {
  return objectType === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate'
}

function createdProperty(objectType: string): string {
  return objectType === 'contacts' ? 'createdate' : 'hs_createdate'
}

const DATE_PROPERTIES = new Set([
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'createdate',
  'hs_createdate',
  'closedate',
])

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startHubSpotServer(
  options: HubSpotServerOptions = {},
): Promise<HubSpotServer> {
  const token = options.token ?? 'pat-test-token'
  const searchCap = options.searchCap ?? 10_000
  const store = new Map<string, { list: StoredObject[]; byId: Map<string, StoredObject> }>()
  const links = new Map<string, Map<string, Set<string>>>()
  const requests: SeenHubSpotRequest[] = []
  const faults: Array<HubSpotFault & { left: number }> = []
  const starts = { general: [] as number[], search: [] as number[] }
  let nextId = 1
  // Bumped by every write, so a cached query is not served stale.
  let version = 0
  const queryCache = new Map<string, StoredObject[]>()
  let expired = false
  let correlation = 0

  const typeStore = (
    objectType: string,
  ): { list: StoredObject[]; byId: Map<string, StoredObject> } => {
    let found = store.get(objectType)
    if (found === undefined) {
      found = { list: [], byId: new Map() }
      store.set(objectType, found)
    }
    return found
  }

  const add = (objectType: string, seed: SeedObject): StoredObject => {
    const id = String(nextId++)
    const now = new Date().toISOString()
    const createdAt = seed.createdAt ?? now
    const updatedAt = seed.updatedAt ?? createdAt
    const object: StoredObject = {
      id,
      createdAt,
      updatedAt,
      archived: false,
      properties: {
        ...seed.properties,
        hs_object_id: id,
        [createdProperty(objectType)]: createdAt,
        [modifiedProperty(objectType)]: updatedAt,
      },
    }
    const typed = typeStore(objectType)
    version += 1
    typed.list.push(object)
    typed.byId.set(id, object)
    return object
  }

  const touch = (
    objectType: string,
    object: StoredObject,
    properties: Record<string, string | null>,
  ): void => {
    const now = new Date().toISOString()
    version += 1
    Object.assign(object.properties, properties, { [modifiedProperty(objectType)]: now })
    object.updatedAt = now
  }

  /** Rolling-window check, as HubSpot counts (API usage guidelines: "per 10 seconds, rolling"). */
  const overLimit = (
    kind: 'general' | 'search',
    now: number,
  ): { over: boolean; remaining: number; limit?: ServerRateLimit } => {
    const limit = kind === 'search' ? options.searchRateLimit : options.rateLimit
    if (limit === undefined) return { over: false, remaining: Number.POSITIVE_INFINITY }
    const list = starts[kind]
    while (list.length > 0 && (list[0] as number) + limit.windowMs <= now) list.shift()
    if (list.length >= limit.limit) return { over: true, remaining: 0, limit }
    list.push(now)
    return { over: false, remaining: limit.limit - list.length, limit }
  }

  const server = createServer((request, response) => {
    let raw = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (raw += chunk))
    request.on('end', () => {
      const at = performance.now()
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      const kind: 'search' | 'general' = url.pathname.endsWith('/search') ? 'search' : 'general'
      let body: unknown
      let status = 500
      try {
        body = raw === '' ? undefined : (JSON.parse(raw) as unknown)
        const answer = handle(request, url, kind, body, at)
        status = answer.status
        send(response, answer.status, answer.body, answer.headers)
      } catch (error) {
        const problem =
          error instanceof HttpProblem
            ? error
            : new HttpProblem(
                500,
                'INTERNAL_ERROR',
                error instanceof Error ? error.message : String(error),
              )
        status = problem.status
        send(
          response,
          problem.status,
          {
            status: 'error',
            message: problem.message,
            correlationId: `test-${++correlation}`,
            category: problem.category,
            ...(problem.status === 429
              ? {
                  errorType: 'RATE_LIMIT',
                  policyName: kind === 'search' ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING',
                }
              : {}),
          },
          problem.headers,
        )
      }
      requests.push({ at, kind, method: request.method ?? 'GET', path: url.pathname, status, body })
    })
  })

  function handle(
    request: IncomingMessage,
    url: URL,
    kind: 'search' | 'general',
    body: unknown,
    at: number,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    // Authentication: https://developers.hubspot.com/docs/api/private-apps (Bearer token; a
    // missing, expired or revoked one gets 401 INVALID_AUTHENTICATION).
    if (expired || request.headers.authorization !== `Bearer ${token}`)
      throw new HttpProblem(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      )
    const fault = faults.find(
      (one) => one.left > 0 && (one.kind === undefined || one.kind === kind),
    )
    if (fault !== undefined) {
      fault.left -= 1
      throw new HttpProblem(
        fault.status,
        fault.status === 429 ? 'RATE_LIMITS' : 'INTERNAL_ERROR',
        fault.status === 429
          ? kind === 'search'
            ? 'You have reached your secondly limit.'
            : 'You have reached your ten_secondly_rolling limit.'
          : 'internal error',
        fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
      )
    }
    // Rate limits: https://developers.hubspot.com/docs/api/usage-details — a rolling window per
    // app; every response but search carries X-HubSpot-RateLimit-* headers, and a 429 says which
    // policy was hit. The search API has its own per-second limit and sends no such headers
    // (https://developers.hubspot.com/docs/api/crm/search, "Limitations").
    const limit = overLimit(kind, at)
    if (limit.over)
      throw new HttpProblem(
        429,
        'RATE_LIMITS',
        kind === 'search'
          ? 'You have reached your secondly limit.'
          : 'You have reached your ten_secondly_rolling limit.',
      )
    const headers: Record<string, string> =
      kind === 'general' && limit.limit !== undefined
        ? {
            'x-hubspot-ratelimit-max': String(limit.limit.limit),
            'x-hubspot-ratelimit-remaining': String(limit.remaining),
            'x-hubspot-ratelimit-interval-milliseconds': String(limit.limit.windowMs),
          }
        : {}
    const path = url.pathname
    let match: RegExpExecArray | null
    if (request.method === 'GET' && (match = /^\/crm\/v3\/objects\/([^/]+)$/.exec(path)) !== null)
      return { status: 200, body: list(match[1] as string, url), headers }
    if (
      request.method === 'POST' &&
      (match = /^\/crm\/v3\/objects\/([^/]+)\/search$/.exec(path)) !== null
    )
      return { status: 200, body: search(match[1] as string, body as SearchBody), headers }
    if (
      request.method === 'POST' &&
      (match = /^\/crm\/v3\/objects\/([^/]+)\/batch\/(create|update|upsert|archive)$/.exec(
        path,
      )) !== null
    ) {
      const result = batch(match[1] as string, match[2] as string, body as { inputs?: unknown })
      return { ...result, headers }
    }
    if (
      request.method === 'POST' &&
      (match = /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/.exec(path)) !== null
    )
      return {
        status: 200,
        body: associations(
          match[1] as string,
          match[2] as string,
          body as { inputs?: Array<{ id?: string }> },
        ),
        headers,
      }
    throw new HttpProblem(404, 'OBJECT_NOT_FOUND', `no route for ${request.method ?? ''} ${path}`)
  }

  const view = (object: StoredObject, wanted: readonly string[], objectType: string): unknown => {
    const properties: Record<string, string | null> = {
      hs_object_id: object.id,
      [createdProperty(objectType)]: object.properties[createdProperty(objectType)] ?? null,
      [modifiedProperty(objectType)]: object.properties[modifiedProperty(objectType)] ?? null,
    }
    for (const name of wanted) properties[name] = object.properties[name] ?? null
    return {
      id: object.id,
      properties,
      createdAt: object.createdAt,
      updatedAt: object.updatedAt,
      archived: object.archived,
    }
  }

  const propertyList = (url: URL): string[] =>
    url.searchParams
      .getAll('properties')
      .flatMap((value) => value.split(','))
      .filter((name) => name !== '')

  /**
   * List a page: https://developers.hubspot.com/docs/api/crm/understanding-the-crm ("Retrieve
   * records"): `limit` up to 100, `after` from `paging.next.after`, `properties` comma-separated,
   * `archived` false by default; results in id order.
   */
  function list(objectType: string, url: URL): unknown {
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 10)))
    const after = Number(url.searchParams.get('after') ?? 0)
    const archived = url.searchParams.get('archived') === 'true'
    const wanted = propertyList(url)
    const all = typeStore(objectType).list
    const results: unknown[] = []
    let index = lowerBound(all, after)
    let next: string | undefined
    for (; index < all.length; index++) {
      const object = all[index] as StoredObject
      if (object.archived !== archived) continue
      if (results.length === limit) {
        next = object.id
        break
      }
      results.push(view(object, wanted, objectType))
    }
    return {
      results,
      ...(next === undefined
        ? {}
        : {
            paging: {
              next: {
                after: next,
                link: `${address()}/crm/v3/objects/${objectType}?after=${next}`,
              },
            },
          }),
    }
  }

  interface SearchBody {
    readonly filterGroups?: Array<{
      filters?: Array<{ propertyName: string; operator: string; value?: string; values?: string[] }>
    }>
    readonly sorts?: Array<{ propertyName: string; direction?: string } | string>
    readonly properties?: string[]
    readonly limit?: number
    readonly after?: string | number
  }

  /**
   * Search: https://developers.hubspot.com/docs/api/crm/search — filter groups ORed (at most 5),
   * filters in a group ANDed (at most 6 per group, 18 in all), one sort, `limit` up to 200, paging
   * by `after`, `total` of the matches, and no more than 10,000 results per query: a page past them
   * is a 400.
   */
  function search(objectType: string, body: SearchBody): unknown {
    const groups = body.filterGroups ?? []
    if (groups.length > 5)
      throw new HttpProblem(400, 'VALIDATION_ERROR', 'too many filter groups (at most 5)')
    if (groups.some((group) => (group.filters ?? []).length > 6))
      throw new HttpProblem(400, 'VALIDATION_ERROR', 'too many filters in a group (at most 6)')
    const sorts = body.sorts ?? []
    if (sorts.length > 1)
      throw new HttpProblem(400, 'VALIDATION_ERROR', 'only one sort is supported')
    const limit = body.limit ?? 10
    if (limit > 200) throw new HttpProblem(400, 'VALIDATION_ERROR', 'limit must be at most 200')
    const offset = Number(body.after ?? 0)
    if (offset >= searchCap)
      throw new HttpProblem(
        400,
        'VALIDATION_ERROR',
        `There was a problem with the request. The search API returns at most ${searchCap} results.`,
      )
    // The same query paged again finds the same sorted matches (until a write changes them).
    const key = JSON.stringify([objectType, version, groups, sorts])
    let matches = queryCache.get(key)
    if (matches === undefined) {
      matches = sortedMatches(objectType, groups, sorts)
      queryCache.clear()
      queryCache.set(key, matches)
    }
    const page = matches.slice(offset, Math.min(offset + limit, searchCap))
    const following = offset + page.length
    return {
      total: matches.length,
      results: page.map((object) => view(object, body.properties ?? [], objectType)),
      ...(following < matches.length ? { paging: { next: { after: String(following) } } } : {}),
    }
  }

  function sortedMatches(
    objectType: string,
    groups: NonNullable<SearchBody['filterGroups']>,
    sorts: NonNullable<SearchBody['sorts']>,
  ): StoredObject[] {
    const matches = typeStore(objectType).list.filter(
      (object) =>
        !object.archived &&
        (groups.length === 0 ||
          groups.some((group) =>
            (group.filters ?? []).every((filter) => matchesFilter(object, filter)),
          )),
    )
    const sort = sorts[0]
    const sortBy = typeof sort === 'string' ? { propertyName: sort, direction: 'ASCENDING' } : sort
    // HubSpot does not promise an order among equal sort values: mix them, so a client cannot
    // lean on one.
    if (sortBy !== undefined) {
      const sign = sortBy.direction === 'DESCENDING' ? -1 : 1
      matches.sort(
        (a, b) =>
          sign *
            compareValues(
              sortBy.propertyName,
              a.properties[sortBy.propertyName] ?? null,
              b.properties[sortBy.propertyName] ?? null,
            ) || scramble(a.id) - scramble(b.id),
      )
    }
    return matches
  }

  const checkKnown = (objectType: string, properties: Readonly<Record<string, unknown>>): void => {
    const known = options.properties?.[objectType]
    if (known === undefined) return
    for (const name of Object.keys(properties)) {
      if (!known.includes(name))
        throw new HttpProblem(
          400,
          'VALIDATION_ERROR',
          `Property values were not valid: [{"isValid":false,"message":"Property \\"${name}\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"${name}"}]`,
        )
    }
  }

  /**
   * Batch writes: https://developers.hubspot.com/docs/api/crm/objects ("Create, update or
   * archive records in batches"): up to 100 inputs; `objectWriteTraceId` on each input is echoed
   * in its result or error, and with it invalid values fail only their input (207 Multi-Status,
   * errors with `context.objectWriteTraceId`); a property that does not exist, or a contact email
   * that already exists on create (409), refuses the whole batch. Update of an unknown id fails
   * that input (207, `OBJECT_NOT_FOUND`, `context.ids`). Archive answers 204.
   */
  function batch(
    objectType: string,
    operation: string,
    body: { inputs?: unknown },
  ): { status: number; body?: unknown } {
    const inputs = (Array.isArray(body?.inputs) ? body.inputs : []) as Array<{
      id?: string
      idProperty?: string
      objectWriteTraceId?: string
      properties?: Record<string, string | null>
    }>
    if (inputs.length > 100)
      throw new HttpProblem(400, 'VALIDATION_ERROR', 'batch inputs must be at most 100')
    const startedAt = new Date().toISOString()
    if (operation === 'archive') {
      for (const input of inputs) {
        const object = typeStore(objectType).byId.get(String(input.id))
        if (object !== undefined) object.archived = true
        version += 1
      }
      return { status: 204 }
    }
    for (const input of inputs) checkKnown(objectType, input.properties ?? {})
    const results: unknown[] = []
    const errors: unknown[] = []
    const refuse = (input: (typeof inputs)[number], message: string): void => {
      if (input.objectWriteTraceId === undefined)
        throw new HttpProblem(400, 'VALIDATION_ERROR', message)
      errors.push({
        status: 'error',
        category: 'VALIDATION_ERROR',
        message,
        context: { objectWriteTraceId: [input.objectWriteTraceId] },
      })
    }
    const withTrace = (
      object: StoredObject,
      input: (typeof inputs)[number],
      extra: object = {},
    ): unknown => ({
      ...(view(object, Object.keys(input.properties ?? {}), objectType) as object),
      ...extra,
      ...(input.objectWriteTraceId === undefined
        ? {}
        : { objectWriteTraceId: input.objectWriteTraceId }),
    })
    const byProperty = (name: string, value: string | undefined): StoredObject | undefined =>
      name === 'hs_object_id'
        ? typeStore(objectType).byId.get(String(value))
        : typeStore(objectType).list.find(
            (object) => !object.archived && object.properties[name] === value,
          )
    if (operation === 'create' && objectType === 'contacts') {
      for (const input of inputs) {
        const email = input.properties?.['email']
        const existing =
          email === undefined || email === null ? undefined : byProperty('email', email)
        if (existing !== undefined)
          throw new HttpProblem(
            409,
            'CONFLICT',
            `Contact already exists. Existing ID: ${existing.id}`,
          )
      }
    }
    for (const input of inputs) {
      const properties = input.properties ?? {}
      const bad = options.invalid?.(objectType, properties)
      if (bad !== undefined) {
        refuse(input, bad)
        continue
      }
      if (operation === 'create') {
        results.push(withTrace(add(objectType, { properties }), input))
      } else if (operation === 'update') {
        const object = byProperty(input.idProperty ?? 'hs_object_id', input.id)
        if (object === undefined || object.archived) {
          errors.push({
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: `Could not get some ${objectType.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
            context: {
              ids: [String(input.id)],
              ...(input.objectWriteTraceId === undefined
                ? {}
                : { objectWriteTraceId: [input.objectWriteTraceId] }),
            },
          })
          continue
        }
        touch(objectType, object, properties)
        results.push(withTrace(object, input))
      } else {
        // upsert: https://developers.hubspot.com/docs/api/crm/contacts ("Upsert records")
        const idProperty = input.idProperty ?? 'hs_object_id'
        const object = byProperty(idProperty, input.id)
        if (object === undefined) {
          const created = add(objectType, {
            properties: { ...properties, [idProperty]: String(input.id) },
          })
          results.push(withTrace(created, input, { new: true }))
        } else {
          touch(objectType, object, properties)
          results.push(withTrace(object, input, { new: false }))
        }
      }
    }
    const completedAt = new Date().toISOString()
    const status = errors.length > 0 ? 207 : operation === 'create' ? 201 : 200
    return {
      status,
      body: {
        status: 'COMPLETE',
        results,
        startedAt,
        completedAt,
        ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      },
    }
  }

  /**
   * Associations batch read: https://developers.hubspot.com/docs/api/crm/associations/v4 ("Retrieve
   * associated records"): for each input id, the ids of the associated records of the other type.
   */
  function associations(
    fromType: string,
    toType: string,
    body: { inputs?: Array<{ id?: string }> },
  ): unknown {
    const table = links.get(`${fromType}/${toType}`)
    const results: unknown[] = []
    for (const input of body?.inputs ?? []) {
      const targets = table?.get(String(input.id))
      if (targets === undefined || targets.size === 0) continue
      results.push({
        from: { id: String(input.id) },
        to: [...targets].map((id) => ({
          toObjectId: Number(id),
          associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: null }],
        })),
      })
    }
    const now = new Date().toISOString()
    return { status: 'COMPLETE', results, startedAt: now, completedAt: now }
  }

  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const link = (fromType: string, toType: string, fromId: string, toId: string): void => {
    const key = `${fromType}/${toType}`
    let table = links.get(key)
    if (table === undefined) links.set(key, (table = new Map()))
    let targets = table.get(fromId)
    if (targets === undefined) table.set(fromId, (targets = new Set()))
    targets.add(toId)
  }

  return {
    url: address(),
    token,
    requests,
    seed: (objectType, objects) => objects.map((seed) => add(objectType, seed).id),
    objects: (objectType) => typeStore(objectType).list,
    associate(fromType, fromId, toType, toId) {
      link(fromType, toType, fromId, toId)
      link(toType, fromType, toId, fromId)
    },
    expireToken() {
      expired = true
    },
    failNext(count, fault) {
      faults.push({ ...fault, left: count })
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json;charset=utf-8' }),
    ...headers,
  })
  response.end(text)
}

/** The index of the first object whose id is at least `id` (ids increase with the list). */
function lowerBound(list: readonly StoredObject[], id: number): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (Number((list[middle] as StoredObject).id) < id) low = middle + 1
    else high = middle
  }
  return low
}

const parsedDates = new Map<string, number>()

function comparable(property: string, value: string | null): number | string | null {
  if (value === null || value === '') return null
  if (property === 'hs_object_id') return Number(value)
  if (DATE_PROPERTIES.has(property)) {
    let ms = parsedDates.get(value)
    if (ms === undefined) {
      ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value)
      parsedDates.set(value, ms)
    }
    return ms
  }
  return value
}

function compareValues(property: string, a: string | null, b: string | null): number {
  const left = comparable(property, a)
  const right = comparable(property, b)
  if (left === right) return 0
  if (left === null) return 1
  if (right === null) return -1
  return left < right ? -1 : 1
}

function matchesFilter(
  object: StoredObject,
  filter: { propertyName: string; operator: string; value?: string; values?: string[] },
): boolean {
  const name = filter.propertyName
  const own = object.properties[name] ?? null
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return own !== null && own !== ''
    case 'NOT_HAS_PROPERTY':
      return own === null || own === ''
    case 'IN':
      return (filter.values ?? []).some((value) => compareValues(name, own, String(value)) === 0)
  }
  if (own === null) return false
  const order = compareValues(name, own, String(filter.value))
  switch (filter.operator) {
    case 'EQ':
      return order === 0
    case 'NEQ':
      return order !== 0
    case 'GT':
      return order > 0
    case 'GTE':
      return order >= 0
    case 'LT':
      return order < 0
    case 'LTE':
      return order <= 0
    default:
      throw new HttpProblem(400, 'VALIDATION_ERROR', `unknown operator ${filter.operator}`)
  }
}

/** A fixed, unordered-looking permutation of ids, for ties. */
function scramble(id: string): number {
  return Math.imul(Number(id), 2654435761) >>> 0
}
