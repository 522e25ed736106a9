/**
 * The docs-snippet harness behind test/docs/snippets.test.ts: collects the TypeScript code blocks
 * of the Markdown docs and of `@example` doc comments, type-checks them in one TypeScript program,
 * and runs them in one child process. See the test file for the conventions.
 */
import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** One TypeScript code block of the docs. */
export interface Snippet {
  /** `file:line`, the test name. */
  readonly id: string
  /** The file it comes from, relative to the repository root. */
  readonly file: string
  /** The 1-based line in `file` of the block's first line of code. */
  readonly line: number
  readonly code: string
  /** Type-check only: it needs the network, or is illustrative. */
  readonly compileOnly: boolean
}

/** What became of one snippet. */
export interface SnippetOutcome {
  /** Type errors, each `file:line:column TScode message`. */
  readonly typeErrors: string[]
  /** Whether it ran (false for compile-only snippets). */
  readonly ran: boolean
  /** The error it threw or rejected with, a failed `console.assert`, or a time-out. */
  readonly error?: string
  /** What it printed. */
  readonly output: string
  /** How long it ran, in milliseconds. */
  readonly ms: number
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/
const TS_LANGUAGES = new Set(['ts', 'typescript', 'mts'])
const COMPILE_ONLY_COMMENT = /^<!--\s*snippet:\s*compile-only\s*-->$/
const COMPILE_ONLY_LINE = /^\s*\/\/\s*@snippet\s+compile-only\b/

/** The ```ts blocks of a Markdown text. */
export function snippetsOfMarkdown(file: string, text: string): Snippet[] {
  const lines = text.split(/\r?\n/)
  const snippets: Snippet[] = []
  let previous = ''
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? ''
    const opening = FENCE.exec(line)
    if (opening === null) {
      if (line.trim() !== '') previous = line.trim()
      continue
    }
    const [, indent = '', fence = '', language = '', info = ''] = opening
    const end = closingFence(lines, index + 1, fence)
    const body = lines
      .slice(index + 1, end)
      .map((inner) => (inner.startsWith(indent) ? inner.slice(indent.length) : inner.trimStart()))
    if (TS_LANGUAGES.has(language.toLowerCase())) {
      const marked = COMPILE_ONLY_COMMENT.test(previous) || /\bcompile-only\b/.test(info)
      snippets.push(snippet(file, index + 2, body, marked))
    }
    previous = ''
    index = end
  }
  return snippets
}

/** The ```ts blocks that follow an `@example` tag in the doc comments of a TypeScript text. */
export function snippetsOfDocComments(file: string, text: string): Snippet[] {
  const snippets: Snippet[] = []
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, comment.index).split('\n').length
    const lines = comment[0].split(/\r?\n/).map(commentContent)
    let inExample = false
    for (let index = 0; index < lines.length; index++) {
      const content = lines[index] ?? ''
      if (/^@example\b/.test(content.trim())) inExample = true
      else if (/^@\w+/.test(content.trim())) inExample = false
      const opening = FENCE.exec(content)
      if (opening === null) continue
      const [, , fence = '', language = ''] = opening
      const end = closingFence(lines, index + 1, fence)
      if (inExample && TS_LANGUAGES.has(language.toLowerCase()))
        snippets.push(snippet(file, firstLine + index + 1, lines.slice(index + 1, end), false))
      index = end
    }
  }
  return snippets
}

/** The index of the line closing a fence opened with `fence`, or the end. */
function closingFence(lines: readonly string[], from: number, fence: string): number {
  for (let index = from; index < lines.length; index++) {
    const trimmed = (lines[index] ?? '').trim()
    if (trimmed.length >= fence.length && trimmed === (fence[0] ?? '`').repeat(trimmed.length))
      return index
  }
  return lines.length
}

/** A doc-comment line without its `/**`, `*\/` and leading ` * `. */
function commentContent(line: string): string {
  return line
    .replace(/^\s*\/\*\*\s?/, '')
    .replace(/\s*\*\/\s*$/, '')
    .replace(/^\s*\*( |$)/, '')
}

function snippet(file: string, line: number, body: readonly string[], marked: boolean): Snippet {
  const code = body.join('\n')
  const compileOnly = marked || COMPILE_ONLY_LINE.test(body.find((l) => l.trim() !== '') ?? '')
  return { id: `${file}:${line}`, file, line, code, compileOnly }
}

/**
 * Every snippet of the repository: README.md, docs/**\/*.md (not the generated docs/api), and the
 * `@example` blocks of src/**\/*.ts (not src/internal).
 */
export function collectSnippets(root: string = repoRoot): Snippet[] {
  const snippets: Snippet[] = []
  const readme = join(root, 'README.md')
  if (existsSync(readme))
    snippets.push(...snippetsOfMarkdown('README.md', readFileSync(readme, 'utf8')))
  for (const file of filesUnder(join(root, 'docs'), '.md', [join(root, 'docs', 'api')]))
    snippets.push(...snippetsOfMarkdown(relative(root, file), readFileSync(file, 'utf8')))
  for (const file of filesUnder(join(root, 'src'), '.ts', [join(root, 'src', 'internal')]))
    if (!file.endsWith('.d.ts'))
      snippets.push(...snippetsOfDocComments(relative(root, file), readFileSync(file, 'utf8')))
  return snippets
}

function filesUnder(dir: string, extension: string, excluded: readonly string[]): string[] {
  if (!existsSync(dir) || excluded.includes(dir)) return []
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...filesUnder(path, extension, excluded))
    else if (entry.name.endsWith(extension)) files.push(path)
  }
  return files
}

