/**
 * Credentials written into a URL (`https://user:password@host/…`): undici sends only the path, so
 * every HTTP stage turns them into a Basic `Authorization` header, the same way.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * The `Basic …` header value for the user and password of `url`, or `undefined` when it has none.
 * A user name alone (an API key given as `https://sk_live_…:@host/`) gives `key:` as user agents do.
 *
 * @internal
 */
export function basicAuthorizationOf(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined
  const credentials = `${decodeLenient(url.username)}:${decodeLenient(url.password)}`
  return `Basic ${Buffer.from(credentials).toString('base64')}`
}

/**
 * `headers` with an `authorization` header from the URL's credentials added, unless the user gave
 * one (any case) already.
 *
 * @internal
 */
export function withUrlCredentials(
  url: URL,
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  const basic = basicAuthorizationOf(url)
  const given = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')
  return basic === undefined || given ? { ...headers } : { ...headers, authorization: basic }
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
