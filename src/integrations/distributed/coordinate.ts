import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { RunReport } from '../../core/RunReport.js'
import { mergeReports } from './internal/mergeReports.js'
import { loadNatsClient, type NatsClient } from './internal/natsClient.js'
import {
  decodeJson,
  encodeJson,
  jobNames,
  serverList,
  type JobNames,
  type TaskEvent,
} from './internal/natsJob.js'
import { joinParts, partPath, partsFolder } from './internal/partFiles.js'
import type { JobReport, TaskOutcome } from './JobReport.js'
import type { Task } from './Task.js'

/**
 * Options of {@link coordinate}.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface CoordinateOptions<T extends Task> {
  /** The NATS server(s), such as `nats://127.0.0.1:4222` (JetStream enabled). */
  readonly nats: string | readonly string[]
  /** The job's name, shared with its workers: letters, digits, `_` and `-`. */
  readonly job: string
  /** The tasks, in output order. */
  readonly tasks: readonly T[]
  /** The job's output file; part files go beside it, so workers must see this folder. */
  readonly output: string
  /** Deliveries of a task before it goes to the dead-letter subject (default 3). */
  readonly maxDeliver?: number
  /** How long a worker may hold a task without a heartbeat before it is redelivered (default 30 s). */
  readonly ackWaitMs?: number
  /** Whether parts are CSV files with the same header row, kept once (default: `.csv` output). */
  readonly csvHeader?: boolean
  /** The CSV delimiter of the parts (default `,`). */
  readonly delimiter?: string
  /** Keep the job's streams after the job (default `false`: they are deleted). */
  readonly keepStreams?: boolean
  /** Stops waiting: the job ends `aborted`, nothing is committed, the streams are kept. */
  readonly signal?: AbortSignal
}

async function ensureJob(
  { jetstream: { AckPolicy, RetentionPolicy } }: NatsClient,
  manager: JetStreamManager,
  names: JobNames,
  maxDeliver: number,
  ackWaitMs: number,
): Promise<void> {
  const ensureStream = async (name: string, subjects: string[], workQueue: boolean) => {
    try {
      await manager.streams.info(name)
    } catch {
      await manager.streams.add({
        name,
        subjects,
        ...(workQueue ? { retention: RetentionPolicy.Workqueue } : {}),
      })
    }
  }
  await ensureStream(names.tasksStream, [names.tasks], true)
  await ensureStream(names.eventsStream, [names.done, names.dead], false)
  await manager.consumers.add(names.tasksStream, {
    durable_name: names.consumer,
    ack_policy: AckPolicy.Explicit,
    max_deliver: maxDeliver + 1,
    ack_wait: ackWaitMs * 1_000_000,
  })
}

async function enqueue(
  client: JetStreamClient,
  names: JobNames,
  job: string,
  tasks: readonly Task[],
  output: string,
  maxDeliver: number,
): Promise<void> {
  for (const task of tasks)
    // The message id makes a restarted coordinator's second publish a no-op (within 2 minutes).
    await client.publish(
      names.tasks,
      encodeJson({ task, output: partPath(output, task.id), maxDeliver }),
      {
        msgID: `${job}/${task.id}`,
      },
    )
}

/** Reads the events stream from its start until every task has an outcome. */
async function awaitOutcomes(
  client: JetStreamClient,
  names: JobNames,
  tasks: readonly Task[],
  signal: AbortSignal | undefined,
): Promise<Map<string, TaskEvent & { readonly dead: boolean }>> {
  const wanted = new Set(tasks.map((task) => task.id))
  const events = new Map<string, TaskEvent & { readonly dead: boolean }>()
  const consumer = await client.consumers.get(names.eventsStream)
  const messages = await consumer.consume()
  const stop = (): void => void messages.stop()
  signal?.addEventListener('abort', stop, { once: true })
  try {
    for await (const message of messages) {
      const event = decodeJson<TaskEvent>(message.data)
      if (wanted.has(event.id) && !events.has(event.id))
        events.set(event.id, { ...event, dead: message.subject === names.dead })
      if (events.size === wanted.size) break
    }
  } finally {
    signal?.removeEventListener('abort', stop)
    await messages.close()
  }
  return events
}

