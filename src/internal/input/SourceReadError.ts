/**
 * The error a text source fails its run with when its input cannot be opened or read, worded
 * the same way for every source: `<stage>: cannot open <path>: no such file (ENOENT)`.
 *
 * @internal
 * @packageDocumentation
 */

/** @internal */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError'
}

const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EMFILE: 'too many open files',
}

/** Why a path cannot be read, in a few words, from a Node system error. @internal */
export function describeSystemError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') return `${SYSTEM_ERRORS[code] ?? 'system error'} (${code})`
  return error instanceof Error ? error.message : String(error)
}

/** A file that cannot be opened: `<stage>: cannot open <path>: <why>`. @internal */
export function cannotOpen(stage: string, path: string, error: unknown): SourceReadError {
  return new SourceReadError(`${stage}: cannot open ${path}: ${describeSystemError(error)}`, {
    cause: error,
  })
}

/** An input that cannot be read on: `<stage>: cannot read <where>: <why>`. @internal */
export function cannotRead(
  stage: string,
  where: string,
  why: string,
  cause?: unknown,
): SourceReadError {
  return new SourceReadError(
    `${stage}: cannot read ${where}: ${why}`,
    cause === undefined ? undefined : { cause },
  )
}
