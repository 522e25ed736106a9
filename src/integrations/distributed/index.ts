/**
 * `powerflow-etl/distributed`: the same pipeline on many threads or machines. Split the input into
 * small task descriptors (`splitFiles`, `splitFile` for files; `splitTimeRange` for Salesforce and
 * HubSpot windows; `splitPages` for paged HTTP APIs), then run every task with the same pipeline:
 * on the worker threads of one machine (`runTasks`), or on workers anywhere that reach NATS
 * JetStream (`coordinate` and `work`), with per-task part files joined in task order into the
 * output a single run would write, and one merged report.
 *
 * @packageDocumentation
 * @module powerflow-etl/distributed
 */
export type { Task, FileTask, RangeTask } from './Task.js'
export { splitFiles } from './splitFiles.js'
export { splitFile, type SplitFileOptions } from './splitFile.js'
export { runTasks, type RunTasksOptions } from './runTasks.js'
export { startTaskThreads, type TaskThreads, type TaskThreadsOptions } from './startTaskThreads.js'
export type { TaskBuild, TaskContext } from './TaskBuild.js'
export type { JobReport, JobStartup, TaskOutcome, WorkerTotals } from './JobReport.js'
export { coordinate, type CoordinateOptions } from './coordinate.js'
export { work, type WorkOptions, type WorkSummary } from './work.js'
export { splitTimeRange, type SplitTimeRangeOptions } from './splitTimeRange.js'
export { splitPages, type SplitPagesOptions } from './splitPages.js'
export type { TimeRangeTask, PageRangeTask } from './Task.js'
