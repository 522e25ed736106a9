/**
 * Compiles a TypeScript job module once, on the main thread, before any worker thread starts:
 * esbuild bundles the module with its relative imports into one JavaScript file beside it (so
 * that its package imports resolve as the module's own do), and every thread imports that file
 * as plain JavaScript — no TypeScript loader in each thread. Without esbuild (an optional peer
 * dependency, also installed with tsx) each thread registers tsx instead, and pays its start.
 *
 * @internal
 * @packageDocumentation
 */
import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import { unlinkSync } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/i

/** A job module ready for threads. @internal */
export interface PreparedJob {
  /** The URL each thread imports. */
  readonly url: string
  /** The URL of tsx's ES module API when threads must register it to import `url`. */
  readonly tsx?: string
  /** Time spent compiling, in ms (0 for a JavaScript module). */
  readonly compileMs: number
  /** Removes the compiled file, if any. */
  remove(): Promise<void>
}

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<unknown>
}

const nothing = (): Promise<void> => Promise.resolve()

/** esbuild, installed directly or as tsx's dependency; undefined when neither is there. */
async function loadEsbuild(): Promise<EsbuildApi | undefined> {
  const candidates = [
    () => 'esbuild',
    () => {
      const tsx = createRequire(import.meta.url).resolve('tsx/esm/api')
      return pathToFileURL(createRequire(tsx).resolve('esbuild')).href
    },
  ]
  for (const candidate of candidates) {
    try {
      const loaded = (await import(candidate())) as EsbuildApi & { default?: EsbuildApi }
      const api = typeof loaded.build === 'function' ? loaded : loaded.default
      if (api !== undefined && typeof api.build === 'function') return api
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined
}

/** tsx's ES module API, for threads that load TypeScript themselves. */
function tsxApi(): string | undefined {
  try {
    // The ES module build of the API, beside the CommonJS one that require resolves.
    const api = createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs')
    return pathToFileURL(api).href
  } catch {
    return undefined
  }
}

/** Whether process `pid` still runs (a process we may not signal runs too). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM'
  }
}

/** Removes compiled copies of `source` left by processes that ended without removing them. */
async function removeStale(source: string): Promise<void> {
  const prefix = `.${basename(source)}.`
  const names = await readdir(dirname(source)).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.mjs')) continue
    const pid = /^(\d+)-[0-9a-f]{8}$/.exec(name.slice(prefix.length, -'.mjs'.length))?.[1]
    if (pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid)))
      await rm(join(dirname(source), name), { force: true })
  }
}

/**
 * Makes the job module `job` (a URL) loadable by plain worker threads: a JavaScript module as it
 * is; a TypeScript file compiled once (or, without esbuild, loaded through tsx in each thread).
 *
 * @internal
 */
export async function prepareJob(job: string): Promise<PreparedJob> {
  if (!job.startsWith('file:') || !TYPESCRIPT.test(new URL(job).pathname))
    return { url: job, compileMs: 0, remove: nothing }
  const started = performance.now()
  const esbuild = await loadEsbuild()
  const tsx = tsxApi()
  const fallback = (): PreparedJob => ({
    url: job,
    ...(tsx === undefined ? {} : { tsx }),
    compileMs: performance.now() - started,
    remove: nothing,
  })
  if (esbuild === undefined) return fallback()
  const source = fileURLToPath(job)
  await removeStale(source)
  // Beside the module: its package imports (left as they are) resolve from the same folder.
  const compiled = join(
    dirname(source),
    `.${basename(source)}.${process.pid}-${randomBytes(4).toString('hex')}.mjs`,
  )
  try {
    await esbuild.build({
      entryPoints: [source],
      outfile: compiled,
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      logLevel: 'silent',
    })
  } catch (error) {
    await rm(compiled, { force: true })
    // A folder we may not write to, or code esbuild rejects: each thread loads the module
    // through tsx instead, and a module that cannot load fails each task with the reason.
    if (tsx !== undefined) return fallback()
    const text = (error as { errors?: Array<{ text?: string }> }).errors?.[0]?.text
    throw new Error(`cannot compile job module ${source}: ${text ?? String(error)}`, {
      cause: error,
    })
  }
  // Removed by `remove()`; else when the process exits, or by the next compile after a kill.
  const onExit = (): void => {
    try {
      unlinkSync(compiled)
    } catch {
      // Already removed.
    }
  }
  process.once('exit', onExit)
  return {
    url: pathToFileURL(compiled).href,
    compileMs: performance.now() - started,
    remove: async () => {
      process.removeListener('exit', onExit)
      await rm(compiled, { force: true })
    },
  }
}
