import { existsSync, mkdirSync } from 'node:fs'
import { mkdir, readdir, rename, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { historyEntry, JobRuns, summaryLine } from '../internal/pipelineRun.js'
import { globMatcher } from '../internal/globMatcher.js'
import type { Pipeline } from './definePipeline.js'
import type { JobHandle, JobOptions } from './JobHandle.js'

/**
 * Options of {@link watchFolder}.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface WatchFolderOptions extends JobOptions {
  /** The inbox: the folder new files arrive in. */
  readonly dir: string
  /** Which file names to take: a glob of `*`, `?` and `{a,b}` (default `*`; names starting with `.` never). */
  readonly pattern?: string
  /** Where a file goes after a completed run (default: `done` beside the inbox). */
  readonly doneDir?: string
  /** Where a file goes after a run that failed (default: `failed` beside the inbox). */
  readonly failedDir?: string
  /** How often the inbox is looked at, in ms (default 1,000). */
  readonly pollMs?: number
  /**
   * How long a file's size and modification time must stay the same before it counts as
   * complete, in ms (default 2,000): a file still being written is left alone until it stops
   * growing.
   */
  readonly settleMs?: number
}

interface Seen {
  readonly size: number
  readonly mtimeMs: number
  readonly since: number
}

/**
 * Runs a pipeline once for each file that arrives in a folder, one file at a time: the run gets
 * the file's path as `ctx.params.file`, and afterwards the file is moved to `done/` (the run
 * completed) or `failed/` (it did not), beside the inbox. A file moves only after its run, so
 * files waiting when the watcher starts are processed, and a restart neither processes a file
 * twice nor skips one. A file is taken only once it has stopped growing (`settleMs`); a name
 * already in `done/` gets a timestamp so that nothing is overwritten.
 *
 * On `stop()`, a run in progress has `graceMs` to finish; if it is aborted, its file stays in the
 * inbox for the next start. The inbox is created when missing; a pattern it cannot read or an
 * inbox it cannot create is a `TypeError` at once.
 *
 * @example
 * ```ts
 * import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { definePipeline, fromCsv, pipe, toArray, watchFolder } from 'powerflow-etl'
 *
 * const base = mkdtempSync(join(tmpdir(), 'watch-'))
 * const inbox = join(base, 'inbox')
 * const count = definePipeline({
 *   name: 'count-rows',
 *   run: (ctx) => pipe(fromCsv(ctx.params['file'] ?? ''), toArray({ ...ctx.runOptions })),
 * })
 *
 * const job = watchFolder(count, { dir: inbox, pattern: '*.csv', pollMs: 20, settleMs: 40 })
 * writeFileSync(join(inbox, 'deals.csv'), 'id,amount\nD1,10\nD2,20\n')
 * while (job.history.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
 * await job.stop()
 * console.assert(job.history[0]?.status === 'completed' && job.history[0]?.written === 2)
 * console.assert(readdirSync(join(base, 'done')).includes('deals.csv'))
 * rmSync(base, { recursive: true })
 * ```
 *
 * @param pipeline The pipeline to run for each file.
 * @param options The inbox, the file pattern, and what the runs get.
 * @returns A handle: `stop()`, `nextRun` (the next look at the inbox), `running`, `history`.
 * @see schedule
 * @category pipelines
 * @since 0.2.0
 */
