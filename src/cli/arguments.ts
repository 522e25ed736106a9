/**
 * Command-line arguments: `node:util` `parseArgs` with errors a person can act on — an unknown
 * flag names the closest known one — and the value types the commands share (durations,
 * `key=value` parameters).
 *
 * @internal
 * @packageDocumentation
 */
import type { ParseArgsConfig } from 'node:util'

/** A usage or configuration error: the command prints it and exits with 2. @internal */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The options every command that runs a pipeline takes. @internal */
export const PIPELINE_OPTIONS = {
  param: { type: 'string', short: 'p', multiple: true },
  'env-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>

/**
 * A `parseArgs` error as a usage error that says what to do: an unknown flag names the closest
 * known one.
 *
 * @internal
 */
export function usageErrorOf(
  command: string,
  error: unknown,
  options: Readonly<Record<string, unknown>>,
): UsageError {
  const message = error instanceof Error ? error.message : String(error)
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1]
  if (unknown !== undefined) {
    const closest = closestOption(unknown.replace(/^-+/, ''), Object.keys(options))
    return new UsageError(
      `unknown option ${unknown}${closest === undefined ? '' : ` (did you mean --${closest}?)`}; see powerflow ${command} --help`,
    )
  }
  return new UsageError(`${message.replace(/\.$/, '')}; see powerflow ${command} --help`)
}

function closestOption(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of known) {
    const distance = editDistance(given, name)
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(2, Math.floor(given.length / 3)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i]
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      )
    }
    previous = current
  }
  return previous[b.length] ?? Infinity
}

/** `--param key=value …` as a record; a value may itself hold `=`. @internal */
export function parseParams(values: readonly string[] | undefined): Record<string, string> {
  const params: Record<string, string> = {}
  for (const value of values ?? []) {
    const equals = value.indexOf('=')
    if (equals <= 0)
      throw new UsageError(
        `--param expects key=value, got "${value}" (e.g. --param since=2026-01-01)`,
      )
    params[value.slice(0, equals)] = value.slice(equals + 1)
  }
  return params
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

/** A duration such as `30s`, `500ms`, `2m` or `1h` (a bare number is seconds), in ms. @internal */
export function parseDuration(flag: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  if (match === null)
    throw new UsageError(`--${flag} expects a duration such as 30s, 500ms or 2m, got "${value}"`)
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1_000))
}

/** The one positional argument, the pipeline file. @internal */
export function pipelineFile(command: string, positionals: readonly string[]): string {
  if (positionals.length === 0)
    throw new UsageError(
      `powerflow ${command} needs a pipeline file; see powerflow ${command} --help`,
    )
  if (positionals.length > 1)
    throw new UsageError(
      `powerflow ${command} takes one pipeline file, got ${positionals.length}: ${positionals.join(' ')}`,
    )
  return positionals[0] ?? ''
}
