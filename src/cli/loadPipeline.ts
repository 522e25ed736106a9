/**
 * Loading a pipeline file: a JavaScript module imported as it is, a TypeScript one through tsx
 * (an optional peer dependency) or Node's own type stripping where it has it; the pipeline is the
 * module's default export (or its export named `pipeline`).
 *
 * @internal
 * @packageDocumentation
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isPipeline, type Pipeline } from '../pipelines/definePipeline.js'
import { UsageError } from './arguments.js'

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/

let typescriptReady: Promise<void> | undefined

/** Makes `.ts` files importable, once. @internal */
function enableTypeScript(file: string): Promise<void> {
  typescriptReady ??= (async () => {
    try {
      const tsx = await import('tsx/esm/api')
      tsx.register()
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code !== 'ERR_MODULE_NOT_FOUND') throw error
      // Node 22.18+ and 23.6+ strip types by themselves.
      if ((process.features as { typescript?: unknown }).typescript) return
      throw new UsageError(
        `${file} is TypeScript, and running it without a build step needs tsx: npm install --save-dev tsx ` +
          `(or compile the pipeline and pass the .js file)`,
      )
    }
  })()
  return typescriptReady
}

/**
 * Imports a user's module file: TypeScript through tsx, usage errors for a missing file or one
 * that cannot load.
 *
 * @internal
 */
export async function importUserModule(
  file: string,
  kind = 'pipeline',
): Promise<Record<string, unknown>> {
  const path = resolve(file)
  if (!existsSync(path) || !statSync(path).isFile())
    throw new UsageError(`no such ${kind} file: ${file}`)
  if (TYPESCRIPT.test(path)) await enableTypeScript(file)
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (error) {
    if (error instanceof UsageError) throw error
    const code = String((error as { code?: unknown }).code ?? '')
    // A .ts or .js file outside an ES module package is CommonJS, and cannot load this package.
    const hint = code.startsWith('ERR_REQUIRE')
      ? ` (${kind} files are ES modules: add "type": "module" to your package.json, or name the file .mts or .mjs)`
      : ''
    throw new UsageError(
      `cannot load ${file}: ${error instanceof Error ? error.message : String(error)}${hint}`,
    )
  }
}

/** The pipeline a file exports; usage errors for a missing file or a module without one. @internal */
export async function loadPipeline(file: string): Promise<Pipeline> {
  const loaded = await importUserModule(file)
  const candidates = [
    loaded['default'],
    (loaded['default'] as { default?: unknown } | undefined)?.default,
    loaded['pipeline'],
  ]
  const pipeline = candidates.find(isPipeline)
  if (pipeline === undefined)
    throw new UsageError(
      `${file} does not export a pipeline: write export default definePipeline({ name, run })`,
    )
  return pipeline
}
