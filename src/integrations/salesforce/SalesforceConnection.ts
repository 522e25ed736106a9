/**
 * A Salesforce org to read from and write to, made by {@link salesforce}. It logs in lazily, on
 * the first request of the first source or sink that uses it, and then shares the session: pass
 * one connection to every stage that talks to the same org.
 *
 * When a request answers 401 `INVALID_SESSION_ID`, the session is refreshed once (OAuth refresh
 * token, or a new login with the username and password) and the request is sent again; a second
 * 401 is an error that says so. Its figures go to the run report's `salesforce` section.
 *
 * @example
 * ```ts
 * import { salesforce } from 'powerflow-etl/salesforce'
 *
 * // Nothing is sent yet: the connection logs in when a source or sink first uses it.
 * const org = salesforce({ instanceUrl: 'https://example.my.salesforce.com', accessToken: '00D…' })
 * console.assert(org.version === '65.0')
 * ```
 *
 * @category integrations
 * @since 0.2.0
 */
export class SalesforceConnection {
  /** @internal */
  constructor(
    /** The REST API version of the data calls, such as `65.0`. */
    readonly version: string,
  ) {}
}
