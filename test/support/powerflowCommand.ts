/**
 * Starting the `powerflow` command as a child process, the way a user does, and reading what it
 * prints. By default the command runs from its TypeScript entry through tsx (no build needed);
 * `bin` runs another entry, such as the built package's `bin`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export const repo = join(import.meta.dirname, '..', '..')

/** The import specifier of the library's source entry, for pipeline files the tests write. */
export const sourceEntry = pathToFileURL(join(repo, 'src', 'index.ts')).href

export interface Command {
  readonly child: ChildProcess
  /** Everything printed so far. */
  stdout(): string
  stderr(): string
  /** Resolves once `text` has been printed on stdout or stderr. */
  printed(text: string | RegExp, timeoutMs?: number): Promise<void>
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>
}

export interface CommandOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
  /** An executable to start instead of the TypeScript entry (the built `bin`). */
  readonly bin?: string
}

/** Starts `powerflow …args`. */
export function powerflow(args: readonly string[], options: CommandOptions = {}): Command {
  const [file, fileArgs] =
    options.bin === undefined
      ? [process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), ...args]]
      : [options.bin, [...args]]
  const child = spawn(file, fileArgs, {
    cwd: options.cwd ?? repo,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  const notify = (): void => {
    for (const waiter of Array.from(waiters)) waiter()
  }
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    notify()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
    notify()
  })
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    printed: (text, timeoutMs = 45_000) =>
      new Promise<void>((resolve, reject) => {
        const seen = (): boolean => {
          const all = stdout + stderr
          return typeof text === 'string' ? all.includes(text) : text.test(all)
        }
        if (seen()) return resolve()
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(`not printed within ${timeoutMs} ms: ${String(text)}\n${stdout}\n${stderr}`),
          )
        }, timeoutMs)
        const check = (): void => {
          if (!seen()) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
        void exit.then(() => {
          if (waiters.has(check)) {
            clearTimeout(timer)
            waiters.delete(check)
            if (seen()) resolve()
            else reject(new Error(`exited before printing ${String(text)}\n${stdout}\n${stderr}`))
          }
        })
      }),
    exited: () => exit,
  }
}

/** Runs `powerflow …args` to its end. */
export async function powerflowRun(
  args: readonly string[],
  options: CommandOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const command = powerflow(args, options)
  const code = await command.exited()
  return { code, stdout: command.stdout(), stderr: command.stderr() }
}

/** A temporary folder, removed by the returned function. */
export function temporaryFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `powerflow-${prefix}-`))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Writes a pipeline file whose `body` may use everything the library exports as `pf`. */
export function writePipeline(folder: string, name: string, body: string): string {
  const path = join(folder, name)
  writeFileSync(path, `import * as pf from '${sourceEntry}'\n${body}\n`)
  return path
}

/** The lines of a JSON-lines file (none when it does not exist). */
export function jsonLines(path: string): Array<Record<string, unknown>> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** Waits until `condition` holds, checking every 25 ms. */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 45_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
