/**
 * `npm run bench [-- --rows 200000 --rounds 3 --only 1,2]`: PowerFlow against hand-written
 * baselines, each job in a fresh child process, interleaved (baseline, PowerFlow, baseline, …),
 * median of the rounds with min–max. Prints a table and writes bench/results/latest.json.
 * See bench/README.md for how to read it.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DATA_DIR, ensureData, type DataFiles } from './generate.js'
import { RESULT_PREFIX, type ChildResult, type Job } from './jobs.js'

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
const CHILD = join(BENCH_DIR, 'child.ts')
const OUT_DIR = join(DATA_DIR, 'out')
const RESULTS = join(BENCH_DIR, 'results', 'latest.json')
const HIGH_WATER_MARK = 2_000
const CHILD_TIMEOUT_MS = 10 * 60_000

// ---- options --------------------------------------------------------------------------------

interface Options {
  readonly rows: number
  readonly rounds: number
  readonly only: ReadonlySet<number> | undefined
  readonly output: string
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag)
    return index >= 0 ? argv[index + 1] : undefined
  }
  const rows = Number(value('--rows') ?? 1_000_000)
  const rounds = Number(value('--rounds') ?? 5)
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer`)
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a positive integer`)
  const only = value('--only')
  return {
    rows,
    rounds,
    only: only === undefined ? undefined : new Set(only.split(',').map(Number)),
    output: value('--out') ?? RESULTS,
  }
}

// ---- what is measured -----------------------------------------------------------------------

type Side = Job['side']

/** One pair of jobs (baseline and PowerFlow) on one input. */
interface Unit {
  readonly key: string
  readonly module: string
  readonly input: string
  readonly rows: number
  readonly extension: string
}

interface Scenario {
  readonly id: number
  readonly name: string
  readonly units: readonly Unit[]
}

function plan(
  options: Options,
  small: DataFiles,
  large: DataFiles,
): {
  ceiling: Unit
  scenarios: Scenario[]
} {
  const rows = options.rows
  const unit = (
    key: string,
    module: string,
    input: string,
    count: number,
    extension: string,
  ): Unit => ({
    key,
    module,
    input,
    rows: count,
    extension,
  })
  const scenarios: Scenario[] = [
    { id: 1, name: 'fromCsv → toCsv', units: [unit('1', 'csvToCsv', small.csv, rows, 'csv')] },
    {
      id: 2,
      name: 'fromCsv → filter → map → dedupe(email) → toCsv',
      units: [unit('2', 'cleanDedupe', small.csv, rows, 'csv')],
    },
    {
      id: 3,
      name: 'fromCsv → aggregate(country: sum,count,avg,min,max) → toJson',
      units: [unit('3', 'aggregateCountries', small.csv, rows, 'json')],
    },
    {
      id: 4,
      name: 'fromJson NDJSON → validate(io-ts) → toJson NDJSON',
      units: [unit('4', 'ndjsonValidate', small.ndjson, rows, 'ndjson')],
    },
    {
      id: 5,
      name: `memory: scenario 2 without dedupe, ${fmtInt(rows)} vs ${fmtInt(rows * 5)} rows`,
      units: [
        unit('5-small', 'cleanNoDedupe', small.csv, rows, 'csv'),
        unit('5-large', 'cleanNoDedupe', large.csv, rows * 5, 'csv'),
      ],
    },
    {
      id: 6,
      name: 'slow sink (100 records/ms): scenario 2 into it',
      units: [unit('6', 'slowSink', small.csv, rows, 'out')],
    },
    {
      id: 7,
      name: `profile() of all 10 columns: fromCsv → profile → toCsv vs without profile, ${fmtInt(rows)} and ${fmtInt(rows * 5)} rows`,
      units: [
        unit('7-small', 'profileColumns', small.deals, rows, 'csv'),
        unit('7-large', 'profileColumns', large.deals, rows * 5, 'csv'),
      ],
    },
    {
      id: 8,
      name: `HubSpot: ${fmtInt(Math.min(rows, 100_000))} contacts, fromHubSpot → toCsv vs an @hubspot/api-client paging loop (local server, no rate limit)`,
      units: [
        unit(
          '8',
          'hubspotContacts',
          `local-hubspot:${Math.min(rows, 100_000)}`,
          Math.min(rows, 100_000),
          'csv',
        ),
      ],
    },
    {
      id: 9,
      name: `Salesforce: ${fmtInt(Math.min(rows, 200_000))} Accounts, fromSalesforce → toCsv vs jsforce query + queryMore`,
      // The input is the Account count of the local server (bench/salesforce.ts); at most 200,000.
      units: [
        unit(
          '9',
          'salesforceToCsv',
          String(Math.min(rows, 200_000)),
          Math.min(rows, 200_000),
          'csv',
        ),
      ],
    },
    {
      id: 10,
      name: 'fromCsv → toPostgres upsert vs a pg-copy-streams loop (staging + merge)',
      units: [unit('10', 'postgresUpsert', small.csv, rows, 'out')],
    },
    {
      id: 11,
      name: 'fromCsv → toPostgres upsert vs a multi-row INSERT loop',
      units: [unit('11', 'postgresNaive', small.csv, rows, 'out')],
    },
    {
      id: 15,
      name: `memory: fromCsv → toPostgres upsert (scenario 10), ${fmtInt(rows)} vs ${fmtInt(rows * 5)} rows`,
      units: [
        unit('15-small', 'postgresUpsert', small.csv, rows, 'out'),
        unit('15-large', 'postgresUpsert', large.csv, rows * 5, 'out'),
      ],
    },
    {
      id: 12,
      name: 'CPU-heavy map (SHA-256 ×50 per row): parallel, 2 workers vs the same map inline',
      units: [unit('12', 'parallelHash', small.csv, rows, 'out')],
    },
    {
      id: 16,
      name: 'scenario 2 with a checkpoint every 10,000 records vs without (target ≥ 0.9)',
      units: [unit('16', 'cleanDedupeCheckpoint', small.csv, rows, 'csv')],
    },
  ]
  return {
    ceiling: unit('ceiling', 'parseOnly', small.csv, rows, 'out'),
    scenarios: scenarios.filter((s) => options.only === undefined || options.only.has(s.id)),
  }
}

