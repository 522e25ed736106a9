import type { Connection } from 'jsforce'
import type { SalesforceConnection } from './SalesforceConnection.js'
import { connectionWith } from './internal/SalesforceLogin.js'
import type { SalesforceSettings } from './internal/settings.js'

/**
 * Options of {@link salesforce}. Give one form of credentials; each option left out falls back to
 * its environment variable (`SF_INSTANCE_URL`, `SF_ACCESS_TOKEN`, `SF_LOGIN_URL`, `SF_USERNAME`,
 * `SF_PASSWORD`, `SF_SECURITY_TOKEN`, `SF_REFRESH_TOKEN`, `SF_CLIENT_ID`, `SF_CLIENT_SECRET`,
 * `SF_API_VERSION`), then to the same names in `envFile` when one is given.
 *
 * - `instanceUrl` + `accessToken`: a session you already have (from the Salesforce CLI, a
 *   JWT bearer or client-credentials flow run elsewhere). It cannot be renewed on its own; add a
 *   refresh token or a username and password for that.
 * - `instanceUrl` + `refreshToken` + `clientId` + `clientSecret`: the OAuth refresh-token flow
 *   (preferred for jobs that run unattended).
 * - `username` + `password` (+ `securityToken`), with `loginUrl`: OAuth username-password when
 *   `clientId` and `clientSecret` are given, else the SOAP `login()` call on API 64.0 — the last
 *   version that has it; Salesforce is retiring it, so prefer the OAuth forms.
 * - `connection`: a jsforce `Connection` you made and logged in yourself.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface SalesforceOptions {
  /** The org's URL, such as `https://acme.my.salesforce.com`. */
  readonly instanceUrl?: string
  /** A session id or OAuth access token. */
  readonly accessToken?: string
  /** Where to log in (default `https://login.salesforce.com`; `https://test.salesforce.com` for sandboxes). */
  readonly loginUrl?: string
  readonly username?: string
  readonly password?: string
  /** Appended to the password, as Salesforce asks outside trusted IP ranges. */
  readonly securityToken?: string
  /** An OAuth refresh token; needs `clientId` (and usually `clientSecret`). */
  readonly refreshToken?: string
  /** The connected app's consumer key. */
  readonly clientId?: string
  /** The connected app's consumer secret. */
  readonly clientSecret?: string
  /** The REST API version of the data calls (default `65.0`). */
  readonly version?: string
  /**
   * At most this many API requests per second, shared by every stage using this connection
   * (default: no cap), to leave room in the org's quota for other integrations.
   */
  readonly maxRequestsPerSecond?: number
  /** A ready jsforce `Connection` (jsforce 3.10); the options above are then ignored. */
  readonly connection?: Connection
  /** A `.env` file to read the `SF_` variables from, at the first login (never on import). */
  readonly envFile?: string
  /** The environment to read `SF_` variables from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/**
 * Makes a connection to a Salesforce org for {@link fromSalesforce} and {@link toSalesforce}.
 * Returns at once: nothing is read, sent or checked until a source or sink first uses it, so it
 * can be built at import time and passed straight into a pipeline. A missing credential or a
 * failed login then fails that run with a message naming what is missing (secrets never appear).
 *
 * @example
 * ```ts
 * import { salesforce } from 'powerflow-etl/salesforce'
 *
 * const fromEnvironment = salesforce() // SF_INSTANCE_URL + SF_ACCESS_TOKEN, or the other forms
 * const sandbox = salesforce({
 *   loginUrl: 'https://test.salesforce.com',
 *   username: 'etl@acme.com.sandbox',
 *   password: 'secret',
 *   securityToken: 'token',
 * })
 * console.assert(fromEnvironment.version === sandbox.version)
 * ```
 *
 * @param options - credentials, or a ready jsforce Connection, and the API version
 * @returns a connection that logs in lazily
 * @category integrations
 * @since 0.2.0
 */
export function salesforce(options: SalesforceOptions | Connection = {}): SalesforceConnection {
  if (isJsforceConnection(options))
    return connectionWith({
      settings: {},
      environment: {},
      envFile: undefined,
      connection: options,
      version: undefined,
      maxRequestsPerSecond: undefined,
    })
  const { connection, envFile, env, version, maxRequestsPerSecond, ...credentials } = options
  return connectionWith({
    settings: credentials satisfies SalesforceSettings,
    environment: env ?? process.env,
    envFile,
    connection,
    version,
    maxRequestsPerSecond,
  })
}

function isJsforceConnection(value: object): value is Connection {
  return (
    typeof (value as { query?: unknown }).query === 'function' &&
    typeof (value as { request?: unknown }).request === 'function'
  )
}
