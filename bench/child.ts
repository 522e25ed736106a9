/**
 * One measured job in a fresh process: `node --import tsx bench/child.ts '<job json>'`.
 *
 * Loads the scenario module first (module loading and tsx's transpiling are not timed, for either
 * side), then times the job from its start to its end and reads the process's peak RSS. Prints
 * one `BENCH_RESULT {…}` line. A PowerFlow module whose pieces are not written yet cannot be
 * imported: that is reported as `unavailable`, never as a figure.
 */
import { relative } from 'node:path'
import { RESULT_PREFIX, type ChildResult, type Job, type ScenarioModule } from './jobs.js'

function print(result: ChildResult): void {
  process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(result)}\n`)
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job
const folder = job.side === 'baseline' ? 'baselines' : 'scenarios'
let scenario: ScenarioModule
try {
  scenario = (await import(`./${folder}/${job.module}.js`)) as ScenarioModule
} catch (error) {
  // A PowerFlow piece that is not written yet (a missing file or export) is "not available".
  const text = describe(error).split('\n')[0] ?? ''
  const missing = /Cannot find module '([^']+)'/.exec(text)?.[1]
  print({
    ok: false,
    unavailable: true,
    error: missing === undefined ? text : `missing ${relative(process.cwd(), missing)}`,
  })
  process.exit(0)
}

try {
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  const result = await scenario.run(job)
  const ms = performance.now() - started
  const cpu = process.cpuUsage(cpuStarted)
  print({
    ok: true,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssKb: process.resourceUsage().maxRSS,
    ...result,
  })
  // Exit now: a handle left open (a timer, a socket) must not keep the harness waiting.
  process.exit(0)
} catch (error) {
  print({ ok: false, unavailable: false, error: describe(error) })
  process.exit(1)
}
