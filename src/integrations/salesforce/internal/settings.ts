/**
 * The settings of a Salesforce connection: the options the user passed, each falling back to its
 * `SF_` environment variable (and to a `.env` file, read only when the user names one).
 *
 * @internal
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises'
import { parseEnv } from 'node:util'

/** Credentials and places, each optional until the form of the connection is decided. @internal */
export interface SalesforceSettings {
  readonly instanceUrl?: string
  readonly accessToken?: string
  readonly loginUrl?: string
  readonly username?: string
  readonly password?: string
  readonly securityToken?: string
  readonly refreshToken?: string
  readonly clientId?: string
  readonly clientSecret?: string
  readonly version?: string
}

/** The environment variable behind each setting. @internal */
export const ENVIRONMENT_VARIABLES: { readonly [K in keyof SalesforceSettings]-?: string } = {
  instanceUrl: 'SF_INSTANCE_URL',
  accessToken: 'SF_ACCESS_TOKEN',
  loginUrl: 'SF_LOGIN_URL',
  username: 'SF_USERNAME',
  password: 'SF_PASSWORD',
  securityToken: 'SF_SECURITY_TOKEN',
  refreshToken: 'SF_REFRESH_TOKEN',
  clientId: 'SF_CLIENT_ID',
  clientSecret: 'SF_CLIENT_SECRET',
  version: 'SF_API_VERSION',
}

/**
 * Each setting from `given`, else from the `.env` file (when named), else from `environment`.
 * A missing or unreadable file is an error naming it.
 *
 * @internal
 */
export async function resolveSettings(
  given: SalesforceSettings,
  environment: Readonly<Record<string, string | undefined>>,
  envFile: string | undefined,
): Promise<SalesforceSettings> {
  let fromFile: Readonly<Record<string, string | undefined>> = {}
  if (envFile !== undefined) {
    let text: string
    try {
      text = await readFile(envFile, 'utf8')
    } catch (error) {
      const code = (error as { code?: string }).code
      throw new Error(
        `salesforce(): cannot read the envFile ${envFile}${code === undefined ? '' : ` (${code})`}`,
        { cause: error },
      )
    }
    fromFile = parseEnv(text)
  }
  const settings: Record<string, string> = {}
  for (const [key, variable] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value =
      given[key as keyof SalesforceSettings] ?? fromFile[variable] ?? environment[variable]
    if (value !== undefined && value !== '') settings[key] = value
  }
  return settings
}
