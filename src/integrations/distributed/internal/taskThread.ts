/**
 * The program of a `runTasks` worker thread: loads the job module once, then runs the tasks the
 * main thread sends, one at a time, and answers with each run's report or error.
 *
 * @internal
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads'
import { loadBuild } from '../TaskBuild.js'
import type { Task } from '../Task.js'

/** A task sent to a thread. @internal */
export interface ThreadRequest {
  readonly task: Task
  readonly output: string
}

/** A thread's answer. @internal */
export type ThreadAnswer =
  | { readonly id: string; readonly report: unknown }
  | { readonly id: string; readonly error: string }

const { job, worker } = workerData as { job: string; worker: string }
const port = parentPort
const controller = new AbortController()

if (port !== null) {
  const building = loadBuild(job)
  // An unloadable module fails every task it is given, with the reason.
  building.catch(() => undefined)
  port.on('message', (request: ThreadRequest) => {
    void building
      .then((build) =>
        build(request.task, { output: request.output, signal: controller.signal, worker }),
      )
      .then(
        (report) => send({ id: request.task.id, report }),
        (error: unknown) =>
          send({
            id: request.task.id,
            error: error instanceof Error ? error.message : String(error),
          }),
      )
  })
}

function send(answer: ThreadAnswer): void {
  try {
    port?.postMessage(answer)
  } catch {
    // A report holding something that cannot be cloned travels as JSON.
    port?.postMessage(
      JSON.parse(
        JSON.stringify(answer, (_key, value: unknown) =>
          typeof value === 'bigint' ? value.toString() : value,
        ),
      ),
    )
  }
}
