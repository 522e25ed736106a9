/**
 * Bench scenarios 13 and 14 (scale-out), as ratios in one run on this machine:
 * - 13: scenario 5's filter → map → CSV over one CSV split into byte ranges on 2 threads
 *   (`runTasks`) vs the same pipeline single-threaded; the outputs must be byte-identical.
 * - 14: a CPU-heavy pipeline over 8 files, 1 NATS worker process vs 2 (needs NATS with
 *   JetStream, `POWERFLOW_BENCH_NATS`, default `nats://127.0.0.1:4222`).
 *
 * `npx tsx bench/distributed/run.ts --rows 200000 [--only 13,14]`
 */
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { filter, fromCsv, map, pipe, toCsv } from '../../src/index.js'
import {
  coordinate,
  runTasks,
  splitFile,
  splitFiles,
} from '../../src/integrations/distributed/index.js'
import { ensureData } from '../generate.js'
import { clean, keep } from '../jobs.js'

const args = process.argv.slice(2)
const value = (name: string): string | undefined => {
  const index = args.indexOf(name)
  return index === -1 ? undefined : args[index + 1]
}
const rows = Number(value('--rows') ?? 1_000_000)
const only = value('--only')?.split(',').map(Number)
const nats = process.env['POWERFLOW_BENCH_NATS'] ?? 'nats://127.0.0.1:4222'
const scratch = mkdtempSync(join(tmpdir(), 'powerflow-bench-distributed-'))
const jobModule = new URL('./job.ts', import.meta.url)

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

async function scenario13(csv: string): Promise<void> {
  const single = join(scratch, 'single.csv')
  const parallel = join(scratch, 'parallel.csv')
  const alone = await timed(() => pipe(fromCsv(csv), filter(keep), map(clean), toCsv(single)))
  const threads = await timed(async () => {
    const tasks = await splitFile(csv, { parts: 8 })
    const report = await runTasks(tasks, jobModule, { output: parallel, threads: 2 })
    if (report.status !== 'completed') throw new Error(`runTasks ${report.status}`)
  })
  const identical = readFileSync(single).equals(readFileSync(parallel))
  console.log(
    `13 byte ranges of one CSV (${rows} rows), 2 threads vs 1: ${(alone / threads).toFixed(2)}× ` +
      `(${alone.toFixed(0)} ms vs ${threads.toFixed(0)} ms), output ${identical ? 'byte-identical' : 'DIFFERENT'}`,
  )
}

function startWorker(job: string): ReturnType<typeof spawn> {
  const script = fileURLToPath(new URL('./worker.ts', import.meta.url))
  return spawn(process.execPath, ['--import', 'tsx', script, nats, job], { stdio: 'inherit' })
}

async function natsRun(folder: string, workers: number, label: string): Promise<number> {
  const job = `bench-${label}-${process.pid}-${Date.now().toString(36)}`
  const children = Array.from({ length: workers }, () => startWorker(job))
  // Let the workers load before the clock starts: both sides pay the same start-up otherwise.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const elapsed = await timed(async () => {
    const report = await coordinate({
      nats,
      job,
      tasks: await splitFiles(join(folder, '*.csv')),
      output: join(scratch, `${label}.csv`),
      ackWaitMs: 60_000,
    })
    if (report.status !== 'completed') throw new Error(`coordinate ${report.status}`)
  })
  await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', resolve))))
  return elapsed
}

async function scenario14(csv: string): Promise<void> {
  const folder = join(scratch, 'eight')
  mkdirSync(folder)
  const tasks = await splitFile(csv, { parts: 8 })
  // Eight files: the byte ranges of the data file, each with its header.
  const { writeFileSync } = await import('node:fs')
  const header = readFileSync(csv).subarray(0, tasks[1]?.start ?? 0)
  const headerEnd = header.indexOf(0x0a) + 1
  for (const task of tasks) {
    const bytes = readFileSync(csv).subarray(task.start, task.end)
    writeFileSync(
      join(folder, `${task.id}.csv`),
      task.start === 0 ? bytes : Buffer.concat([header.subarray(0, headerEnd), bytes]),
    )
  }
  const one = await natsRun(folder, 1, 'one')
  const two = await natsRun(folder, 2, 'two')
  const identical = readFileSync(join(scratch, 'one.csv')).equals(
    readFileSync(join(scratch, 'two.csv')),
  )
  console.log(
    `14 CPU-heavy pipeline over 8 files, 2 NATS workers vs 1: ${(one / two).toFixed(2)}× ` +
      `(${one.toFixed(0)} ms vs ${two.toFixed(0)} ms), outputs ${identical ? 'identical' : 'DIFFERENT'}`,
  )
}

try {
  const { csv } = await ensureData(rows, { ndjson: false })
  const copy = join(scratch, 'input.csv')
  copyFileSync(csv, copy)
  console.log(`data: ${csv} (${(statSync(copy).size / 1e6).toFixed(1)} MB)`)
  if (only === undefined || only.includes(13)) await scenario13(copy)
  if (only === undefined || only.includes(14)) await scenario14(copy)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
