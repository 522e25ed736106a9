import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { Flow } from '../../../src/core/Flow.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { runSink } from '../../../src/internal/runSink.js'
import {
  roundSink,
  type BadRow,
  type RoundWriter,
} from '../../../src/internal/database/roundSink.js'
import { expectBalanced } from '../../support/ledger.js'

/** A writer in memory: keeps each round, refuses the rows `refuse` names, fails when told. */
class MemoryWriter implements RoundWriter<number> {
  readonly rounds: number[][] = []
  readonly calls: string[] = []
  constructor(
    readonly commitsAtFinish = false,
    private readonly refuse: (n: number) => boolean = () => false,
    private readonly failOn?: number,
  ) {}
  async start(): Promise<void> {
    this.calls.push('start')
  }
  async write(records: readonly number[]): Promise<readonly BadRow[]> {
    if (this.failOn !== undefined && records.includes(this.failOn))
      throw new Error('connection lost')
    this.rounds.push([...records])
    return records.flatMap((n, index) =>
      this.refuse(n)
        ? [{ index, reason: `bad ${n}`, column: 'n', details: { code: '23502' } }]
        : [],
    )
  }
  async finish(): Promise<void> {
    this.calls.push('finish')
  }
  async abort(): Promise<void> {
    this.calls.push('abort')
  }
}

const sinkOf =
  (writer: MemoryWriter, batchRows = 2) =>
  (flow: Flow<number>) =>
    runSink<number>(flow, 'db', {}, (stage) => roundSink(stage, { stage: 'db', batchRows }, writer))

describe('roundSink', () => {
  it('writes rounds of batchRows in order, then finishes', async () => {
    const writer = new MemoryWriter()
    const report = await pipe(fromGenerator([1, 2, 3, 4, 5]), sinkOf(writer))
    expect(writer.rounds).toEqual([[1, 2], [3, 4], [5]])
    expect(writer.calls).toEqual(['start', 'finish'])
    expect(report.written).toBe(5)
    expectBalanced(report)
  })

  it('fails the rows the database refused, naming the column, and writes the others', async () => {
    const writer = new MemoryWriter(false, (n) => n === 2)
    const report = await pipe(fromGenerator([1, 2, 3]), sinkOf(writer))
    expect(report.written).toBe(2)
    expect(report.failures[0]).toMatchObject({
      _tag: 'SinkError',
      stage: 'db',
      record: 2,
      details: { code: '23502' },
      location: { field: 'n' },
    })
    expectBalanced(report)
  })

  it('counts the rows of a replace as written only once the new table is swapped in', async () => {
    const writer = new MemoryWriter(true)
    const report = await pipe(fromGenerator([1, 2, 3]), sinkOf(writer))
    expect(report.written).toBe(3)
    expect(writer.calls).toEqual(['start', 'finish'])
    expectBalanced(report)
  })

  it('fails the run when a round cannot be written, and aborts the writer', async () => {
    const writer = new MemoryWriter(false, () => false, 3)
    const error: Error & { report?: RunReport } = await pipe(
      fromGenerator([1, 2, 3, 4]),
      sinkOf(writer),
    ).then(
      () => new Error('the run resolved'),
      (caught: unknown) => caught as Error,
    )
    expect(error.message).toContain('connection lost')
    expect(error.report?.written).toBe(2)
    expect(writer.calls).toEqual(['start', 'abort'])
  })
})
