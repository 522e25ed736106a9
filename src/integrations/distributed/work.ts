import { hostname } from 'node:os'
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream'
import { loadNatsClient } from './internal/natsClient.js'
import {
  decodeJson,
  encodeJson,
  jobNames,
  serverList,
  sleep,
  type JobNames,
  type TaskMessage,
} from './internal/natsJob.js'
import type { Task } from './Task.js'
import type { TaskBuild } from './TaskBuild.js'

/**
 * Options of {@link work}.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface WorkOptions<T extends Task> {
  /** The NATS server(s), such as `nats://127.0.0.1:4222` (JetStream enabled). */
  readonly nats: string | readonly string[]
  /** The job to work for, as named by its coordinator. */
  readonly job: string
  /** The pipeline of a task; its file sink writes to `context.output`. */
  readonly build: TaskBuild<T>
  /** This worker's name in reports (default `<host>-<pid>`). */
  readonly name?: string
  /** How often a running task tells NATS it is alive (default: a third of the job's ack wait). */
  readonly heartbeatMs?: number
  /** How long to wait between looks for the job, and between empty pulls (default 1 s). */
  readonly pollMs?: number
  /**
   * How long to wait for a job that does not exist yet (default: for ever, as a worker may start
   * long before its coordinator). A worker cannot tell a job not yet started from one already
   * over (its coordinator deleted its streams): after this wait it rejects, naming the job.
   */
  readonly waitForJobMs?: number
  /** Delay before a failed task is offered again (default 1 s). */
  readonly retryDelayMs?: number
  /** Stops the worker after its current task (which is not acked, so it is redelivered). */
  readonly signal?: AbortSignal
}

/**
 * What a worker did.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface WorkSummary {
  readonly worker: string
  /** Tasks run to completion and acked. */
  readonly completed: number
  /** Task runs that failed (offered again, or dead-lettered on their last delivery). */
  readonly failed: number
}

interface Running {
  readonly client: JetStreamClient
  readonly names: JobNames
  readonly worker: string
  readonly heartbeatMs: number
  readonly retryDelayMs: number
  readonly signal: AbortSignal
}

/** Runs one task message; acks only after its report is stored in the events stream. */
async function runOne<T extends Task>(
  message: JsMsg,
  build: TaskBuild<T>,
  running: Running,
): Promise<boolean> {
  const { client, names, worker } = running
  const { task, output, maxDeliver } = decodeJson<TaskMessage>(message.data)
  const deliveries = message.info.deliveryCount
  // The consumer's one extra delivery: the worker of the last run died without a word.
  if (deliveries > maxDeliver) {
    await deadLetter(
      message,
      running,
      task.id,
      deliveries - 1,
      'its worker stopped during its last run',
    )
    return false
  }
  const heartbeat = setInterval(() => message.working(), running.heartbeatMs)
  try {
    const report = await build(task as T, { output, signal: running.signal, worker })
    if (report.status !== 'completed')
      throw new Error(`its run ended ${report.status}: ${report.failures[0]?.message ?? ''}`)
    await client.publish(names.done, encodeJson({ id: task.id, worker, deliveries, report }), {
      msgID: `${task.id}/done`,
    })
    await message.ackAck()
    return true
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    // Stopped, not failed: offered again at once, and never dead-lettered for it.
    if (running.signal.aborted) message.nak()
    else if (deliveries >= maxDeliver)
      await deadLetter(message, running, task.id, deliveries, reason)
    else message.nak(running.retryDelayMs)
    return false
  } finally {
    clearInterval(heartbeat)
  }
}

/** Publishes the task's failure on the dead-letter subject, then ends the message. */
async function deadLetter(
  message: JsMsg,
  running: Running,
  id: string,
  deliveries: number,
  reason: string,
): Promise<void> {
  const event = { id, worker: running.worker, deliveries, error: reason }
  try {
    await running.client.publish(running.names.dead, encodeJson(event), { msgID: `${id}/dead` })
    message.term(reason)
  } catch {
    // Not stored: offered again, so that the next delivery dead-letters it.
    message.nak(running.retryDelayMs)
  }
}