async function writeManifest(path: string, manifest: unknown): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`)
  await rename(temporary, path)
}

/**
 * Runs a job on workers anywhere that reach the same NATS JetStream server or cluster: enqueues
 * the task descriptors (never records) on the job's work-queue stream, waits until every task has
 * ended — its report published by the worker that ran it (see {@link work}), or its failure on the
 * dead-letter subject `powerflow.<job>.dead` after `maxDeliver` deliveries — and finalises: a
 * manifest `<output>.manifest.json` listing every task's outcome, then, when all completed, the
 * part files joined in task order into `output` (equal to a single-process run's output).
 *
 * Resolves to one {@link JobReport}: the sum of the task reports, per task and per worker, with the
 * redeliveries counted. A dead-lettered task makes the job `failed`, named in `deadLettered` and in
 * its failures; the parts of the other tasks stay committed and listed in the manifest, and
 * `output` is not written. A coordinator restarted mid-job picks up where the first left off: the
 * streams and consumer are created only if missing and tasks are published with message ids (a
 * duplicate within NATS's two-minute window is dropped). Rejects when NATS cannot be reached.
 *
 * @example
 * ```ts
 * // @snippet compile-only (needs a NATS server with JetStream)
 * import { coordinate, splitFiles } from 'powerflow-etl/distributed'
 *
 * const report = await coordinate({
 *   nats: 'nats://127.0.0.1:4222',
 *   job: 'nightly-exports',
 *   tasks: await splitFiles('/shared/exports/*.csv'),
 *   output: '/shared/out/exports.csv',
 * })
 * console.log(report.status, report.written, report.redeliveries, report.deadLettered)
 * ```
 *
 * @param options - server, job name, tasks, output; see {@link CoordinateOptions}
 * @returns the merged report of the job
 * @see work
 * @category distributed
 * @since 0.2.0
 */
export async function coordinate<T extends Task>(
  options: CoordinateOptions<T>,
): Promise<JobReport> {
  const { job, tasks } = options
  const names = jobNames(job)
  const startedAt = new Date()
  const output = resolve(options.output)
  await mkdir(partsFolder(output), { recursive: true })
  const nats = await loadNatsClient('coordinate')
  const connection = await nats.transport.connect({ servers: serverList(options.nats) })
  try {
    const manager = await nats.jetstream.jetstreamManager(connection)
    const client = nats.jetstream.jetstream(connection)
    const maxDeliver = options.maxDeliver ?? 3
    await ensureJob(nats, manager, names, maxDeliver, options.ackWaitMs ?? 30_000)
    await enqueue(client, names, job, tasks, output, maxDeliver)
    const events = await awaitOutcomes(client, names, tasks, options.signal)
    const outcomes = tasks.map((task): TaskOutcome => {
      const event = events.get(task.id)
      if (event === undefined)
        return { id: task.id, worker: 'none', status: 'aborted', deliveries: 0 }
      if (event.dead || event.report === undefined)
        return {
          id: task.id,
          worker: event.worker,
          status: 'failed',
          deliveries: event.deliveries,
          error: event.error ?? 'no report',
        }
      const report = event.report as RunReport
      return {
        id: task.id,
        worker: event.worker,
        status: report.status,
        deliveries: event.deliveries,
        report,
      }
    })
    const complete = outcomes.every((outcome) => outcome.status === 'completed')
    await writeManifest(`${output}.manifest.json`, {
      job,
      status: complete
        ? 'completed'
        : outcomes.some((outcome) => outcome.status === 'failed')
          ? 'failed'
          : 'aborted',
      output: complete ? output : null,
      tasks: outcomes.map(({ id, worker, status, deliveries, error }) => ({
        id,
        worker,
        status,
        deliveries,
        part: partPath(output, id),
        ...(error === undefined ? {} : { error }),
      })),
    })
    if (complete) {
      await joinParts(
        tasks.map((task) => partPath(output, task.id)),
        output,
        {
          csvHeader: options.csvHeader ?? /\.csv$/i.test(output),
          delimiter: options.delimiter ?? ',',
        },
      )
      await rm(partsFolder(output), { recursive: true, force: true })
    }
    if (options.keepStreams !== true && options.signal?.aborted !== true) {
      await manager.streams.delete(names.tasksStream).catch(() => false)
      await manager.streams.delete(names.eventsStream).catch(() => false)
    }
    return mergeReports({
      name: `coordinate ${job} ${basename(output)}`,
      outcomes,
      startedAt,
      redeliveries: outcomes.reduce((sum, outcome) => sum + Math.max(0, outcome.deliveries - 1), 0),
      deadLettered: outcomes.filter((outcome) => outcome.status === 'failed').map(({ id }) => id),
      output: complete ? output : undefined,
    })
  } finally {
    await connection.close()
  }
}
