/**
 * The same PowerFlow scenario on two (or more) checkouts of the code, in alternating child
 * processes, with the hand-written baseline run beside them in every round:
 *
 *   npx tsx bench/compareCheckouts.ts --module aggregateCountries --input bench/data/crm-200000.csv \
 *     --rounds 9 /path/to/old-checkout /path/to/new-checkout
 *
 * Each round runs the baseline (from this checkout), then the PowerFlow side in each checkout, each
 * in a fresh `node --import tsx bench/child.ts` whose working directory is that checkout. Prints
 * the median CPU time of each side and, for each checkout, the median over rounds of
 * baseline CPU ÷ PowerFlow CPU (the bench's CPU ratio). CPU time, and ratios within one round, are
 * what stay comparable on a loaded machine; wall clock does not.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RESULT_PREFIX, type ChildResult, type Job } from './jobs.js'

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function option(name: string, fallback?: string): string {
  const index = process.argv.indexOf(`--${name}`)
  const value = index < 0 ? fallback : process.argv[index + 1]
  if (value === undefined) throw new Error(`compareCheckouts: --${name} is required`)
  return value
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Runs one job in `checkout` and returns its CPU milliseconds. */
function cpuOf(checkout: string, job: Job): number {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/child.ts', JSON.stringify(job)],
    { cwd: checkout, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
  const line = child.stdout.split('\n').find((text) => text.startsWith(RESULT_PREFIX))
  const result =
    line === undefined ? undefined : (JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult)
  if (result === undefined || !result.ok)
    throw new Error(
      `compareCheckouts: ${job.side} in ${checkout} failed: ${result?.error ?? child.stderr.slice(0, 2000)}`,
    )
  return result.cpuMs
}

const module = option('module')
const input = resolve(option('input'))
const rounds = Number(option('rounds', '7'))
const checkouts = process.argv
  .slice(2)
  .filter((arg, index, args) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'))
  .map((path) => resolve(path))
if (checkouts.length === 0) throw new Error('compareCheckouts: name at least one checkout')

const outDir = mkdtempSync(join(tmpdir(), 'powerflow-compare-'))
const job = (side: Job['side'], name: string): Job => ({
  module,
  side,
  input,
  output: join(outDir, `${name}${extname(input)}`),
  highWaterMark: 16,
})
const baseline: number[] = []
const powerflow = checkouts.map(() => [] as number[])
try {
  for (let round = 0; round < rounds; round++) {
    baseline.push(cpuOf(HERE, job('baseline', 'baseline')))
    checkouts.forEach((checkout, index) =>
      powerflow[index]?.push(cpuOf(checkout, job('powerflow', `powerflow-${index}`))),
    )
    process.stderr.write(`round ${round + 1}/${rounds}\n`)
  }
} finally {
  rmSync(outDir, { recursive: true, force: true })
}

const fixed = (value: number, digits: number): string => value.toFixed(digits)
process.stdout.write(`${module} on ${input}, ${rounds} rounds\n`)
process.stdout.write(`baseline            median CPU ${fixed(median(baseline), 1)} ms\n`)
checkouts.forEach((checkout, index) => {
  const cpu = powerflow[index] ?? []
  const ratios = cpu.map((ms, round) => (baseline[round] as number) / ms)
  process.stdout.write(
    `${checkout}: median CPU ${fixed(median(cpu), 1)} ms, CPU ratio ${fixed(median(ratios), 3)} ` +
      `(rounds ${ratios.map((ratio) => fixed(ratio, 2)).join(' ')})\n`,
  )
})
