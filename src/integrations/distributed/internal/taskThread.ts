/**
 * The program of a task thread, in plain JavaScript so that a thread never needs a TypeScript
 * loader for itself: it imports the job module once (registering tsx first only when the job is
 * TypeScript that could not be compiled), says it is ready, then runs the tasks the main thread
 * sends, one at a time, answering with each run's report or error.
 *
 * @internal
 * @packageDocumentation
 */

/** What a thread is started with. @internal */
export interface ThreadData {
  readonly job: string
  readonly worker: string
  readonly tsx?: string
}

/** A task sent to a thread. @internal */
export interface ThreadRequest {
  readonly task: { readonly id: string }
  readonly output: string
}

/** A thread's message: ready (the module loaded or not), or a task's report or error. @internal */
export type ThreadAnswer =
  | { readonly ready: true; readonly error?: string }
  | { readonly id: string; readonly report: unknown }
  | { readonly id: string; readonly error: string }

/** @internal */
export const TASK_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { job, worker, tsx } = workerData
const message = (error) => (error instanceof Error ? error.message : String(error))
const building = (tsx === undefined ? Promise.resolve() : import(tsx).then((api) => void api.register()))
  .then(() => import(job))
  .then((loaded) => {
    if (typeof loaded.build !== 'function')
      throw new TypeError('job module ' + job + ' must export a build function: (task, context) => run')
    return loaded.build
  })
// An unloadable module fails every task it is given, with the reason.
building.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ ready: true, error: message(error) }),
)
const controller = new AbortController()
function send(answer) {
  try {
    parentPort.postMessage(answer)
  } catch {
    // A report holding something that cannot be cloned travels as JSON.
    parentPort.postMessage(JSON.parse(JSON.stringify(answer, (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value)))
  }
}
parentPort.on('message', (request) => {
  building
    .then((build) => build(request.task, { output: request.output, signal: controller.signal, worker }))
    .then(
      (report) => send({ id: request.task.id, report }),
      (error) => send({ id: request.task.id, error: message(error) }),
    )
})
`
