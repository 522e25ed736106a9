/**
 * Where a file sink writes, from its target and public options: a file path (with `append`,
 * `fsync`, `gzip`) or a Writable stream, and the stage name that shows it.
 *
 * @internal
 * @packageDocumentation
 */
import { basename } from 'node:path'
import type { Writable } from 'node:stream'
import type { FileOutputOptions } from './fileOutput.js'

/** @internal */
export interface FileSinkSettings extends FileOutputOptions {
  /** The target as the user gave it (for a stream: what to call it). */
  readonly path: string
  /** Write to this stream instead of a file. */
  readonly stream?: Writable
  /** End the stream when the run completes. */
  readonly endStream?: boolean
  /** The format can save its state: the sink can take part in checkpoints. */
  readonly checkpointable?: boolean
}

/**
 * The settings of a file sink from its public options: gzip by the `.gz` extension unless the
 * options say otherwise.
 *
 * @internal
 */
export function fileSinkSettings(
  stage: string,
  path: string,
  options: { readonly append?: boolean; readonly fsync?: boolean; readonly gzip?: boolean },
): FileSinkSettings {
  return {
    stage,
    path,
    ...(options.append === undefined ? {} : { append: options.append }),
    ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
    gzip: options.gzip ?? path.endsWith('.gz'),
  }
}

/** The options of a file sink that {@link sinkTarget} reads. @internal */
export interface SinkTargetOptions {
  readonly append?: boolean
  readonly fsync?: boolean
  readonly gzip?: boolean
  readonly end?: boolean
}

/**
 * The stage name and settings of a file sink for its target: a path (stage `toCsv out.csv`), or a
 * Writable (stage `toCsv stdout`, `toCsv out.csv` for a file stream, else `toCsv stream`). A
 * stream takes no `append`, `gzip` or `fsync` (a TypeError naming them); it is ended when the run
 * is over unless `end` is false — never when it is stdout or stderr.
 *
 * @internal
 */
export function sinkTarget(
  sink: string,
  target: string | Writable,
  options: SinkTargetOptions,
): { readonly stage: string; readonly settings: FileSinkSettings } {
  if (typeof target === 'string') {
    const stage = `${sink} ${basename(target)}`
    return { stage, settings: fileSinkSettings(stage, target, options) }
  }
  if (typeof target !== 'object' || target === null || typeof target.write !== 'function')
    throw new TypeError(`${sink}: the target must be a file path or a Writable stream`)
  const standard =
    target === process.stdout ? 'stdout' : target === process.stderr ? 'stderr' : undefined
  const path = (target as { path?: unknown }).path
  const label =
    standard ??
    (typeof path === 'string' ? path : Buffer.isBuffer(path) ? path.toString() : 'stream')
  const stage = `${sink} ${standard ?? (label === 'stream' ? label : basename(label))}`
  const unusable = (['append', 'gzip', 'fsync'] as const).filter(
    (name) => options[name] !== undefined,
  )
  if (unusable.length > 0)
    throw new TypeError(
      `${stage}: ${unusable.join(', ')} apply to files, not to a stream (pipe the stream through zlib.createGzip() to gzip it)`,
    )
  return {
    stage,
    settings: {
      stage,
      path: label,
      stream: target,
      endStream: standard === undefined && options.end !== false,
    },
  }
}
