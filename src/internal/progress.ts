/**
 * Opt-in progress on stderr: a live line on a TTY, plain periodic lines elsewhere, and a summary
 * table when the run ends.
 *
 * @internal
 * @packageDocumentation
 */
import type { RunReport } from '../core/RunReport.js'
import type { RunOptions } from '../core/RunOptions.js'
import type { RunContext } from './run/RunContext.js'

/** @internal */
export interface ProgressHandle {
  stop(report: RunReport): void
}

const NONE: ProgressHandle = { stop: () => undefined }

/** @internal */
export function startProgress(run: RunContext, setting: RunOptions['progress']): ProgressHandle {
  if (setting === undefined || setting === false) return NONE
  const config = typeof setting === 'object' ? setting : {}
  const stream = (config.stream ?? process.stderr) as NodeJS.WritableStream & { isTTY?: boolean }
  const live = stream.isTTY === true
  const intervalMs = config.intervalMs ?? (live ? 200 : 5_000)
  const started = performance.now()
  const line = (): string => {
    const seconds = (performance.now() - started) / 1000
    const rate = seconds > 0 ? Math.round(run.read / seconds) : 0
    return (
      `${run.settings.name}: read ${run.read.toLocaleString('en-US')} · written ${run.written.toLocaleString('en-US')}` +
      ` · failed ${run.failed.toLocaleString('en-US')} · ${rate.toLocaleString('en-US')} rec/s · ${seconds.toFixed(1)} s`
    )
  }
  // Progress is an observer: a stream that fails (a closed pipe: EPIPE) stops the progress
  // output, never the run, and never crashes the process with an unhandled 'error' event.
  let broken = false
  const onError = (): void => {
    broken = true
    clearInterval(timer)
  }
  stream.on('error', onError)
  const write = (text: string, written?: () => void): void => {
    if (broken) {
      written?.()
      return
    }
    try {
      stream.write(text, () => written?.())
    } catch {
      onError()
      written?.()
    }
  }
  const timer = setInterval(() => {
    write(live ? `\r\x1b[2K${line()}` : `${line()}\n`)
  }, intervalMs)
  timer.unref()
  return {
    stop(report) {
      clearInterval(timer)
      if (live) write('\r\x1b[2K')
      // A write's error event follows its callback on the same turn: let go of the listener after.
      const release = (): void => {
        setImmediate(() => stream.removeListener('error', onError))
      }
      if (config.summary === false) release()
      else write(summaryTable(report), release)
    },
  }
}

/**
 * The end-of-run summary: totals, then one row per stage, with the time the stage itself was busy
 * (`busyMs`) beside its wall time from subscription to completion (`wallMs`). @internal
 */
export function summaryTable(report: RunReport): string {
  const reasons = Object.entries(report.droppedByReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ')
  const totals =
    `${report.name} ${report.status} in ${(report.durationMs / 1000).toFixed(2)} s — ` +
    `read ${report.read}, created ${report.created}, written ${report.written}, ` +
    `dropped ${report.dropped}${reasons === '' ? '' : ` (${reasons})`}, merged ${report.merged}, failed ${report.failed}\n`
  const header = [
    'stage',
    'in',
    'out',
    'dropped',
    'failed',
    'created',
    'merged',
    'busy ms',
    'wall ms',
  ]
  const rows = report.stages.map((stage) => [
    stage.name,
    String(stage.in),
    String(stage.out),
    String(stage.dropped),
    String(stage.failed),
    String(stage.created),
    String(stage.merged),
    stage.busyMs === undefined ? '-' : String(stage.busyMs),
    String(stage.wallMs),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
  return `${totals}${[header, ...rows].map(format).join('\n')}\n`
}