export function watchFolder(pipeline: Pipeline, options: WatchFolderOptions): JobHandle {
  const inbox = resolve(options.dir)
  const doneDir = resolve(options.doneDir ?? join(dirname(inbox), 'done'))
  const failedDir = resolve(options.failedDir ?? join(dirname(inbox), 'failed'))
  const matches = globMatcher(options.pattern ?? '*')
  const pollMs = options.pollMs ?? 1_000
  const settleMs = options.settleMs ?? 2_000
  const runs = new JobRuns(pipeline, options)
  const logger = runs.logger
  const seen = new Map<string, Seen>()
  const stuck = new Set<string>()
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let nextScan: Date | null = new Date()
  let looping: Promise<void> = Promise.resolve()

  /** The files of the inbox that have stopped growing, oldest first. */
  const settledFiles = async (): Promise<string[]> => {
    const entries = await readdir(inbox, { withFileTypes: true })
    const now = Date.now()
    const ready: Array<{ name: string; mtimeMs: number }> = []
    const present = new Set<string>()
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith('.') || !matches(entry.name)) continue
      if (stuck.has(entry.name)) continue
      present.add(entry.name)
      let info
      try {
        info = await stat(join(inbox, entry.name))
      } catch {
        continue // gone between the listing and the look
      }
      const before = seen.get(entry.name)
      if (before === undefined || before.size !== info.size || before.mtimeMs !== info.mtimeMs) {
        seen.set(entry.name, { size: info.size, mtimeMs: info.mtimeMs, since: now })
      } else if (now - before.since >= settleMs) {
        ready.push({ name: entry.name, mtimeMs: info.mtimeMs })
      }
    }
    for (const name of seen.keys()) if (!present.has(name)) seen.delete(name)
    ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name))
    return ready.map((file) => file.name)
  }

  const processFile = async (name: string): Promise<void> => {
    const file = join(inbox, name)
    logger.info(`${pipeline.name}: processing ${file}`)
    const entry = await runs.run({ file }, async (outcome) => {
      if (outcome.status === 'aborted' && stopped) {
        logger.warn(`${pipeline.name}: ${file} stays in the inbox for the next start`)
        return historyEntry(pipeline.name, outcome, { file })
      }
      const target = outcome.status === 'completed' ? doneDir : failedDir
      try {
        const movedTo = await moveInto(file, target)
        return historyEntry(pipeline.name, outcome, { file, movedTo })
      } catch (error) {
        // Left where it is, it would run again at every look: it waits for a person instead.
        stuck.add(name)
        logger.error(
          `${pipeline.name}: could not move ${file} to ${target} (it is skipped until the next start): ${error instanceof Error ? error.message : String(error)}`,
        )
        return historyEntry(pipeline.name, outcome, { file })
      }
    })
    seen.delete(name)
    const line = `${summaryLine(entry)} · ${entry.movedTo === undefined ? 'left in the inbox' : `moved to ${entry.movedTo}`}`
    if (entry.status === 'completed') logger.info(line)
    else logger.error(line)
  }

  const scan = async (): Promise<void> => {
    try {
      for (const name of await settledFiles()) {
        if (stopped) return
        await processFile(name)
      }
    } catch (error) {
      logger.error(
        `${pipeline.name}: cannot read the inbox ${inbox}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }

  const loop = (): void => {
    nextScan = null
    looping = scan().then(() => {
      if (stopped) return
      nextScan = new Date(Date.now() + pollMs)
      timer = setTimeout(loop, pollMs)
    })
  }

  try {
    mkdirSync(inbox, { recursive: true })
  } catch (error) {
    throw new TypeError(
      `watchFolder ${pipeline.name}: cannot create the inbox ${inbox}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  logger.info(
    `${pipeline.name}: watching ${inbox} for ${options.pattern ?? '*'}; done → ${doneDir}, failed → ${failedDir}`,
  )
  loop()

  return {
    async stop(stopOptions = {}) {
      stopped = true
      nextScan = null
      clearTimeout(timer)
      await runs.drain(stopOptions.graceMs ?? 30_000, `${pipeline.name}: the watcher stopped`)
      await looping
    },
    get nextRun() {
      return stopped ? null : nextScan
    },
    get running() {
      return runs.running
    },
    get history() {
      return runs.history
    },
  }
}

/** Moves `file` into `folder`, never over a file already there; returns the new path. */
async function moveInto(file: string, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true })
  const name = basename(file)
  let target = join(folder, name)
  if (existsSync(target)) {
    const extension = extname(name)
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    target = join(folder, `${name.slice(0, name.length - extension.length)}.${stamp}${extension}`)
  }
  await rename(file, target)
  return target
}
