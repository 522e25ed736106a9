import type { Connection } from 'jsforce'
import { RateLimiter } from '../../../internal/retry.js'
import { resolveSettings, type SalesforceSettings } from './settings.js'
import { SalesforceConnection } from '../SalesforceConnection.js'

/** A session: where to send requests and the bearer token. @internal */
export interface SalesforceSession {
  readonly instanceUrl: string
  readonly accessToken: string
}

/** The API version used when none is given: a current one, not jsforce's old default. @internal */
export const DEFAULT_API_VERSION = '65.0'

/**
 * SOAP `login()` exists only up to API 64.0 (Salesforce retires it from 65.0 on): the login call
 * is made on this version whatever version the data calls use.
 *
 * @internal
 */
export const SOAP_LOGIN_VERSION = '64.0'

const DEFAULT_LOGIN_URL = 'https://login.salesforce.com'

/** What a {@link SalesforceConnection} is built from. @internal */
export interface ConnectionSource {
  readonly settings: SalesforceSettings
  readonly environment: Readonly<Record<string, string | undefined>>
  readonly envFile: string | undefined
  readonly connection: Connection | undefined
  readonly version: string | undefined
  readonly maxRequestsPerSecond: number | undefined
}

/**
 * How PowerFlow talks to the org of a {@link SalesforceConnection}: it logs in lazily, on the
 * first request of the first source or sink that uses it, and then shares the session; it
 * refreshes a session Salesforce refused, caps the requests per second, and knows the secrets to
 * scrub from messages.
 *
 * @internal
 */
export class SalesforceLogin {
  /** The REST API version of the data calls, such as `65.0`. */
  readonly version: string
  /**
   * The cap on requests per second shared by every stage using this connection, if any.
   *
   * @internal
   */
  readonly limiter: RateLimiter | undefined
  private opened: Promise<Connection> | undefined
  private readonly knownSecrets = new Set<string>()

  /** @internal */
  constructor(private readonly source: ConnectionSource) {
    this.version = normaliseVersion(
      source.version ?? source.settings.version ?? source.environment['SF_API_VERSION'],
    )
    for (const secret of secretsOf(source.settings)) this.knownSecrets.add(secret)
    const perSecond = source.maxRequestsPerSecond
    if (perSecond !== undefined && !(Number.isInteger(perSecond) && perSecond >= 1))
      throw new TypeError(
        `salesforce(): maxRequestsPerSecond must be a positive integer (got ${String(perSecond)})`,
      )
    this.limiter =
      perSecond === undefined ? undefined : new RateLimiter({ limit: perSecond, windowMs: 1_000 })
  }

  /**
   * The current session, logging in first if needed.
   *
   * @internal
   */
  async session(): Promise<SalesforceSession> {
    return sessionOf(await this.open())
  }

  /**
   * Gets a new session after `stale` was refused: refreshes the OAuth token or logs in again.
   * Throws a readable error when the connection has no way to.
   *
   * @internal
   */
  async refresh(stale: SalesforceSession, since: number): Promise<SalesforceSession> {
    const connection = await this.open()
    const delegate = connection._refreshDelegate
    if (delegate == null)
      throw new Error(
        'Salesforce refused the access token (401 INVALID_SESSION_ID) and this connection cannot get a new one: ' +
          'give a refresh token with clientId and clientSecret, or a username and password, or a fresh access token',
      )
    // The session may have been refreshed already by another stage since `stale` was sent.
    if (connection.accessToken === stale.accessToken || connection.accessToken == null)
      await delegate.refresh(since)
    return sessionOf(connection)
  }

  /**
   * Every secret of this connection (tokens, password, client secret), to scrub from messages.
   *
   * @internal
   */
  secrets(): string[] {
    return [...this.knownSecrets]
  }

  private open(): Promise<Connection> {
    this.opened ??= this.login().catch((error: unknown) => {
      // A failed login is not cached: the next run tries again.
      this.opened = undefined
      throw error
    })
    return this.opened
  }

