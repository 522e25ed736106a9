import type { RunReport } from './RunReport.js'

/**
 * The report of {@link fanOut}, {@link route} and {@link partition}: the run's report plus one full
 * report per branch under `branches`.
 *
 * How the figures add up: the top level counts each source record once (`read`). A record that
 * entered at least one branch counts as `written` at the top level once every branch it entered
 * has settled it (delivered to the graph); a record no branch takes is `dropped` with reason
 * `unrouted`; a record that failed before the branches counts as `failed`. Each branch's report
 * adds up on its own: its `read` is the number of records that entered it, and what it made of
 * them (written, dropped, failed…) is there. A record is counted in every branch it entered, so
 * the branches' `read` add up to the top-level `written` for `route` and `partition` (one branch
 * each) and to `written × branches` for `fanOut`, when the run completes. The top-level `failures`
 * list the branches' failures too, each with `details.branch` naming its branch.
 *
 * @category core
 * @since 0.2.0
 */
export type BranchesReport<K extends string = string> = RunReport & {
  readonly branches: Readonly<Record<K, RunReport>>
}
