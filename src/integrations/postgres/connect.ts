/**
 * Connections of the Postgres stages: a client from a string, a configuration or a pool, watched
 * for errors (a client whose connection dies emits `error`, which must be heard or the process
 * crashes), and released or destroyed at the end. Plus what counts as a passing fault.
 *
 * @internal
 * @packageDocumentation
 */
import pg from 'pg'
import type { ClientConfig, Pool, PoolClient } from 'pg'
import { Redactor } from '../../internal/redact.js'
import type { PostgresConnection } from './PostgresConnection.js'

/** A client in use by one stage. @internal */
export class Connection {
  /** The first error the client emitted: its connection is gone. */
  broken: Error | undefined = undefined
  private readonly onError = (error: Error): void => {
    this.broken ??= error
  }

  private constructor(
    readonly client: pg.ClientBase,
    private readonly pooled: boolean,
  ) {
    client.on('error', this.onError)
  }

  /** Connects (or borrows a client from the pool). */
  static async open(connection: PostgresConnection): Promise<Connection> {
    if (isPool(connection)) {
      const client: PoolClient = await connection.connect()
      return new Connection(client, true)
    }
    const config: ClientConfig =
      typeof connection === 'string' ? { connectionString: connection } : connection
    const client = new pg.Client(config)
    // An error before connect() settles would otherwise be unheard.
    const early = (): void => undefined
    client.on('error', early)
    try {
      await client.connect()
    } catch (error) {
      await client.end().catch(() => undefined)
      throw error
    } finally {
      client.off('error', early)
    }
    return new Connection(client, false)
  }

  /** Gives the client back: to the pool, or closes it. `destroy` drops a connection in doubt. */
  async release(destroy = false): Promise<void> {
    const client = this.client
    if (this.pooled) {
      ;(client as PoolClient).release(destroy || this.broken !== undefined ? true : undefined)
    } else if (destroy || this.broken !== undefined) {
      // end() waits for queries in flight; a connection in doubt is cut at once.
      const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } })
        .connection?.stream
      stream?.destroy()
      await (client as pg.Client).end().catch(() => undefined)
    } else await (client as pg.Client).end().catch(() => undefined)
    // Late errors of a dead socket still need a listener.
    client.off('error', this.onError)
    client.on('error', () => undefined)
  }
}

function isPool(connection: PostgresConnection): connection is Pool {
  return (
    typeof connection === 'object' &&
    connection !== null &&
    typeof (connection as Pool).connect === 'function' &&
    'totalCount' in connection
  )
}

/** A redactor for the connection's password, wherever it would turn up in text. @internal */
export function redactorOf(connection: PostgresConnection): Redactor {
  if (typeof connection === 'string') return Redactor.forRequest(connection)
  if (isPool(connection)) {
    const options = (connection as unknown as { options?: ClientConfig }).options ?? {}
    return redactorOfConfig(options)
  }
  return redactorOfConfig(connection)
}

function redactorOfConfig(config: ClientConfig): Redactor {
  return new Redactor([
    typeof config.password === 'string' ? config.password : undefined,
    config.connectionString === undefined ? undefined : passwordOf(config.connectionString),
  ])
}

function passwordOf(connectionString: string): string | undefined {
  try {
    const url = new URL(connectionString)
    return url.password === '' ? undefined : decodeURIComponent(url.password)
  } catch {
    return undefined
  }
}

/** SQLSTATEs of faults that pass: a deadlock, a serialization failure, a lost or refused connection. */
const TRANSIENT_STATES = new Set([
  '40P01',
  '40001',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
])
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
])

/** Whether an error is worth another attempt on a fresh connection. @internal */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (TRANSIENT_STATES.has(code) || TRANSIENT_CODES.has(code)))
    return true
  return /Connection terminated|connection error|not queryable|Client was closed/i.test(
    error.message,
  )
}

/** Whether an error says the connection itself is gone (not just the transaction). @internal */
export function isConnectionLost(error: unknown): boolean {
  if (!isTransient(error)) return false
  const code = (error as { code?: unknown }).code
  return code !== '40P01' && code !== '40001'
}

/** Quotes a possibly schema-qualified name (`crm.deals`) for SQL. @internal */
export function quoteName(name: string): string {
  return splitName(name).map(pg.escapeIdentifier).join('.')
}

/** `crm.deals` → `['crm', 'deals']`; `deals` → `['deals']`. @internal */
export function splitName(name: string): string[] {
  const parts = name.split('.')
  if (parts.length > 2 || parts.some((part) => part === ''))
    throw new TypeError(`not a table name: ${name} (give "table" or "schema.table")`)
  return parts
}

/**
 * Which database a connection reaches, as `host:port/database`, for telling whether two
 * connections meet in one database (a state store beside a sink's target). @internal
 */
export function databaseOf(connection: PostgresConnection): string {
  const config: ClientConfig = isPool(connection)
    ? ((connection as unknown as { options?: ClientConfig }).options ?? {})
    : typeof connection === 'string'
      ? { connectionString: connection }
      : connection
  let { host, port, database, user } = config
  if (config.connectionString !== undefined) {
    try {
      const url = new URL(config.connectionString)
      host ??= decodeURIComponent(url.hostname)
      port ??= url.port === '' ? undefined : Number(url.port)
      database ??= decodeURIComponent(url.pathname.slice(1)) || undefined
      user ??= decodeURIComponent(url.username) || undefined
    } catch {
      // Not a URL (a socket path or keywords): the fields alone decide.
    }
  }
  const env = process.env
  return `${host ?? env['PGHOST'] ?? 'localhost'}:${port ?? env['PGPORT'] ?? 5432}/${database ?? env['PGDATABASE'] ?? user ?? env['PGUSER'] ?? ''}`
}