  private async login(): Promise<Connection> {
    const ready = this.source.connection
    if (ready !== undefined) {
      this.watch(ready)
      return ready
    }
    const settings = await resolveSettings(
      this.source.settings,
      this.source.environment,
      this.source.envFile,
    )
    for (const secret of secretsOf(settings)) this.knownSecrets.add(secret)
    // jsforce loads here, on the first use of the first connection, and nowhere else.
    const { default: jsforce } = await import('jsforce')
    const loginUrl = trimSlash(settings.loginUrl ?? DEFAULT_LOGIN_URL)
    const oauth2 =
      settings.clientId === undefined
        ? undefined
        : {
            clientId: settings.clientId,
            ...(settings.clientSecret === undefined ? {} : { clientSecret: settings.clientSecret }),
            // The token endpoint of a refresh is the org's own domain unless a login URL is given.
            loginUrl: trimSlash(settings.loginUrl ?? settings.instanceUrl ?? DEFAULT_LOGIN_URL),
          }
    const canRefresh = settings.refreshToken !== undefined && oauth2 !== undefined
    const canLogin = settings.username !== undefined && settings.password !== undefined

    if (settings.accessToken !== undefined || canRefresh) {
      if (settings.instanceUrl === undefined)
        throw new Error(
          'salesforce(): an access token or refresh token needs the instance URL (instanceUrl or SF_INSTANCE_URL)',
        )
      const connection = new jsforce.Connection({
        instanceUrl: trimSlash(settings.instanceUrl),
        version: this.version,
        ...(settings.accessToken === undefined ? {} : { accessToken: settings.accessToken }),
        ...(canRefresh ? { refreshToken: settings.refreshToken, oauth2 } : {}),
        ...(!canRefresh && canLogin
          ? { refreshFn: reLogin(settings, loginUrl, this.version) }
          : {}),
      })
      this.watch(connection)
      if (settings.accessToken === undefined) await connection._refreshDelegate?.refresh(Date.now())
      return connection
    }
    if (canLogin) {
      // OAuth username-password flow when a client is given; otherwise SOAP login() on 64.0.
      const connection = new jsforce.Connection({
        loginUrl,
        version: oauth2 === undefined ? SOAP_LOGIN_VERSION : this.version,
        ...(oauth2 === undefined ? {} : { oauth2: { ...oauth2, loginUrl } }),
      })
      this.watch(connection)
      try {
        await connection.login(
          settings.username as string,
          `${settings.password as string}${settings.securityToken ?? ''}`,
        )
      } catch (error) {
        throw new Error(
          `salesforce(): login to ${loginUrl} as ${settings.username as string} failed: ${this.scrub(error)}`,
        )
      }
      return connection
    }
    throw new Error(
      'salesforce(): no credentials. Give instanceUrl + accessToken, instanceUrl + refreshToken + clientId + clientSecret, ' +
        'username + password (+ securityToken), or a jsforce Connection — or set SF_INSTANCE_URL and SF_ACCESS_TOKEN (or the other SF_ variables)',
    )
  }

  /** Remembers every token the connection gets, to keep it out of messages. */
  private watch(connection: Connection): void {
    if (connection.accessToken != null) this.knownSecrets.add(connection.accessToken)
    if (connection.refreshToken != null) this.knownSecrets.add(connection.refreshToken)
    connection.on('refresh', (token: string) => this.knownSecrets.add(token))
  }

  private scrub(error: unknown): string {
    let text = error instanceof Error ? error.message : String(error)
    for (const secret of this.knownSecrets)
      if (secret.length >= 4) text = text.replaceAll(secret, '***')
    return text
  }
}

function sessionOf(connection: Connection): SalesforceSession {
  const accessToken = connection.accessToken
  if (accessToken == null || accessToken === '')
    throw new Error('salesforce(): the connection has no access token (is it logged in?)')
  return { instanceUrl: trimSlash(connection.instanceUrl), accessToken }
}

/** A refresh function for an access token that came with a username and password. */
function reLogin(
  settings: SalesforceSettings,
  loginUrl: string,
  version: string,
): (
  connection: Connection,
  callback: (error: Error | null | undefined, token?: string) => void,
) => void {
  return (connection, callback) => {
    void (async () => {
      const { default: jsforce } = await import('jsforce')
      const login = new jsforce.Connection({ loginUrl, version: SOAP_LOGIN_VERSION })
      await login.login(
        settings.username as string,
        `${settings.password as string}${settings.securityToken ?? ''}`,
      )
      connection.instanceUrl = login.instanceUrl
      connection.version = version
      callback(undefined, login.accessToken ?? undefined)
    })().catch((error: unknown) =>
      callback(error instanceof Error ? error : new Error(String(error))),
    )
  }
}

function secretsOf(settings: SalesforceSettings): string[] {
  return [
    settings.accessToken,
    settings.password,
    settings.securityToken,
    settings.refreshToken,
    settings.clientSecret,
  ].filter((secret): secret is string => secret !== undefined && secret !== '')
}

function normaliseVersion(version: string | undefined): string {
  if (version === undefined) return DEFAULT_API_VERSION
  const bare = version.replace(/^v/, '')
  if (!/^\d{2,3}\.0$/.test(bare))
    throw new TypeError(
      `salesforce(): version must look like 65.0 (got ${JSON.stringify(version)})`,
    )
  return bare
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

const LOGINS = new WeakMap<SalesforceConnection, SalesforceLogin>()

/** A connection to the org that `source` describes (it logs in lazily). @internal */
export function connectionWith(source: ConnectionSource): SalesforceConnection {
  const login = new SalesforceLogin(source)
  const connection = new SalesforceConnection(login.version)
  LOGINS.set(connection, login)
  return connection
}

/** How to log in and call for `connection`, made by `salesforce()`. @internal */
export function loginOf(connection: SalesforceConnection): SalesforceLogin {
  const login = LOGINS.get(connection)
  if (login === undefined)
    throw new TypeError(
      'not a Salesforce connection made by salesforce(): make it with salesforce()',
    )
  return login
}