// ---- child processes ------------------------------------------------------------------------

function runChild(job: Job): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(job)], {
      cwd: join(BENCH_DIR, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
    child.stderr
      .setEncoding('utf8')
      .on('data', (text: string) => (stderr = (stderr + text).slice(-4000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const line = stdout.split('\n').find((text) => text.startsWith(RESULT_PREFIX))
      if (line !== undefined) {
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult)
        return
      }
      const why = signal === null ? `exit code ${code}` : `signal ${signal}`
      resolve({
        ok: false,
        unavailable: false,
        error: `child ended without a result (${why}): ${stderr.trim()}`,
      })
    })
  })
}

async function sha1(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined
  const hash = createHash('sha1')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

// ---- statistics -----------------------------------------------------------------------------

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}
const round = (value: number, digits = 2): number => Number(value.toFixed(digits))
const fmtInt = (value: number): string => Math.round(value).toLocaleString('en-US')

interface Sample {
  readonly ms: number
  readonly cpuMs: number
  readonly peakRssKb: number
  readonly rowsOut: number
  readonly details: Readonly<Record<string, number | string>>
}

/** What one side of one unit gave over the rounds. */
class Series {
  readonly samples: Sample[] = []
  problem: string | undefined = undefined
  unavailable = false

  add(result: ChildResult): void {
    if (result.ok)
      this.samples.push({
        ms: result.ms,
        cpuMs: result.cpuMs,
        peakRssKb: result.peakRssKb,
        rowsOut: result.rowsOut,
        details: result.details ?? {},
      })
    else {
      this.unavailable = result.unavailable
      this.problem = result.unavailable
        ? `not available: ${result.error}`
        : `failed: ${result.error}`
    }
  }

  get usable(): boolean {
    return this.problem === undefined
  }

  summary(rows: number): SideSummary | null {
    if (!this.usable || this.samples.length === 0) return null
    const ms = median(this.samples.map((s) => s.ms))
    return {
      rowsPerSec: Math.round(rows / (ms / 1000)),
      ms: Math.round(ms),
      peakRssMb: round(median(this.samples.map((s) => s.peakRssKb)) / 1024, 1),
      cpuMs: Math.round(median(this.samples.map((s) => s.cpuMs))),
    }
  }

