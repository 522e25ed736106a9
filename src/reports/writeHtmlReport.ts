import type { RunReport } from '../core/RunReport.js'
import { reportPage } from '../internal/html/page.js'
import { writeFileAtomically } from '../internal/writeFileAtomically.js'

/**
 * The run report as one self-contained HTML page: status, counts and the report's identity
 * `read + created = written + dropped + merged + failed`; the stages as a flow diagram with the
 * records that passed along each edge (and each branch's stages, when the run has branches);
 * throughput over time and where the time went; dropped records by reason; failures by kind and
 * by stage, with the first failures in a table (messages as the report has them: already
 * redacted); and each `profile()` stage's columns with a histogram or top-values chart.
 *
 * Styles are inline and charts are inline SVG: the page loads nothing, runs no script, and prints
 * as it shows.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, filter, toArray, renderHtmlReport } from 'powerflow-etl'
 *
 * const report = await pipe(fromGenerator([1, 2, 3]), filter((n) => n > 1), toArray())
 * const html = renderHtmlReport(report)
 * console.assert(html.startsWith('<!doctype html>') && html.includes('adds up'))
 * ```
 *
 * @param report - a run's report
 * @returns the HTML document
 * @see {@link writeHtmlReport} to write it to a file
 * @category reports
 * @since 0.2.0
 */
export function renderHtmlReport(report: RunReport): string {
  return reportPage(report)
}

/**
 * Writes {@link renderHtmlReport}'s page to `path`, atomically: a temporary file beside it, then
 * a rename, so the file is complete or absent. Rejects when the file cannot be written.
 *
 * @example
 * ```ts
 * import { mkdtemp, readFile } from 'node:fs/promises'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { pipe, fromGenerator, profile, toArray, writeHtmlReport } from 'powerflow-etl'
 *
 * const report = await pipe(fromGenerator([{ amount: 5 }, { amount: 7 }]), profile(), toArray())
 * const path = join(await mkdtemp(join(tmpdir(), 'report-')), 'run.html')
 * await writeHtmlReport(report, path)
 * console.assert((await readFile(path, 'utf8')).includes('data-column="amount"'))
 * ```
 *
 * @param report - a run's report
 * @param path - the file to write
 * @category reports
 * @since 0.2.0
 */
export async function writeHtmlReport(report: RunReport, path: string): Promise<void> {
  try {
    await writeFileAtomically(path, reportPage(report))
  } catch (error) {
    throw new Error(`writeHtmlReport ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
}
