import type { RunReport } from '../../core/RunReport.js'
import type { Task } from './Task.js'

/**
 * What a task's pipeline is given besides its task.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface TaskContext {
  /**
   * The task's part file: the pipeline's file sink writes here (`toCsv(context.output)`), and the
   * part files are joined in task order into the job's output once every task has settled.
   */
  readonly output: string
  /** Aborts the task's run (the job stopped): pass it to the sink as its `signal`. */
  readonly signal: AbortSignal
  /** The worker running the task: `thread-1`, or a NATS worker's name. */
  readonly worker: string
}

/**
 * The pipeline of a task: runs it once and resolves to its run's report, as a sink does. A job
 * module exports it as `build`; workers (threads or processes) load the module, so that every
 * worker runs the same code.
 *
 * @category distributed
 * @since 0.2.0
 */
export type TaskBuild<T extends Task = Task> = (task: T, context: TaskContext) => Promise<RunReport>
