/**
 * What the command prints and how: a pipeline's logger, the report as a table and as JSON, and
 * the shutdown on signals that every command shares.
 *
 * @internal
 * @packageDocumentation
 */
import { writeFile, rename } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'
import type { RunReport } from '../core/RunReport.js'
import type { PipelineLogger } from '../pipelines/definePipeline.js'
import { summaryTable } from '../internal/progress.js'
import { jsonSafe } from '../internal/jsonSafe.js'

/**
 * A logger that prints `[name] message` lines — information on stdout, warnings and errors on
 * stderr — with a time stamp for long-running jobs.
 *
 * @internal
 */
export function consoleLogger(name: string, timestamps: boolean): PipelineLogger {
  const line = (stream: NodeJS.WriteStream, level: string, message: string): void => {
    const stamp = timestamps ? `${new Date().toISOString()} ` : ''
    stream.write(`${stamp}${level}[${name}] ${message}\n`)
  }
  return {
    info: (message) => line(process.stdout, '', message),
    warn: (message) => line(process.stderr, 'warning: ', message),
    error: (message) => line(process.stderr, 'error: ', message),
  }
}

/** The summary table and the failures, for the end of `powerflow run`. @internal */
export function reportText(report: RunReport): string {
  const failures = report.failures.map((failure) => `  - ${failure.message}\n`).join('')
  const omitted =
    report.failuresOmitted > 0 ? `  … and ${report.failuresOmitted} more failures\n` : ''
  return `${summaryTable(report)}${failures === '' ? '' : `failures:\n${failures}${omitted}`}`
}

/** The report as JSON: errors inside it as name and message. @internal */
export function reportJson(report: RunReport, redact: (text: string) => string): string {
  const json = JSON.stringify(
    jsonSafe(report),
    (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message } : value,
    2,
  )
  return redact(`${json}\n`)
}

/** Writes `text` to `path` through a temporary file, so the file is whole or absent. @internal */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  await writeFile(temporary, text)
  await rename(temporary, path)
}

/**
 * Calls `stop` on the first SIGINT or SIGTERM; a second one exits at once (130 after SIGINT, 143
 * after SIGTERM). Returns the signal that came first, if any, as a getter.
 *
 * @internal
 */
export function onShutdown(
  stop: (signal: NodeJS.Signals) => void,
): () => NodeJS.Signals | undefined {
  let received: NodeJS.Signals | undefined
  const handle = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      process.stderr.write(`\n${signal} again: exiting now\n`)
      process.exit(signal === 'SIGINT' ? 130 : 143)
    }
    received = signal
    stop(signal)
  }
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
  return () => received
}

/** The exit code after a signal, for a command that stopped cleanly. @internal */
export function signalExitCode(signal: NodeJS.Signals | undefined): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 0
}
