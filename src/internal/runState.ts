/**
 * The `state` of one run: the positions its sources saved last time (loaded once, on first ask),
 * the positions they reach in this run, and the commit that saves them — called by the run only
 * once the sink has durably committed every record (see runSink), never before.
 *
 * @internal
 * @packageDocumentation
 */
import { describeError } from '../core/Failure.js'
import type { RunStateOptions } from '../core/StateStore.js'

/** What a run keeps under its key. @internal */
export interface StateDocument {
  readonly version: 1
  /** Each source's position, by the source's stage name. */
  readonly positions: Readonly<Record<string, unknown>>
  /** When it was committed (ISO 8601). */
  readonly committedAt: string
}

/** @internal */
export class RunState {
  private loaded: Promise<Readonly<Record<string, unknown>>> | undefined
  private readonly reached = new Map<string, unknown>()
  private committedDocument: StateDocument | undefined
  /** Positions read before the committed ones: a checkpoint's, when the run resumes. */
  private preferred: Promise<Readonly<Record<string, unknown>> | undefined> | undefined

  constructor(
    readonly options: RunStateOptions,
    private readonly runName: string,
  ) {}

  get key(): string {
    return this.options.key
  }

  /** The position `stage` saved in the last committed run, if any. Rejects if the state is unreadable. */
  async positionOf(stage: string): Promise<unknown> {
    const preferred = await this.preferred
    if (preferred !== undefined && stage in preferred) return preferred[stage]
    return (await this.load())[stage]
  }

  /** Sources start from these positions rather than the committed ones (a resumed checkpoint). */
  preferPositions(positions: Promise<Readonly<Record<string, unknown>> | undefined>): void {
    this.preferred = positions
  }

  /** The positions reached so far, as the commit would save them. */
  reachedNow(): Record<string, unknown> {
    return this.positionsReached()
  }

  /** Positions a killed run had reached (its final checkpoint): saved at this run's commit. */
  restoreReached(positions: Readonly<Record<string, unknown>>): void {
    for (const [stage, position] of Object.entries(positions)) this.reached.set(stage, position)
  }

  /**
   * `stage` reached `position` in this run: saved at the commit. A function is asked at the
   * commit (a source whose position is known only then); `undefined` saves nothing.
   */
  reach(stage: string, position: unknown): void {
    this.reached.set(stage, position)
  }

  /** Whether a source reached a position this run. */
  get changed(): boolean {
    return this.reached.size > 0
  }

  /**
   * The document a commit saves now: the positions reached over the ones loaded. A database sink
   * whose target shares a database with the store writes it in its own last transaction and says
   * so with {@link committedBy}.
   */
  async document(): Promise<StateDocument> {
    return {
      version: 1,
      positions: { ...(await this.load()), ...this.positionsReached() },
      committedAt: new Date().toISOString(),
    }
  }

  /** A sink committed `document` in the transaction of its rows: the run's commit writes nothing. */
  committedBy(document: StateDocument): void {
    this.committedDocument = document
  }

  /** Saves the positions reached (over the ones loaded) in one atomic put. */
  async commit(): Promise<StateDocument> {
    if (this.committedDocument !== undefined) return this.committedDocument
    const document = await this.document()
    try {
      await this.options.store.put(this.key, document)
    } catch (error) {
      throw new Error(
        `${this.runName}: the records were written, but saving the state ${JSON.stringify(this.key)} failed (the next run reads them again): ${describeError(error)}`,
        { cause: error },
      )
    }
    return document
  }

  private positionsReached(): Record<string, unknown> {
    const positions: Record<string, unknown> = {}
    for (const [stage, reached] of this.reached) {
      const position: unknown =
        typeof reached === 'function' ? (reached as () => unknown)() : reached
      if (position !== undefined) positions[stage] = position
    }
    return positions
  }

  private load(): Promise<Readonly<Record<string, unknown>>> {
    this.loaded ??= this.read()
    return this.loaded
  }

  private async read(): Promise<Readonly<Record<string, unknown>>> {
    let value: unknown
    try {
      value = await this.options.store.get(this.key)
    } catch (error) {
      throw new Error(
        `${this.runName}: cannot load the state ${JSON.stringify(this.key)}: ${describeError(error)}`,
        { cause: error },
      )
    }
    if (value === undefined) return {}
    const document = value as Partial<StateDocument> | null
    if (
      typeof document !== 'object' ||
      document === null ||
      document.version !== 1 ||
      typeof document.positions !== 'object' ||
      document.positions === null
    )
      throw new Error(
        `${this.runName}: the state ${JSON.stringify(this.key)} is not a run's state (expected { version: 1, positions }); another program may use the same key`,
      )
    return document.positions
  }
}
