/**
 * The child process of the docs-snippet harness (test/support/snippets.ts), started as
 * `node --import tsx snippetsRunner.ts manifest.json results.json timeoutMs`: imports each snippet
 * module in turn, in its own cwd, with `console.assert` made to throw, and writes what became of
 * each to results.json. Output is captured per snippet, not printed.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { format } from 'node:util'

interface Entry {
  readonly id: string
  readonly url: string
  readonly cwd: string
}

interface Result {
  id: string
  error?: string
  output: string
  ms: number
}

const [manifestPath, resultsPath, timeoutArgument] = process.argv.slice(2)
if (manifestPath === undefined || resultsPath === undefined)
  throw new Error('usage: snippetsRunner.ts manifest.json results.json [timeoutMs]')
const timeoutMs = Number(timeoutArgument ?? 10_000)
const entries = JSON.parse(readFileSync(manifestPath, 'utf8')) as Entry[]

let current: Result | undefined
const problem = (error: unknown): void => {
  if (current === undefined || current.error !== undefined) return
  current.error = error instanceof Error ? (error.stack ?? error.message) : format(error)
}

console.assert = (condition?: unknown, ...data: unknown[]): void => {
  if (condition) return
  const error = new Error(`console.assert failed${data.length === 0 ? '' : `: ${format(...data)}`}`)
  // Recorded even if the snippet swallows the throw (an assert inside a callback).
  problem(error)
  throw error
}

const capture =
  () =>
  (chunk: unknown, ...rest: unknown[]): boolean => {
    if (current !== undefined) current.output += typeof chunk === 'string' ? chunk : String(chunk)
    const callback = rest.find((value) => typeof value === 'function') as (() => void) | undefined
    callback?.()
    return true
  }
process.stdout.write = capture() as typeof process.stdout.write
process.stderr.write = capture() as typeof process.stderr.write
process.on('unhandledRejection', problem)
process.on('uncaughtException', problem)

const results: Result[] = []
for (const entry of entries) {
  const result: Result = { id: entry.id, output: '', ms: 0 }
  const started = performance.now()
  current = result
  results.push(result)
  process.chdir(entry.cwd)
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      import(entry.url),
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the snippet did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        )
      }),
    ])
    // Let late callbacks and rejections of this snippet land on it.
    await new Promise((resolve) => setImmediate(resolve))
  } catch (error) {
    problem(error)
  } finally {
    clearTimeout(timer)
    result.ms = Math.round(performance.now() - started)
  }
}
current = undefined
writeFileSync(resultsPath, JSON.stringify(results))
process.exit(0)
