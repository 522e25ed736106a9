/**
 * The work the scenarios do, shared verbatim by the PowerFlow and the hand-written side so both do
 * exactly the same per-record work: the filter, the map, the validation codec, the slow sink's
 * pace, and the protocol between the harness and its child processes.
 */
import * as t from 'io-ts'

/** A parsed CSV row: named string fields. */
export type Row = Record<string, string>

/** Scenario 2's filter: active customers with an amount over 100. */
export function keep(row: Row): boolean {
  return row['active'] === 'true' && Number(row['amount']) > 100
}

/** Scenario 2's map output. */
export interface CleanRow {
  readonly id: string
  readonly email: string
  readonly name: string
  readonly country: string
  readonly company: string
  readonly amount: string
  readonly created_at: string
}

/** Scenario 2's map: lower-case email, full name, amount × 1.2 with two decimals. */
export function clean(row: Row): CleanRow {
  return {
    id: row['id'] as string,
    email: (row['email'] as string).toLowerCase(),
    name: `${row['first_name']} ${row['last_name']}`,
    country: row['country'] as string,
    company: row['company'] as string,
    amount: (Number(row['amount']) * 1.2).toFixed(2),
    created_at: row['created_at'] as string,
  }
}

/** Scenario 4's codec: one NDJSON row with typed values. */
export const CrmRecord = t.type({
  id: t.number,
  email: t.string,
  first_name: t.string,
  last_name: t.string,
  country: t.string,
  company: t.string,
  amount: t.number,
  created_at: t.string,
  active: t.boolean,
})
export type CrmRecord = t.TypeOf<typeof CrmRecord>

/** Scenario 6's destination speed. */
export const SLOW_SINK_RECORDS_PER_MS = 100

/**
 * A destination that accepts `perMs` records per millisecond: `accept(n)` resolves when a batch of
 * `n` would have been taken. Idle time does not build up credit.
 */
export class Pace {
  private free = 0
  constructor(private readonly perMs: number) {}

  accept(count: number): Promise<void> {
    const now = performance.now()
    this.free = Math.max(this.free, now) + count / this.perMs
    const wait = this.free - now
    return new Promise<void>((resolve) => {
      if (wait >= 1) setTimeout(resolve, wait)
      else setImmediate(resolve)
    })
  }
}

/** What the harness asks a child process to do. */
export interface Job {
  /** The scenario module's file name under bench/scenarios/ and bench/baselines/. */
  readonly module: string
  readonly side: 'baseline' | 'powerflow'
  readonly input: string
  /** Where to write the output, if the scenario writes one. */
  readonly output: string
  /** The high-water mark PowerFlow runs use (scenario 6 reports it). */
  readonly highWaterMark: number
}

/** What a scenario module returns. */
export interface JobResult {
  /** Records the job wrote (or delivered) — both sides must agree. */
  readonly rowsOut: number
  /** Extra figures: `distinctKeys`, `maxReadAhead`, `failed`, … */
  readonly details?: Readonly<Record<string, number | string>>
}

/** What a scenario module exports. */
export interface ScenarioModule {
  run(job: Job): Promise<JobResult>
}

/** What a child prints, after `RESULT_PREFIX`, as its last stdout line. */
export type ChildResult =
  | (JobResult & {
      readonly ok: true
      readonly ms: number
      /** CPU time of the process (all threads) during the job: steadier than `ms` on a busy machine. */
      readonly cpuMs: number
      readonly peakRssKb: number
    })
  | { readonly ok: false; readonly unavailable: boolean; readonly error: string }

export const RESULT_PREFIX = 'BENCH_RESULT '
