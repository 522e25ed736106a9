/**
 * `npx tsx bench/profileCost.ts [--rows 200000] [--rounds 5]`: scenario 7's cost in one process,
 * by CPU time (steady on a busy machine): the pipeline with and without `profile()` alternated
 * (the ratio is the throughput kept), and what each part of a column's profile costs per value.
 * The parts are timed on the values fromCsv gives for scenario 7's ten columns, one column at a
 * time over all rows: that misses the processor's cache more than the pipeline does (where a
 * record's values are fresh), so the parts read high; the pipeline ratio is the figure that counts.
 * `--columns a,b` profiles only those columns; `--ratio-only` skips the parts.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../src/sources/fromCsv.js'
import { profile } from '../src/operators/profile.js'
import { toArray } from '../src/sinks/toArray.js'
import { toCsv } from '../src/sinks/toCsv.js'
import { ColumnProfiler } from '../src/internal/profile/ColumnProfiler.js'
import { HyperLogLog, hashString } from '../src/internal/profile/HyperLogLog.js'
import { HeavyHitters } from '../src/internal/profile/HeavyHitters.js'
import { QuantileSketch } from '../src/internal/profile/QuantileSketch.js'
import { scanText } from '../src/internal/profile/valueKind.js'
import { textHash } from '../src/internal/profile/textHash.js'
import { DATA_DIR, ensureData } from './generate.js'

const argument = (flag: string, fallback: number): number => {
  const index = process.argv.indexOf(flag)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const rows = argument('--rows', 200_000)
const rounds = argument('--rounds', 5)
const only = process.argv.indexOf('--columns')
const PROFILE_OPTIONS = only < 0 ? {} : { columns: (process.argv[only + 1] as string).split(',') }

const cpuMs = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const files = await ensureData(rows, { deals: true, csv: false, ndjson: false })
const outDir = join(DATA_DIR, 'out')
mkdirSync(outDir, { recursive: true })
const output = join(outDir, 'profile-cost.csv')

// ---- the pipeline with and without profile(), alternated ------------------------------------
const without: number[] = []
const withProfile: number[] = []
for (let round = 0; round < rounds; round++) {
  let started = cpuMs()
  await pipe(fromCsv(files.deals), toCsv(output))
  without.push(cpuMs() - started)
  started = cpuMs()
  await pipe(fromCsv(files.deals), profile(PROFILE_OPTIONS), toCsv(output))
  withProfile.push(cpuMs() - started)
}
rmSync(output, { force: true })
const ratios = without.map((ms, index) => ms / (withProfile[index] as number))
console.log(
  `pipeline: ${rows} rows, CPU ms without ${without.map(Math.round).join('/')} with ${withProfile.map(Math.round).join('/')}`,
)
console.log(
  `throughput kept (CPU): median ${median(ratios).toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}); ` +
    `pipeline ${((median(without) * 1e6) / rows).toFixed(0)} ns/row, profile ${(((median(withProfile) - median(without)) * 1e6) / rows).toFixed(0)} ns/row`,
)

// ---- the parts, per value -------------------------------------------------------------------
if (process.argv.includes("--ratio-only")) process.exit(0)
const { value: records } = await collect(files.deals)
const columns = Object.keys(records[0] ?? {})
// --flat: copies of the values (flat strings) instead of fromCsv's slices of its chunks.
const flat = process.argv.includes('--flat')
const values = columns.map((column) =>
  records.map((record) => {
    const value = record[column] as string
    return flat ? (' ' + value).slice(1) : value
  }),
)
const count = values.reduce((sum, list) => sum + list.length, 0)

function time(part: string, body: (list: readonly string[]) => void): void {
  const samples: number[] = []
  for (let round = 0; round < rounds; round++) {
    const started = cpuMs()
    for (const list of values) body(list)
    samples.push(((cpuMs() - started) * 1e6) / count)
  }
  console.log(
    `${part.padEnd(34)} ${median(samples).toFixed(1).padStart(7)} ns/value (min ${Math.min(...samples).toFixed(1)})`,
  )
}

let sink = 0
time('loop only', (list) => {
  for (const value of list) sink += value.length
})
const slot = { value: 0, digits: 0, shape: -1 }
time('kind and number (scanText)', (list) => {
  for (const value of list) sink += scanText(value, slot)
})
time('hash (hashString)', (list) => {
  for (const value of list) sink ^= hashString(value)
})
time('hash + HyperLogLog', (list) => {
  const sketch = new HyperLogLog()
  for (const value of list) sketch.addHash(hashString(value))
})
time('text hash (digits for numbers)', (list) => {
  for (const value of list) sink ^= textHash(value, slot)
})
time('heavy hitters (every value)', (list) => {
  const sketch = new HeavyHitters(320)
  for (const value of list) sketch.add(value, hashString(value))
})
time('quantile sketch (numeric columns)', (list) => {
  const sketch = new QuantileSketch()
  for (const value of list) {
    const number = Number(value)
    if (Number.isFinite(number)) sketch.add(number)
  }
})
time('Map.get (a counter per value)', (list) => {
  const map = new Map<string, { count: number }>()
  for (const value of list) {
    const counter = map.get(value)
    if (counter !== undefined) counter.count += 1
    else if (map.size < 320) map.set(value, { count: 1 })
  }
})
time('length and lexical min/max', (list) => {
  let min = list[0] as string
  let max = min
  for (const value of list) {
    sink += value.length
    if (value < min) min = value
    else if (value > max) max = value
  }
})
time('ColumnProfiler.add (all of it)', (list) => {
  const profiler = new ColumnProfiler('c', { topK: 10, histogramBins: 20 })
  for (const value of list) profiler.add(value)
})
console.log(`(${count} values in ${columns.length} columns; ${sink === 0.5 ? '' : 'ok'})`)

async function collect(path: string): Promise<{ value: Array<Record<string, unknown>> }> {
  const report = await pipe(fromCsv(path), toArray<Record<string, unknown>>())
  return { value: report.records }
}
