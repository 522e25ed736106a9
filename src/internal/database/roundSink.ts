/**
 * The machinery both database sinks share: records gathered into rounds of `batchRows`, each
 * round handed to the dialect's writer (one round in flight at a time, the next one filling),
 * and the ledger kept — a round's records are in the sink's custody from the moment they arrive
 * (memory is bounded by two rounds, not by the run's budget), written when their transaction
 * commits (or, for replace, when the new table is swapped in), failed one by one when the writer
 * names them bad rows, and dropped as `aborted` when the run stops before their commit.
 *
 * @internal
 * @packageDocumentation
 */
import { describeError, type Location } from '../../core/Failure.js'
import { RunError } from '../../core/RunError.js'
import type { StageHandle } from '../run/StageHandle.js'
import type { SinkImpl } from '../runSink.js'

/** A row the database refused, by its index in the round. @internal */
export interface BadRow {
  readonly index: number
  /** The database's message, with its code: `null value in column "name" … (SQLSTATE 23502)`. */
  readonly reason: string
  /** The column at fault, when the database says. */
  readonly column?: string
  readonly details: Readonly<Record<string, unknown>>
}

/** What a dialect's writer does with rounds. @internal */
export interface RoundWriter<A> {
  /** Connects and checks or creates the target. */
  start(): Promise<void>
  /**
   * Writes one round in its own transaction(s) and resolves with the rows the database refused;
   * every other row is committed (or, with `commitsAtFinish`, loaded for the final swap). Rejects
   * on an infrastructure fault once its retries are spent: nothing of this round was committed.
   */
  write(records: readonly A[]): Promise<readonly BadRow[]>
  /** The input ended: the last step (replace's swap) and closing. */
  finish(): Promise<void>
  /** The run stopped: undo what is not committed (replace's new table) and close. */
  abort(): Promise<void>
  /** Replace mode: rows become visible only at `finish`. */
  readonly commitsAtFinish: boolean
}

/** @internal */
export interface RoundSinkSettings {
  readonly stage: string
  readonly batchRows: number
}

/** A round: its records and where each came from. */
interface Round<A> {
  readonly records: A[]
  readonly locations: Array<Location | undefined>
}

/** Builds the SinkImpl of a database sink over a dialect's writer. @internal */
export function roundSink<A>(
  stage: StageHandle,
  settings: RoundSinkSettings,
  writer: RoundWriter<A>,
): SinkImpl<A> {
  return new RoundSink(stage, settings, writer)
}

/** One run of a database sink: the round filling, and the one in flight. */
class RoundSink<A> implements SinkImpl<A> {
  /** Blocks the sources while a round is in flight and the next one is full. */
  private readonly fullToken = {}
  /** Blocks the sources until the target is ready: records arriving meanwhile lose their line. */
  private readonly startToken = {}
  private filling: Round<A> = emptyRound()
  private inFlight: Promise<void> | undefined
  private blocked = false
  /** Replace mode: rows in the new table, written at the swap. */
  private loaded = 0
  /** A round failed for good: the run stops, nothing more is sent. */
  private fatal = false

  constructor(
    private readonly stage: StageHandle,
    private readonly settings: RoundSinkSettings,
    private readonly writer: RoundWriter<A>,
  ) {
    stage.block(this.startToken)
  }

  async start(): Promise<void> {
    try {
      await this.writer.start()
    } finally {
      // After the run has begun handing records to this sink (right after start resolves), so
      // the first records come through write() with their source line.
      setImmediate(() => this.stage.unblock(this.startToken))
    }
  }

  write(record: A): void {
    this.stage.hold()
    this.filling.records.push(record)
    this.filling.locations.push(this.stage.locationOf(record))
    if (this.filling.records.length >= this.settings.batchRows) this.flush()
  }

  async end(): Promise<void> {
    for (;;) {
      if (this.inFlight !== undefined) {
        await this.inFlight
        continue
      }
      if (this.fatal || this.stage.stopped) return
      if (this.filling.records.length === 0) break
      this.flush()
    }
    await this.writer.finish()
    if (this.loaded > 0) {
      this.stage.writeHeld(this.loaded)
      this.loaded = 0
    }
  }

  async abort(): Promise<void> {
    this.unblock()
    this.stage.unblock(this.startToken)
    this.filling = emptyRound()
    if (this.inFlight !== undefined) await this.inFlight
    await this.writer.abort()
  }

  private unblock(): void {
    if (!this.blocked) return
    this.blocked = false
    this.stage.unblock(this.fullToken)
  }

  private flush(): void {
    const { filling, settings } = this
    if (filling.records.length === 0 || this.stage.stopped) return
    if (this.inFlight !== undefined) {
      // One round in flight, one filling: the sources wait for the round to commit.
      if (filling.records.length >= settings.batchRows && !this.blocked) {
        this.blocked = true
        this.stage.block(this.fullToken)
      }
      return
    }
    // A round is never larger than batchRows: records that came in while one was in flight wait.
    this.send({
      records: filling.records.splice(0, settings.batchRows),
      locations: filling.locations.splice(0, settings.batchRows),
    })
  }

  private send(round: Round<A>): void {
    const stage = this.stage
    stage.beginWork()
    this.inFlight = this.writer
      .write(round.records)
      .then(
        (bad) => this.settleRound(round, bad),
        (error: unknown) => {
          this.fatal = true
          stage.fault(asRunError(error))
        },
      )
      .finally(() => {
        stage.endWork()
        this.inFlight = undefined
        this.unblock()
        if (this.filling.records.length >= this.settings.batchRows && !this.fatal) this.flush()
      })
  }

  /** A round was written: its bad rows fail, the others are written (or loaded, for replace). */
  private settleRound(round: Round<A>, bad: readonly BadRow[]): void {
    const refused = new Set<number>()
    for (const row of bad) {
      // Fail-fast stopped the run at an earlier one: the rest are dropped as `aborted`.
      if (refused.has(row.index) || this.stage.stopped) continue
      refused.add(row.index)
      this.failRow(round, row)
    }
    const good = round.records.length - bad.length
    if (this.writer.commitsAtFinish) this.loaded += good
    else this.stage.writeHeld(good)
  }

  private failRow(round: Round<A>, row: BadRow): void {
    const record = round.records[row.index]
    const location = round.locations[row.index]
    this.stage.failHeld(
      this.stage.failure(
        'SinkError',
        {
          reason: row.reason,
          record,
          details: row.details,
          ...(row.column === undefined ? {} : { location: { field: row.column } }),
        },
        location,
      ),
    )
  }
}

function emptyRound<A>(): Round<A> {
  return { records: [], locations: [] }
}

function asRunError(error: unknown): Error {
  if (error instanceof RunError) return error
  return new RunError(describeError(error), undefined, { cause: error })
}
