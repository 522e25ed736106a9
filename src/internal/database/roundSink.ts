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
import { describeError, failure, type Location } from '../../core/Failure.js'
import { RunError } from '../../core/RunError.js'
import { RunStop, type RunContext, type StageStats } from '../RunContext.js'
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
  run: RunContext,
  stats: StageStats,
  settings: RoundSinkSettings,
  writer: RoundWriter<A>,
): SinkImpl<A> {
  const token = {}
  // Sources wait until the target is ready: records that arrive meanwhile lose their source line.
  const starting = {}
  run.block(starting)
  let filling: Round<A> = emptyRound()
  let inFlight: Promise<void> | undefined
  let blocked = false
  let loaded = 0 // replace: rows in the new table, written at the swap
  let fatal = false

  const unblock = (): void => {
    if (!blocked) return
    blocked = false
    run.unblock(token)
  }

  const settleRound = (round: Round<A>, bad: readonly BadRow[]): void => {
    const refused = new Set<number>()
    for (const row of bad) {
      // Fail-fast stopped the run at an earlier one: the rest are dropped as `aborted`.
      if (refused.has(row.index) || run.stopped !== undefined) continue
      refused.add(row.index)
      const record = round.records[row.index]
      const location = round.locations[row.index]
      stats.failed += 1
      run.fail(
        failure('SinkError', {
          stage: settings.stage,
          reason: row.reason,
          record,
          details: row.details,
          ...(location === undefined && row.column === undefined
            ? {}
            : {
                location: {
                  ...location,
                  ...(row.column === undefined ? {} : { field: row.column }),
                },
              }),
        }),
        true,
      )
    }
    const good = round.records.length - bad.length
    if (writer.commitsAtFinish) loaded += good
    else {
      stats.out += good
      run.settle('written', good, undefined, true)
    }
  }

  const send = (round: Round<A>): void => {
    run.beginWork()
    inFlight = writer
      .write(round.records)
      .then(
        (bad) => settleRound(round, bad),
        (error: unknown) => {
          fatal = true
          run.stop(new RunStop('failed', asRunError(error)))
        },
      )
      .finally(() => {
        run.endWork()
        inFlight = undefined
        unblock()
        if (filling.records.length >= settings.batchRows && !fatal) flush()
      })
  }

  const flush = (): void => {
    if (filling.records.length === 0 || run.stopped !== undefined) return
    if (inFlight !== undefined) {
      // One round in flight, one filling: the sources wait for the round to commit.
      if (filling.records.length >= settings.batchRows && !blocked) {
        blocked = true
        run.block(token)
      }
      return
    }
    // A round is never larger than batchRows: records that came in while one was in flight wait.
    const round: Round<A> = {
      records: filling.records.splice(0, settings.batchRows),
      locations: filling.locations.splice(0, settings.batchRows),
    }
    send(round)
  }

  return {
    async start() {
      try {
        await writer.start()
      } finally {
        // After the run has begun handing records to this sink (right after start resolves), so
        // the first records come through write() with their source line.
        setImmediate(() => run.unblock(starting))
      }
    },
    write(record) {
      run.hold(1)
      filling.records.push(record)
      filling.locations.push(run.locationOf(record))
      if (filling.records.length >= settings.batchRows) flush()
    },
    async end() {
      for (;;) {
        if (inFlight !== undefined) {
          await inFlight
          continue
        }
        if (fatal || run.stopped !== undefined) return
        if (filling.records.length === 0) break
        flush()
      }
      await writer.finish()
      if (loaded > 0) {
        stats.out += loaded
        run.settle('written', loaded, undefined, true)
        loaded = 0
      }
    },
    async abort() {
      unblock()
      run.unblock(starting)
      filling = emptyRound()
      if (inFlight !== undefined) await inFlight
      await writer.abort()
    },
  }
}

function emptyRound<A>(): Round<A> {
  return { records: [], locations: [] }
}

function asRunError(error: unknown): Error {
  if (error instanceof RunError) return error
  return new RunError(describeError(error), undefined, { cause: error })
}