  detail(name: string): number | undefined {
    const values = this.samples
      .map((s) => s.details[name])
      .filter((v): v is number => typeof v === 'number')
    return values.length === 0 ? undefined : median(values)
  }

  maxDetail(name: string): number | undefined {
    const values = this.samples
      .map((s) => s.details[name])
      .filter((v): v is number => typeof v === 'number')
    return values.length === 0 ? undefined : Math.max(...values)
  }
}

interface SideSummary {
  readonly rowsPerSec: number
  readonly ms: number
  readonly peakRssMb: number
  /** Median CPU time (all threads): a steadier second opinion when the machine is busy. */
  readonly cpuMs: number
}

interface UnitResult {
  readonly unit: Unit
  readonly baseline: Series
  readonly powerflow: Series
  readonly notes: string[]
}

function ratios(
  result: UnitResult,
): { ratio: number; min: number; max: number; cpuRatio: number } | null {
  const count = Math.min(result.baseline.samples.length, result.powerflow.samples.length)
  if (!result.baseline.usable || !result.powerflow.usable || count === 0) return null
  // Per round: PowerFlow's throughput ÷ the baseline's = baseline ms ÷ PowerFlow ms.
  const perRound: number[] = []
  for (let index = 0; index < count; index++)
    perRound.push(
      (result.baseline.samples[index] as Sample).ms /
        (result.powerflow.samples[index] as Sample).ms,
    )
  // The same from CPU time (all threads): steadier when other work shares the machine.
  const cpu: number[] = []
  for (let index = 0; index < count; index++)
    cpu.push(
      (result.baseline.samples[index] as Sample).cpuMs /
        (result.powerflow.samples[index] as Sample).cpuMs,
    )
  return {
    ratio: round(median(perRound)),
    min: round(Math.min(...perRound)),
    max: round(Math.max(...perRound)),
    cpuRatio: round(median(cpu)),
  }
}

function checkOutputs(result: UnitResult): void {
  const base = new Set(result.baseline.samples.map((s) => s.rowsOut))
  const pf = new Set(result.powerflow.samples.map((s) => s.rowsOut))
  if (base.size > 0 && pf.size > 0 && (base.size > 1 || pf.size > 1 || [...base][0] !== [...pf][0]))
    result.notes.push(
      `rows out differ: baseline ${[...base].join('/')} vs PowerFlow ${[...pf].join('/')}`,
    )
}

// ---- the run --------------------------------------------------------------------------------

/** Scenarios 13 and 14 run in bench/distributed/run.ts; the others here. */
const DISTRIBUTED = [13, 14]

