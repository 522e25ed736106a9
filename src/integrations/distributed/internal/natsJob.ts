/**
 * The NATS JetStream layout of a job, shared by `coordinate` and `work`: a work-queue stream of
 * task messages with one durable pull consumer that every worker shares (explicit acks,
 * `max_deliver`), and a stream of events — `done` with each task's report, `dead` for a task that
 * failed `max_deliver` times. One subject per kind and job, so no consumer needs several filters
 * (NATS 2.9 has none).
 *
 * @internal
 * @packageDocumentation
 */
import type { Task } from '../Task.js'

/** Subjects and streams of job `job`. @internal */
export interface JobNames {
  readonly tasksStream: string
  readonly eventsStream: string
  readonly tasks: string
  readonly done: string
  readonly dead: string
  readonly consumer: string
}

/** @internal */
export function jobNames(job: string): JobNames {
  if (!/^[A-Za-z0-9_-]+$/.test(job))
    throw new TypeError(`job name ${JSON.stringify(job)}: use letters, digits, _ and - only`)
  return {
    tasksStream: `PF_${job}_TASKS`,
    eventsStream: `PF_${job}_EVENTS`,
    tasks: `powerflow.${job}.tasks`,
    done: `powerflow.${job}.done`,
    dead: `powerflow.${job}.dead`,
    consumer: 'workers',
  }
}

/** A task message: the descriptor and where its part file goes. @internal */
export interface TaskMessage {
  readonly task: Task
  readonly output: string
  /**
   * Runs of the task before it is dead-lettered. The consumer allows one delivery more, so that a
   * worker that died on the last run is followed by one that dead-letters the task at once.
   */
  readonly maxDeliver: number
}

/** An event message: a task's report, or its last failure. @internal */
export interface TaskEvent {
  readonly id: string
  readonly worker: string
  readonly deliveries: number
  readonly report?: unknown
  readonly error?: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** @internal */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(
    JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint'
        ? item.toString()
        : item instanceof Error
          ? { name: item.name, message: item.message }
          : item,
    ),
  )
}

/** @internal */
export function decodeJson<A>(data: Uint8Array): A {
  return JSON.parse(decoder.decode(data)) as A
}

/** Servers as the NATS client takes them. @internal */
export function serverList(nats: string | readonly string[]): string[] {
  return typeof nats === 'string' ? [nats] : [...nats]
}

/** @internal */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
