import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { Flow } from '../../../src/core/Flow.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import {
  roundSink,
  type BadRow,
  type RoundWriter,
} from '../../../src/internal/database/roundSink.js'
import { runSink } from '../../../src/internal/runSink.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { map } from '../../../src/operators/map.js'
import { failFast } from '../../../src/policies/failFast.js'
import { expectBalanced, settle } from '../../support/ledger.js'

/** A writer that keeps committed rows in memory and refuses the rows `refuse` names. */
class MemoryWriter implements RoundWriter<number> {
  readonly committed: number[] = []
  readonly rounds: number[][] = []
  readonly events: string[] = []
  private loaded: number[] = []
  constructor(
    readonly commitsAtFinish: boolean,
    private readonly refuse: (n: number) => boolean = () => false,
    private readonly faultAtRound?: number,
  ) {}
  async start(): Promise<void> {
    this.events.push('start')
  }
  async write(records: readonly number[]): Promise<readonly BadRow[]> {
    await new Promise((resolve) => setImmediate(resolve))
    this.rounds.push([...records])
    if (this.rounds.length === this.faultAtRound) throw new Error('connection reset')
    const bad: BadRow[] = []
    records.forEach((n, index) => {
      if (this.refuse(n))
        bad.push({ index, reason: `row ${n} refused (SQLSTATE 23502)`, column: 'n', details: {} })
      else (this.commitsAtFinish ? this.loaded : this.committed).push(n)
    })
    return bad
  }
  async finish(): Promise<void> {
    this.events.push('finish')
    this.committed.push(...this.loaded)
    this.loaded = []
  }
  async abort(): Promise<void> {
    this.events.push('abort')
    this.loaded = []
  }
}

function sink(writer: MemoryWriter, batchRows: number, highWaterMark = 16) {
  return (flow: Flow<number>): Promise<RunReport> =>
    runSink<number>(flow, 'toMemory', { highWaterMark }, (run, stats) =>
      roundSink(run, stats, { stage: 'toMemory', batchRows }, writer),
    )
}

describe('roundSink', () => {
  it('writes every record in rounds of at most batchRows, in order, and fails exactly the rows refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 120 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        async (input, batchRows, commitsAtFinish) => {
          const writer = new MemoryWriter(commitsAtFinish, (n) => n % 10 === 7)
          const report = await sink(writer, batchRows)(fromGenerator(input))
          expect(report.status).toBe('completed')
          expect(writer.rounds.every((round) => round.length <= batchRows)).toBe(true)
          expect(writer.rounds.flat()).toEqual(input)
          expect(writer.committed).toEqual(input.filter((n) => n % 10 !== 7))
          expect(report.written).toBe(writer.committed.length)
          expect(report.failed).toBe(input.length - writer.committed.length)
          expect(report.failures.every((f) => f.location?.field === 'n')).toBe(true)
          expect(writer.events).toEqual(['start', 'finish'])
          expectBalanced(report)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('fails the run on a writer fault, nothing of that round written, and aborts the writer', async () => {
    const writer = new MemoryWriter(false, () => false, 2)
    const { report, error } = await settle(
      sink(writer, 5)(fromGenerator(Array.from({ length: 30 }, (_, n) => n))),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toContain('connection reset')
    expect(report.written).toBe(5)
    expect(writer.events).toContain('abort')
    expectBalanced(report)
  })

  it('in replace mode writes nothing until the finish, and nothing at all when the run stops before it', async () => {
    const writer = new MemoryWriter(true)
    const { report } = await settle(
      pipe(
        fromGenerator(Array.from({ length: 30 }, (_, n) => n)),
        map((n: number) => {
          if (n === 20) throw new Error('twenty')
          return n
        }),
        failFast(),
        sink(writer, 4),
      ),
    )
    expect(report.status).toBe('failed')
    expect(report.written).toBe(0)
    expect(writer.committed).toEqual([])
    expect(writer.events).toEqual(['start', 'abort'])
    expectBalanced(report)
  })
})
