/**
 * The command's environment: `--env-file` loaded with Node's own loader, and everything the
 * process prints passed through the redaction — secrets from the environment file, secret-looking
 * variables, credentials in URL-valued variables and secret-looking `--param` values become `***`.
 *
 * @internal
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { isSecretHeader, Redactor } from '../internal/redact.js'
import { UsageError } from './arguments.js'

/**
 * Loads `path` into `process.env` (variables already set win, as with `node --env-file`) and
 * returns what the file holds, for the redaction.
 *
 * @internal
 */
export function loadEnvFile(path: string | undefined): Record<string, string> {
  if (path === undefined) return {}
  if (!existsSync(path)) throw new UsageError(`--env-file ${path}: no such file`)
  let values: Record<string, string>
  try {
    values = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>
    process.loadEnvFile(path)
  } catch (error) {
    throw new UsageError(
      `--env-file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  return values
}

/**
 * A redaction of every secret the command knows of: every value of the environment file (it is
 * where credentials live), variables whose name says secret (`*_TOKEN`, `*_PASSWORD`, `*_KEY`, …),
 * credentials inside URL-valued variables, and `--param` values whose name says secret.
 *
 * @internal
 */
export function outputRedaction(
  envFile: Readonly<Record<string, string>>,
  params: Readonly<Record<string, string>>,
): (text: string) => string {
  const secrets: string[] = Object.values(envFile)
  const forUrls: Redactor[] = []
  const secretName = (name: string): boolean =>
    isSecretHeader(name) || /credential|private[-_]?key|passwd|dsn/i.test(name)
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue
    if (secretName(name)) secrets.push(value)
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) forUrls.push(Redactor.forRequest(value))
  }
  for (const [name, value] of Object.entries(params)) if (secretName(name)) secrets.push(value)
  const redactors = [new Redactor(secrets), ...forUrls]
  return (text) => redactors.reduce((out, redactor) => redactor.text(out), text)
}

/**
 * Routes everything written to stdout and stderr — the command's lines, the pipeline's own
 * `console.log`, progress — through `redact`.
 *
 * @internal
 */
export function redactOutput(redact: (text: string) => string): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk).toString('utf8')
            : chunk
      return write(typeof text === 'string' ? redact(text) : text, ...rest)
    }) as typeof stream.write
  }
}