/**
 * Points imports of `powerflow-etl` at src/index.ts, `powerflow-etl/testing` at src/testing/index.ts and
 * `powerflow-etl/<name>` at src/integrations/<name>/index.ts (as `.js`, which TypeScript and tsx both
 * map to the `.ts` file). Keeps every line where it was.
 */
export function rewriteImports(code: string, root: string = repoRoot): string {
  return code.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])powerflow-etl(?:\/([\w-]+))?\2/g,
    (_match, lead: string, quote: string, subpath: string | undefined) => {
      const target =
        subpath === undefined
          ? 'src/index.js'
          : subpath === 'testing'
            ? 'src/testing/index.js'
            : `src/integrations/${subpath}/index.js`
      return `${lead}${quote}${join(root, target)}${quote}`
    },
  )
}

/** Writes, type-checks and runs snippets; removes its temporary directory afterwards. */
export async function checkSnippets(
  snippets: readonly Snippet[],
  options: { readonly root?: string; readonly timeoutMs?: number } = {},
): Promise<Map<string, SnippetOutcome>> {
  const root = options.root ?? repoRoot
  const dir = mkdtempSync(join(tmpdir(), 'powerflow-snippets-'))
  try {
    // Snippets import packages (fast-check, fp-ts, …) as a user would: resolve them from the repo.
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
    const files = snippets.map((item, index) => {
      const name = `${String(index).padStart(3, '0')}-${item.file.replace(/[^\w.-]+/g, '_')}-${item.line}.mts`
      const path = join(dir, name)
      writeFileSync(path, rewriteImports(item.code, root) + '\n')
      return path
    })
    const running = run(
      snippets.flatMap((item, index) =>
        item.compileOnly ? [] : [{ id: item.id, file: files[index] as string }],
      ),
      dir,
      options.timeoutMs ?? 10_000,
    )
    running.catch(() => undefined) // awaited below; this only keeps a type-check throw clean
    // The type check runs here while the child process runs the snippets.
    const typeErrors = typeCheck(snippets, files, root)
    const runs = await running
    const outcomes = new Map<string, SnippetOutcome>()
    for (const item of snippets) {
      const result = runs.get(item.id)
      outcomes.set(item.id, {
        typeErrors: typeErrors.get(item.id) ?? [],
        ran: result !== undefined,
        ...(result?.error === undefined
          ? {}
          : { error: toDocumentPlaces(result.error, snippets, files) }),
        output: result?.output ?? '',
        ms: result?.ms ?? 0,
      })
    }
    return outcomes
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Rewrites places in the temporary modules (`…/003-….mts:2:5`) as places in the documents. */
function toDocumentPlaces(
  text: string,
  snippets: readonly Snippet[],
  files: readonly string[],
): string {
  let out = text
  files.forEach((file, index) => {
    const item = snippets[index] as Snippet
    const place = new RegExp(`(?:file://)?${escapeRegExp(file)}(?::(\\d+))?`, 'g')
    out = out.replace(place, (_match, line: string | undefined) =>
      line === undefined ? item.file : `${item.file}:${item.line + Number(line) - 1}`,
    )
  })
  return out
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** One TypeScript program over all snippets, with the repository's compiler options. */
function typeCheck(
  snippets: readonly Snippet[],
  files: readonly string[],
  root: string,
): Map<string, string[]> {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path))
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root)
  const { rootDir: _rootDir, ...compilerOptions } = parsed.options
  const program = ts.createProgram(files, {
    ...compilerOptions,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    typeRoots: [join(root, 'node_modules', '@types')],
  })
  const byFile = new Map(files.map((file, index) => [file, snippets[index] as Snippet]))
  const errors = new Map<string, string[]>()
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
  for (const file of files) {
    const source = program.getSourceFile(file)
    const item = byFile.get(file) as Snippet
    const diagnostics =
      source === undefined
        ? []
        : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    const messages = [...global, ...diagnostics].map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      if (diagnostic.file === undefined || diagnostic.start === undefined)
        return `TS${diagnostic.code} ${text}`
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
      return `${item.file}:${item.line + line}:${character + 1} TS${diagnostic.code} ${text}`
    })
    if (messages.length > 0) errors.set(item.id, messages)
  }
  return errors
}

interface RunResult {
  readonly id: string
  readonly error?: string
  readonly output: string
  readonly ms: number
}

/** Runs the snippets one after the other in one child process (tsx), each in its own empty cwd. */
async function run(
  entries: ReadonlyArray<{ readonly id: string; readonly file: string }>,
  dir: string,
  timeoutMs: number,
): Promise<Map<string, RunResult>> {
  if (entries.length === 0) return new Map()
  const manifest = join(dir, 'manifest.json')
  const results = join(dir, 'results.json')
  writeFileSync(
    manifest,
    JSON.stringify(
      entries.map((entry, index) => {
        const cwd = join(dir, `cwd-${index}`)
        mkdirSync(cwd)
        return { ...entry, url: pathToFileURL(entry.file).href, cwd }
      }),
    ),
  )
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const runner = join(dirname(fileURLToPath(import.meta.url)), 'snippetsRunner.ts')
  const child = spawn(
    process.execPath,
    ['--import', tsx, runner, manifest, results, String(timeoutMs)],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs * (entries.length + 2),
      env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' },
    },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdout.resume()
  const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, killed) => done([code, killed])),
  )
  if (!existsSync(results))
    throw new Error(
      `the snippet runner ended without results (status ${status}, signal ${signal}):\n${stderr}`,
    )
  const list = JSON.parse(readFileSync(results, 'utf8')) as RunResult[]
  return new Map(list.map((result) => [result.id, result]))
}
