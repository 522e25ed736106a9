/**
 * The worker threads of `startTaskThreads` and `runTasks`: each thread loads the job module once
 * and then runs one task at a time, for as many tasks and jobs as it is given. A thread that dies
 * fails its task and is replaced before the next one.
 *
 * @internal
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads'
import type { TaskThreads } from '../startTaskThreads.js'
import type { PreparedJob } from './compileJob.js'
import {
  TASK_THREAD_SOURCE,
  type ThreadAnswer,
  type ThreadData,
  type ThreadRequest,
} from './taskThread.js'

/** A task's answer: its report, or the error its pipeline threw. @internal */
export type TaskAnswer = Exclude<ThreadAnswer, { readonly ready: true }>

interface Pending {
  readonly resolve: (answer: TaskAnswer) => void
  readonly reject: (error: Error) => void
}

/** One worker thread, started again after it dies. @internal */
export class TaskThread {
  private thread: Worker | undefined
  private pending: Pending | undefined
  private closed = false
  /** Resolves with the ms the thread took to load the job module (or to die trying). */
  ready: Promise<number> = Promise.resolve(0)

  constructor(
    readonly name: string,
    private readonly data: ThreadData,
  ) {
    this.start()
  }

  private start(): void {
    const started = performance.now()
    const thread = new Worker(TASK_THREAD_SOURCE, { eval: true, workerData: this.data })
    let loaded: (() => void) | undefined
    this.thread = thread
    this.ready = new Promise((resolve) => {
      loaded = () => resolve(performance.now() - started)
    })
    thread.on('message', (answer: ThreadAnswer) => {
      if ('ready' in answer) return loaded?.()
      const pending = this.pending
      this.pending = undefined
      pending?.resolve(answer)
    })
    const died = (reason: string): void => {
      if (this.thread !== thread) return
      this.thread = undefined
      loaded?.()
      const pending = this.pending
      this.pending = undefined
      pending?.reject(new Error(reason))
    }
    thread.on('error', (error: Error) => died(`${this.name} failed: ${error.message}`))
    thread.on('exit', (code) => died(`${this.name} exited with code ${code}`))
  }

  /** Runs one task; rejects when the thread dies or is stopped meanwhile. */
  run(request: ThreadRequest): Promise<TaskAnswer> {
    if (this.closed) return Promise.reject(new Error(`${this.name} is closed`))
    if (this.thread === undefined) this.start()
    const thread = this.thread as Worker
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      thread.postMessage(request)
    })
  }

  /** Ends the thread, failing the task it runs; the next `run` starts a new one. */
  async stop(): Promise<void> {
    const thread = this.thread
    if (thread === undefined) return
    await thread.terminate()
  }

  async close(): Promise<void> {
    this.closed = true
    await this.stop()
  }
}

/** The threads of a job module. @internal */
export class ThreadPool implements TaskThreads {
  private running = false

  constructor(
    readonly threads: readonly TaskThread[],
    private readonly job: PreparedJob,
    readonly compileMs: number,
    readonly startMs: number,
  ) {}

  get size(): number {
    return this.threads.length
  }

  /** Marks the pool busy for one job at a time; returns the release. */
  claim(who: string): () => void {
    if (this.running) throw new Error(`${who}: these task threads are running another job`)
    this.running = true
    return () => {
      this.running = false
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()))
    await this.job.remove()
  }
}
