/**
 * Starts `runTasks` worker threads. From compiled JavaScript a thread runs `taskThread.js`; from
 * the TypeScript sources (tests, `tsx`), a thread first registers tsx so it can load `.ts` modules.
 *
 * @internal
 * @packageDocumentation
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
const threadProgram = new URL(`./taskThread${extension}`, import.meta.url)

/** Starts a thread that runs the tasks of the job module `job` (a URL). @internal */
export function startTaskThread(job: string, worker: string): Worker {
  const workerData = { job, worker }
  if (extension === '.js') return new Worker(threadProgram, { workerData })
  // The ES module build of tsx's API, beside the CommonJS one that require resolves.
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs')
  const tsx = pathToFileURL(api).href
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(threadProgram.href)}) })`
  return new Worker(bootstrap, { eval: true, workerData })
}