function jobNotFound(job: string, waitedMs: number | undefined): Error {
  return new Error(
    `work: job "${job}" did not appear within ${waitedMs} ms (waitForJobMs): ` +
      'its coordinator has not started, or the job is already over',
  )
}

/**
 * A worker of a job run by {@link coordinate}: pulls one task at a time from the job's durable
 * consumer, runs its pipeline (`build`, the same code a single process runs), and acks the task
 * only once the run has settled, its output is committed (the sink resolved: pass `fsync: true`
 * to file sinks for power-loss durability) and its report is stored. While a task runs, the
 * worker sends heartbeats so a long task is not redelivered; a worker that dies holding a task
 * (even SIGKILL) stops them, and NATS hands the task to another worker after the ack wait.
 *
 * A task whose run rejects or does not complete is offered again after `retryDelayMs`; on its
 * `maxDeliver`th delivery its failure goes to the dead-letter subject `powerflow.<job>.dead` and
 * the message is terminated (a delivery after the `maxDeliver`th, when the worker of the last run
 * died, is dead-lettered without running). A worker may start before its coordinator: it waits for
 * the job, for ever by default, or `waitForJobMs` and then rejects naming the job (a job already
 * over looks the same as one not started yet).
 * It resolves when the job is over (its coordinator deleted the job's streams) or on `signal`;
 * rejects when NATS cannot be reached.
 *
 * @example
 * ```ts
 * // @snippet compile-only (needs a NATS server with JetStream)
 * import { fromCsv, pipe, toCsv } from 'powerflow-etl'
 * import { work, type FileTask } from 'powerflow-etl/distributed'
 *
 * const summary = await work<FileTask>({
 *   nats: 'nats://127.0.0.1:4222',
 *   job: 'nightly-exports',
 *   build: (task, context) =>
 *     pipe(fromCsv(task.path), toCsv(context.output, { fsync: true, signal: context.signal })),
 * })
 * console.log(`${summary.worker}: ${summary.completed} tasks`)
 * ```
 *
 * @param options - server, job, pipeline; see {@link WorkOptions}
 * @returns what this worker did
 * @see coordinate
 * @category distributed
 * @since 0.2.0
 */
export async function work<T extends Task>(options: WorkOptions<T>): Promise<WorkSummary> {
  const names = jobNames(options.job)
  const worker = options.name ?? `${hostname()}-${process.pid}`
  const pollMs = options.pollMs ?? 1000
  const signal = options.signal ?? new AbortController().signal
  const nats = await loadNatsClient('work')
  const connection = await nats.transport.connect({ servers: serverList(options.nats) })
  let completed = 0
  let failed = 0
  try {
    const client = nats.jetstream.jetstream(connection)
    let consumer: Consumer | undefined
    let started = false
    const giveUpAt = performance.now() + (options.waitForJobMs ?? Infinity)
    while (!signal.aborted) {
      if (consumer === undefined) {
        try {
          consumer = await client.consumers.get(names.tasksStream, names.consumer)
          started = true
        } catch {
          // Not created yet (or deleted: the job is over).
          if (started) break
          if (performance.now() >= giveUpAt) throw jobNotFound(options.job, options.waitForJobMs)
          await sleep(Math.min(pollMs, Math.max(0, giveUpAt - performance.now())), signal)
          continue
        }
      }
      const info = await consumer.info(false).catch(() => undefined)
      if (info === undefined) {
        consumer = undefined
        continue
      }
      const message = await consumer.next({ expires: Math.max(pollMs, 1000) }).catch(() => null)
      if (message === null) continue
      const ok = await runOne(message, options.build, {
        client,
        names,
        worker,
        heartbeatMs:
          options.heartbeatMs ??
          Math.max(100, (info.config.ack_wait ?? 30_000_000_000) / 3_000_000),
        retryDelayMs: options.retryDelayMs ?? 1000,
        signal,
      })
      if (ok) completed++
      else failed++
    }
  } finally {
    await connection.close()
  }
  return { worker, completed, failed }
}
