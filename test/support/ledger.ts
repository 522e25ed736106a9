/**
 * Shared checks of the tests: the ledger adds up, the run left nothing behind.
 */
import { readdir, readFile } from 'node:fs/promises'
import { expect } from 'vitest'
import type { RunReport } from '../../src/core/RunReport.js'
import type { DeadLetterRecord } from '../../src/policies/deadLetter.js'

/**
 * The run's books balance: every record read or created has exactly one outcome, and every
 * stage's too. Records lost in a plain rxjs operator (`unaccounted`) fail the check unless a test
 * is about them.
 */
export function expectBalanced(
  report: RunReport,
  options: { readonly allowUnaccounted?: boolean } = {},
): void {
  expect(report.read + report.created, 'read + created').toBe(
    report.written + report.dropped + report.merged + report.failed,
  )
  const byReason = Object.values(report.droppedByReason).reduce((sum, n) => sum + n, 0)
  expect(byReason, 'droppedByReason sums to dropped').toBe(report.dropped)
  if (options.allowUnaccounted !== true)
    expect(report.droppedByReason['unaccounted'], 'unaccounted records').toBeUndefined()
  for (const value of [report.read, report.written, report.dropped, report.failed]) {
    expect(value).toBeGreaterThanOrEqual(0)
  }
  if (report.status === 'completed') {
    expect(report.droppedByReason['aborted'], 'aborted records in a completed run').toBeUndefined()
  }
  for (const stage of report.stages)
    expect(stage.in + stage.created, `stage ${stage.name} (${report.status})`).toBe(
      stage.out + stage.dropped + stage.merged + stage.failed,
    )
}

/** The rejection of a run (or the report it resolved with). */
export async function settle(
  run: Promise<RunReport>,
): Promise<{ report: RunReport; error?: Error & { report?: RunReport } }> {
  try {
    return { report: await run }
  } catch (caught) {
    const error = caught as Error & { report?: RunReport }
    if (error.report === undefined) throw error
    return { report: error.report, error }
  }
}

/** The error a run rejected with; fails the test if the run resolved. */
export async function rejection(
  run: Promise<unknown>,
): Promise<Error & { report?: RunReport; failure?: { _tag: string } }> {
  try {
    await run
  } catch (error) {
    return error as Error & { report?: RunReport; failure?: { _tag: string } }
  }
  throw new Error('expected the run to reject')
}

/** Open file descriptors of this process. */
export async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length
}

/** Active handles by kind (timers, sockets, file handles), without the ones vitest keeps. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

/** Waits until `check` holds, polling the event loop a bounded number of times. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  tries = 200,
): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * The records of a dead-letter NDJSON file. With `missingIsEmpty`, a file that was never written
 * (a run that stopped before its dead-letter sink opened) reads as none.
 */
export async function readDeadLetters(
  path: string,
  options: { readonly missingIsEmpty?: boolean } = {},
): Promise<DeadLetterRecord[]> {
  const read = readFile(path, 'utf8')
  const text = options.missingIsEmpty === true ? await read.catch(() => '') : await read
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DeadLetterRecord)
}

/**
 * The run report's equation holds: read + created = written + dropped + merged + failed (the
 * stages and the reasons are not checked, unlike {@link expectBalanced}).
 */
export function expectReportEquation(report: RunReport): void {
  expect(report.read + report.created).toBe(
    report.written + report.dropped + report.merged + report.failed,
  )
}
