/**
 * Every TypeScript code block of the docs is compiled, and run, by this test, so the docs cannot
 * rot. Collected:
 *
 * - README.md and docs/**\/*.md (not the generated docs/api): every fenced block whose language is
 *   `ts`, `typescript` or `mts`. Other languages (`sh`, `json`, `text`, `js`) are not touched.
 * - src/**\/*.ts (not src/internal): every ```ts block after an `@example` tag in a doc comment.
 *
 * Each block is a module of its own (top-level `await` works). Imports of `powerflow-etl` point at
 * src/index.ts, `powerflow-etl/testing` at src/testing/index.ts and `powerflow-etl/<name>` at
 * src/integrations/<name>/index.ts; other packages resolve from the repository's node_modules.
 * All blocks are type-checked in one TypeScript program with tsconfig.json's options; then those
 * that are not compile-only run one after the other in one `node --import tsx` process, each in a
 * fresh empty temporary directory as its cwd (a snippet that reads a file creates it first). A
 * block fails when it has a type error, throws or rejects, fails a `console.assert` (made to throw),
 * leaves an unhandled rejection, or runs longer than 10 s.
 *
 * Compile-only (needs the network, a credential, or is illustrative): in Markdown, put
 * `<!-- snippet: compile-only -->` on the line before the fence, or write ```ts compile-only; in a
 * doc comment (or Markdown), make the block's first line `// @snippet compile-only`.
 *
 * Test names are `file:line` of the block's first line of code; type errors name the file and line
 * in the original document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkSnippets,
  collectSnippets,
  rewriteImports,
  snippetsOfDocComments,
  snippetsOfMarkdown,
  type Snippet,
  type SnippetOutcome,
} from '../support/snippets.js'

const snippets = collectSnippets()
let outcomes = new Map<string, SnippetOutcome>()

function expectClean(snippet: Snippet, outcome: SnippetOutcome | undefined): void {
  expect(outcome, `${snippet.id} was not checked`).toBeDefined()
  if (outcome === undefined) return
  expect(outcome.typeErrors, `type errors in ${snippet.id}`).toEqual([])
  if (snippet.compileOnly) return
  expect(outcome.ran, `${snippet.id} did not run`).toBe(true)
  if (outcome.error !== undefined)
    throw new Error(
      `${snippet.id} failed: ${outcome.error}` +
        (outcome.output === '' ? '' : `\n--- it printed ---\n${outcome.output}`),
    )
}

describe('docs snippets', () => {
  beforeAll(async () => {
    outcomes = await checkSnippets(snippets)
  }, 120_000)

  it('finds the examples of the source files', () => {
    expect(snippets.some((snippet) => snippet.file === 'src/operators/map.ts')).toBe(true)
  })

  for (const snippet of snippets)
    it(`${snippet.id}${snippet.compileOnly ? ' (compile-only)' : ''}`, () => {
      expectClean(snippet, outcomes.get(snippet.id))
    })
})

describe('the snippet harness', () => {
  const markdown = [
    '# Title', //                                   1
    '', //                                          2
    '```ts', //                                     3
    "import { map } from 'powerflow-etl'", //           4
    'console.assert(typeof map === "function")', // 5
    '```', //                                       6
    '', //                                          7
    '<!-- snippet: compile-only -->', //            8
    '```typescript', //                             9
    "await fetch('https://example.com')", //        10
    '```', //                                       11
    '```sh', //                                     12
    'npm test', //                                  13
    '```', //                                       14
    '````ts compile-only', //                       15
    '```', //                                       16
    '````', //                                      17
    '- a list item', //                             18
    '    ```ts', //                                 19
    '    const x = 1', //                           20
    '    ```', //                                   21
  ].join('\n')

  const source = [
    '/**', //                                       1
    ' * Does a thing.', //                          2
    ' *', //                                        3
    ' * ```ts', //                                  4
    ' * not an example', //                         5
    ' * ```', //                                    6
    ' * @example', //                               7
    ' * ```ts', //                                  8
    ' * const a: number = 1', //                    9
    ' * console.assert(a === 1)', //                10
    ' * ```', //                                    11
    ' * @example', //                               12
    ' * ```ts', //                                  13
    ' * // @snippet compile-only', //               14
    ' * const b = 2', //                            15
    ' * ```', //                                    16
    ' * @since 0.1.0', //                           17
    ' */', //                                       18
    'export const thing = 1', //                    19
  ].join('\n')

  it('takes the ts blocks of Markdown with their line and compile-only marks', () => {
    expect(snippetsOfMarkdown('guide.md', markdown)).toEqual([
      {
        id: 'guide.md:4',
        file: 'guide.md',
        line: 4,
        code: 'import { map } from \'powerflow-etl\'\nconsole.assert(typeof map === "function")',
        compileOnly: false,
      },
      {
        id: 'guide.md:10',
        file: 'guide.md',
        line: 10,
        code: "await fetch('https://example.com')",
        compileOnly: true,
      },
      { id: 'guide.md:16', file: 'guide.md', line: 16, code: '```', compileOnly: true },
      { id: 'guide.md:20', file: 'guide.md', line: 20, code: 'const x = 1', compileOnly: false },
    ])
  })

  it('takes only the @example blocks of doc comments, with their line', () => {
    expect(snippetsOfDocComments('src/thing.ts', source)).toEqual([
      {
        id: 'src/thing.ts:9',
        file: 'src/thing.ts',
        line: 9,
        code: 'const a: number = 1\nconsole.assert(a === 1)',
        compileOnly: false,
      },
      {
        id: 'src/thing.ts:14',
        file: 'src/thing.ts',
        line: 14,
        code: '// @snippet compile-only\nconst b = 2',
        compileOnly: true,
      },
    ])
  })

  it('points powerflow imports at the source files and leaves other strings alone', () => {
    const code = [
      "import { map } from 'powerflow-etl'",
      'import { runToArray } from "powerflow-etl/testing"',
      "import * as sf from 'powerflow-etl/salesforce'",
      "const pf = await import('powerflow-etl')",
      "const name = 'powerflow-etl'",
    ].join('\n')
    expect(rewriteImports(code, '/repo').split('\n')).toEqual([
      "import { map } from '/repo/src/index.js'",
      'import { runToArray } from "/repo/src/testing/index.js"',
      "import * as sf from '/repo/src/integrations/salesforce/index.js'",
      "const pf = await import('/repo/src/index.js')",
      "const name = 'powerflow-etl'",
    ])
  })

  describe('checking snippets', () => {
    const made = (line: number, code: string, compileOnly = false): Snippet => ({
      id: `made.md:${line}`,
      file: 'made.md',
      line,
      code,
      compileOnly,
    })
    const cases = {
      clean: made(
        1,
        "import { failure } from 'powerflow-etl'\nconsole.log(failure('X', { stage: 's', reason: 'r' }).message)",
      ),
      typeError: made(10, 'const n: number = 1\nconst s: string = n\nconsole.log(s)'),
      failedAssert: made(20, 'console.assert(1 + 1 === 3, "arithmetic")'),
      swallowedAssert: made(30, 'try { console.assert(false) } catch {}'),
      throws: made(40, "await Promise.resolve()\nthrow new Error('boom')"),
      compileOnly: made(50, "throw new Error('never run')", true),
      cwd: made(
        60,
        "import { writeFileSync, readdirSync } from 'node:fs'\nwriteFileSync('out.txt', 'x')\nconsole.assert(readdirSync('.').join() === 'out.txt')",
      ),
    }
    let checked = new Map<string, SnippetOutcome>()
    beforeAll(async () => {
      checked = await checkSnippets(Object.values(cases))
    }, 60_000)
    const outcome = (snippet: Snippet): SnippetOutcome => {
      const found = checked.get(snippet.id)
      if (found === undefined) throw new Error(`no outcome for ${snippet.id}`)
      return found
    }

    it('passes a clean snippet and captures what it prints', () => {
      expect(outcome(cases.clean)).toMatchObject({ typeErrors: [], ran: true, output: 's: r\n' })
    })

    it('reports a type error at its line in the original document', () => {
      expect(outcome(cases.typeError).typeErrors).toEqual([
        "made.md:11:7 TS2322 Type 'number' is not assignable to type 'string'.",
      ])
    })

    it('fails a snippet whose console.assert fails, even when the throw is swallowed', () => {
      expect(outcome(cases.failedAssert).error).toMatch(/console\.assert failed: arithmetic/)
      expect(outcome(cases.swallowedAssert).error).toMatch(/console\.assert failed/)
    })

    it('fails a snippet that throws after an await, naming the place in the document', () => {
      expect(outcome(cases.throws).error).toMatch(/Error: boom[\s\S]*made\.md:41:/)
    })

    it('type-checks a compile-only snippet without running it', () => {
      expect(outcome(cases.compileOnly)).toEqual({ typeErrors: [], ran: false, output: '', ms: 0 })
    })

    it('runs each snippet in its own empty temporary directory', () => {
      expect(outcome(cases.cwd).error).toBeUndefined()
    })
  })
})

afterAll(() => {
  outcomes.clear()
})