/** Runs the distributed scenarios asked for (all by default), printing their lines. */
function runDistributed(options: Options): Promise<void> {
  const wanted = DISTRIBUTED.filter((id) => options.only === undefined || options.only.has(id))
  if (wanted.length === 0) return Promise.resolve()
  const script = join(BENCH_DIR, 'distributed', 'run.ts')
  const args = [
    '--import',
    'tsx',
    script,
    '--rows',
    String(options.rows),
    '--only',
    wanted.join(','),
  ]
  process.stdout.write(`\nScale-out scenarios ${wanted.join(', ')} (bench/distributed/run.ts):\n`)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: join(BENCH_DIR, '..'), stdio: 'inherit' })
    child.on('close', () => resolve())
  })
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  if (options.only !== undefined && [...options.only].every((id) => DISTRIBUTED.includes(id))) {
    await runDistributed(options)
    return
  }
  const started = performance.now()
  const wants = (id: number): boolean => options.only === undefined || options.only.has(id)
  const small = await ensureData(options.rows, { log, deals: wants(7) })
  const large =
    wants(5) || wants(7) || wants(15)
      ? await ensureData(options.rows * 5, {
          log,
          ndjson: false,
          csv: wants(5) || wants(15),
          deals: wants(7),
        })
      : { csv: '', ndjson: '', deals: '' }
  const { ceiling, scenarios } = plan(options, small, large)
  const units = [ceiling, ...scenarios.flatMap((s) => s.units)]
  const results = new Map<string, UnitResult>(
    units.map((unit) => [
      unit.key,
      { unit, baseline: new Series(), powerflow: new Series(), notes: [] },
    ]),
  )
  mkdirSync(OUT_DIR, { recursive: true })

  for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
    for (const unit of units) {
      const result = results.get(unit.key) as UnitResult
      const outputs: Partial<Record<Side, string>> = {}
      for (const side of ['baseline', 'powerflow'] as const) {
        const series = result[side]
        if (!series.usable) continue
        const output = join(OUT_DIR, `${unit.key}-${side}.${unit.extension}`)
        const child = await runChild({
          module: unit.module,
          side,
          input: unit.input,
          output,
          highWaterMark: HIGH_WATER_MARK,
        })
        series.add(child)
        outputs[side] = output
        log(
          child.ok
            ? `round ${roundIndex + 1}/${options.rounds}  ${unit.key.padEnd(8)} ${side.padEnd(9)} ` +
                `${fmtInt(child.ms).padStart(7)} ms ${fmtInt(unit.rows / (child.ms / 1000)).padStart(10)} rows/s ` +
                `cpu ${fmtInt(child.cpuMs).padStart(6)} ms ${(child.peakRssKb / 1024).toFixed(0).padStart(5)} MB  out ${fmtInt(child.rowsOut)}` +
                (child.details === undefined ? '' : `  ${JSON.stringify(child.details)}`)
            : `round ${roundIndex + 1}/${options.rounds}  ${unit.key.padEnd(8)} ${side.padEnd(9)} ${series.problem}`,
        )
      }
      // The first round checks that both sides wrote the same bytes.
      if (
        roundIndex === 0 &&
        result.baseline.usable &&
        result.powerflow.usable &&
        unit.module !== 'parseOnly'
      ) {
        const [a, b] = await Promise.all([
          sha1(outputs.baseline ?? ''),
          sha1(outputs.powerflow ?? ''),
        ])
        if (a !== undefined && b !== undefined && a !== b)
          result.notes.push('output files differ in bytes (see bench/README.md)')
      }
      for (const path of Object.values(outputs)) rmSync(path, { force: true })
    }
  }

  for (const result of results.values()) checkOutputs(result)

  // ---- the report ---------------------------------------------------------------------------
  const entry = (scenario: Scenario): Record<string, unknown> => {
    const main = results.get(scenario.units.at(-1)?.key ?? '') as UnitResult
    const rows = main.unit.rows
    const stats = ratios(main)
    const problems = [main.baseline.problem, main.powerflow.problem].filter((p) => p !== undefined)
    const record: Record<string, unknown> = {
      id: scenario.id,
      name: scenario.name,
      baseline: main.baseline.summary(rows),
      powerflow: main.powerflow.summary(rows),
      ratio: stats?.ratio ?? null,
      min: stats?.min ?? null,
      max: stats?.max ?? null,
      cpuRatio: stats?.cpuRatio ?? null,
    }
    if (scenario.id === 5 || scenario.id === 15) {
      const smallResult = results.get(`${scenario.id}-small`) as UnitResult
      const rss = (series: Series): number | undefined => series.summary(1)?.peakRssMb
      const ratioOf = (large: Series, smaller: Series): number | null => {
        const a = rss(large)
        const b = rss(smaller)
        return a === undefined || b === undefined ? null : round(a / b)
      }
      record['rssRatio'] = ratioOf(main.powerflow, smallResult.powerflow)
      record['baselineRssRatio'] = ratioOf(main.baseline, smallResult.baseline)
      record['small'] = {
        rows: smallResult.unit.rows,
        baseline: smallResult.baseline.summary(smallResult.unit.rows),
        powerflow: smallResult.powerflow.summary(smallResult.unit.rows),
      }
      record['large'] = { rows }
      // Dedupe's own cost: scenario 2 minus scenario 5's small run (same rows, no dedupe).
      const withDedupe = scenario.id === 5 ? results.get('2') : undefined
      if (withDedupe !== undefined) {
        const cost = (side: Side): number | null => {
          const a = rss(withDedupe[side])
          const b = rss(smallResult[side])
          const keys = withDedupe[side].detail('distinctKeys')
          return a === undefined || b === undefined || keys === undefined || keys === 0
            ? null
            : round((a - b) / (keys / 1e6), 0)
        }
        record['dedupeMbPerMillionKeys'] = {
          baseline: cost('baseline'),
          powerflow: cost('powerflow'),
        }
      }
      problems.push(
        ...[smallResult.baseline.problem, smallResult.powerflow.problem].filter(
          (p) => p !== undefined,
        ),
      )
      main.notes.push(...smallResult.notes.map((note) => `${options.rows} rows: ${note}`))
    }
    if (scenario.id === 6) {
      record['maxReadAhead'] = main.powerflow.maxDetail('maxReadAhead') ?? null
      record['highWaterMark'] = HIGH_WATER_MARK
      record['baselineMaxReadAhead'] = main.baseline.maxDetail('maxReadAhead') ?? null
      // "RSS flat": the slow sink's peak RSS against the same pipeline into a fast file sink.
      const fast = results.get('2')?.powerflow.summary(1)?.peakRssMb
      const slow = main.powerflow.summary(1)?.peakRssMb
      record['rssVsScenario2'] =
        fast === undefined || slow === undefined ? null : round(slow / fast)
    }
    if (scenario.id === 7) {
      // Throughput kept with profile(): the small run's ratio (profile ÷ no profile).
      const smallResult = results.get('7-small') as UnitResult
      const smallStats = ratios(smallResult)
      record['ratio'] = smallStats?.ratio ?? null
      record['min'] = smallStats?.min ?? null
      record['max'] = smallStats?.max ?? null
      record['cpuRatio'] = smallStats?.cpuRatio ?? null
      // The profile's footprint: peak RSS with profile() minus without, at rows and 5 × rows.
      const rss = (series: Series): number | undefined => series.summary(1)?.peakRssMb
      const footprint = (result: UnitResult): number | null => {
        const withProfile = rss(result.powerflow)
        const without = rss(result.baseline)
        return withProfile === undefined || without === undefined ? null : withProfile - without
      }
      const smallFootprint = footprint(smallResult)
      const largeFootprint = footprint(main)
      record['profileMb'] = {
        small: smallFootprint === null ? null : round(smallFootprint, 1),
        large: largeFootprint === null ? null : round(largeFootprint, 1),
      }
      const smallRss = rss(smallResult.powerflow)
      const largeRss = rss(main.powerflow)
      record['rssRatio'] =
        smallRss === undefined || largeRss === undefined ? null : round(largeRss / smallRss)
      record['distinctErrorPct'] = main.powerflow.detail('distinctErrorPct') ?? null
      problems.push(
        ...[smallResult.baseline.problem, smallResult.powerflow.problem].filter(
          (p) => p !== undefined,
        ),
      )
    }
    const notes = [...new Set([...problems, ...main.notes])]
    if (notes.length > 0) record['notes'] = notes
    return record
  }

  const ceilingResult = results.get('ceiling') as UnitResult
  const ceilingStats = ratios(ceilingResult)
  const report = {
    rows: options.rows,
    rounds: options.rounds,
    scenarios: scenarios.map(entry),
    parseCeiling: {
      name: 'parse only: papaparse streaming, no transform (baseline) vs fromCsv → no-op sink (powerflow)',
      baseline: ceilingResult.baseline.summary(options.rows),
      powerflow: ceilingResult.powerflow.summary(options.rows),
      ratio: ceilingStats?.ratio ?? null,
      min: ceilingStats?.min ?? null,
      max: ceilingStats?.max ?? null,
      cpuRatio: ceilingStats?.cpuRatio ?? null,
      ...((ceilingResult.baseline.problem ?? ceilingResult.powerflow.problem)
        ? {
            notes: [ceilingResult.baseline.problem, ceilingResult.powerflow.problem].filter(
              Boolean,
            ),
          }
        : {}),
    },
    /** Scenario 1's PowerFlow throughput ÷ papaparse's parse-only throughput. */
    scenario1OfCeiling: null as number | null,
    environment: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      date: new Date().toISOString(),
      minutes: round((performance.now() - started) / 60_000, 1),
    },
  }
  const scenario1 = report.scenarios.find((s) => s['id'] === 1)?.['powerflow'] as
    SideSummary | null | undefined
  const parser = report.parseCeiling.baseline
  if (scenario1 != null && parser !== null)
    report.scenario1OfCeiling = round(scenario1.rowsPerSec / parser.rowsPerSec)
  mkdirSync(dirname(options.output), { recursive: true })
  writeFileSync(options.output, JSON.stringify(report, null, 2) + '\n')
  printTable(report.scenarios, report.parseCeiling, options)
  if (report.scenario1OfCeiling !== null)
    process.stdout.write(
      `\nScenario 1 (PowerFlow) runs at ${Math.round(report.scenario1OfCeiling * 100)}% of papaparse's parse-only throughput.\n`,
    )
  log(`\nwritten ${options.output} (${report.environment.minutes} min)`)
  await runDistributed(options)
}

function printTable(
  scenarios: ReadonlyArray<Record<string, unknown>>,
  ceiling: Record<string, unknown>,
  options: Options,
): void {
  const side = (value: unknown): SideSummary | null => (value ?? null) as SideSummary | null
  const perSec = (value: SideSummary | null): string =>
    value === null ? 'n/a' : fmtInt(value.rowsPerSec)
  const rss = (value: SideSummary | null): string =>
    value === null ? 'n/a' : `${value.peakRssMb.toFixed(0)} MB`
  const ratio = (row: Record<string, unknown>): string =>
    row['ratio'] === null
      ? 'not available'
      : `${String(row['ratio'])} (${String(row['min'])}–${String(row['max'])})`
  const lines: string[][] = [
    [
      '#',
      'scenario',
      'baseline rows/s',
      'PowerFlow rows/s',
      'ratio (min–max)',
      'CPU ratio',
      'RSS base',
      'RSS PF',
      'notes',
    ],
  ]
  const add = (id: string, row: Record<string, unknown>, extra: string[]): void => {
    const base = side(row['baseline'])
    const pf = side(row['powerflow'])
    lines.push([
      id,
      String(row['name']),
      perSec(base),
      perSec(pf),
      ratio(row),
      row['cpuRatio'] === null || row['cpuRatio'] === undefined ? 'n/a' : String(row['cpuRatio']),
      rss(base),
      rss(pf),
      extra.join('; '),
    ])
  }
  add(
    '0',
    ceiling,
    ((ceiling['notes'] ?? []) as string[]).map((note) => note.split('\n')[0] ?? ''),
  )
  for (const row of scenarios) {
    const extra: string[] = []
    const profileMb = row['profileMb'] as Record<string, unknown> | undefined
    if (profileMb !== undefined)
      extra.push(
        `profile() keeps ${String(row['ratio'])} of the throughput; its RSS ${fmtInt(options.rows)} rows: ${String(profileMb['small'])} MB, ${fmtInt(5 * options.rows)}: ${String(profileMb['large'])} MB; distinct error ${String(row['distinctErrorPct'])} %`,
      )
    if (row['rssRatio'] !== undefined && profileMb === undefined)
      extra.push(
        `RSS ${5 * options.rows}÷${options.rows}: PF ${String(row['rssRatio'])}, base ${String(row['baselineRssRatio'])}`,
      )
    const dedupe = row['dedupeMbPerMillionKeys'] as Record<string, unknown> | undefined
    if (dedupe !== undefined)
      extra.push(
        `dedupe MB per 1M keys: PF ${String(dedupe['powerflow'])}, base ${String(dedupe['baseline'])}`,
      )
    if (row['maxReadAhead'] !== undefined)
      extra.push(
        `read-ahead PF ${String(row['maxReadAhead'])} (hwm ${String(row['highWaterMark'])}), base ${String(row['baselineMaxReadAhead'])}; PF RSS ÷ scenario 2's: ${String(row['rssVsScenario2'])}`,
      )
    const notes = row['notes'] as string[] | undefined
    if (notes !== undefined) extra.push(...notes.map((note) => note.split('\n')[0] ?? ''))
    add(String(row['id']), row, extra)
  }
  const widths = lines[0]!.map((_, column) =>
    column === 8 ? 0 : Math.max(...lines.map((line) => (line[column] ?? '').length)),
  )
  const text = lines
    .map((line) =>
      line
        .map((cell, column) => (column === 8 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  '),
    )
    .join('\n')
  process.stdout.write(
    `\nPowerFlow vs hand-written baselines — ${fmtInt(options.rows)} rows, median of ${options.rounds} rounds (ratio > 1: PowerFlow faster)\n\n${text}\n`,
  )
}

await main()
