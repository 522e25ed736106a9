import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

/**
 * Modules of `src/` that have no test at `test/<same path>.test.ts`, each with why:
 * - `barrel`: an index that only re-exports (the package tests load it);
 * - `types`: declares types only, nothing runs;
 * - `worker`: a worker thread's program, run by the tests of the module that starts it;
 * - `misplaced`: has a test, at another path (named in `testsOfNoModule`): move it;
 * - `untested`: owes its test. Write it and take the module off this list.
 * The list must shrink, never grow: a new module comes with its test.
 */
const withoutMirror: ReadonlyArray<
  readonly [string, 'barrel' | 'types' | 'worker' | 'misplaced' | 'untested']
> = [
  ['codecs/index.ts', 'barrel'],
  ['core/Bookmark.ts', 'types'],
  ['core/Branch.ts', 'types'],
  ['core/BranchesReport.ts', 'types'],
  ['core/ColumnProfile.ts', 'types'],
  ['core/DatabaseReport.ts', 'types'],
  ['core/EnrichReport.ts', 'types'],
  ['core/Flow.ts', 'types'],
  ['core/HttpReport.ts', 'types'],
  ['core/RunReport.ts', 'types'],
  ['core/Sink.ts', 'types'],
  ['core/StateStore.ts', 'types'],
  ['index.ts', 'barrel'],
  ['integrations/distributed/JobReport.ts', 'types'],
  ['integrations/distributed/Task.ts', 'untested'],
  ['integrations/distributed/TaskBuild.ts', 'untested'],
  ['integrations/distributed/coordinate.ts', 'untested'],
  ['integrations/distributed/index.ts', 'barrel'],
  ['integrations/distributed/internal/mergeReports.ts', 'untested'],
  ['integrations/distributed/internal/natsClient.ts', 'untested'],
  ['integrations/distributed/internal/natsJob.ts', 'misplaced'],
  ['integrations/distributed/internal/taskThread.ts', 'worker'],
  ['integrations/distributed/internal/threadPool.ts', 'untested'],
  ['integrations/hubspot/HubSpotRecord.ts', 'types'],
  ['integrations/hubspot/HubSpotReport.ts', 'types'],
  ['integrations/postgres/PostgresConnection.ts', 'types'],
  ['integrations/postgres/PostgresWriter.ts', 'untested'],
  ['integrations/postgres/connect.ts', 'untested'],
  ['integrations/postgres/index.ts', 'barrel'],
  ['integrations/postgres/typeParsers.ts', 'untested'],
  ['integrations/salesforce/SalesforceReport.ts', 'types'],
  ['integrations/salesforce/index.ts', 'barrel'],
  ['integrations/salesforce/internal/SalesforceApi.ts', 'untested'],
  ['integrations/salesforce/internal/SalesforceLogin.ts', 'untested'],
  ['integrations/salesforce/internal/bulkJob.ts', 'types'],
  ['integrations/salesforce/internal/bulkQuery.ts', 'untested'],
  ['integrations/salesforce/internal/restQuery.ts', 'untested'],
  ['integrations/salesforce/internal/writes.ts', 'untested'],
  ['integrations/sqlite/SqliteDatabase.ts', 'types'],
  ['integrations/sqlite/SqliteWriter.ts', 'untested'],
  ['integrations/sqlite/index.ts', 'barrel'],
  ['integrations/sqlite/open.ts', 'untested'],
  ['internal/database/stateBinding.ts', 'untested'],
  ['pipelines/JobHandle.ts', 'types'],
  ['pipelines/RunHistoryEntry.ts', 'types'],
  ['testing/index.ts', 'barrel'],
]

/**
 * Test files that mirror no module, each with why: `law` (a promise across modules, in
 * test/laws/), `package` (the package as users get it: docs, examples, exports, types), `misplaced`
 * (the test of a module at another path: move it). A folder of tests grouped by anything else (a
 * review, a ticket) does not belong here: its tests go to the modules they concern.
 */
const testsOfNoModule: ReadonlyArray<readonly [string, 'law' | 'package' | 'misplaced']> = [
  ['docs/snippets.test.ts', 'package'],
  ['examples.test.ts', 'package'],
  ['integrations/distributed/natsJob.test.ts', 'misplaced'],
  ['laws/core.test.ts', 'law'],
  ['laws/killHarness.test.ts', 'law'],
  ['laws/layering.test.ts', 'law'],
  ['laws/locations.test.ts', 'law'],
  ['laws/marbles.test.ts', 'law'],
  ['laws/mirror.test.ts', 'law'],
  ['laws/webhookKillHarness.test.ts', 'law'],
  ['package.test.ts', 'package'],
  ['roundtrip.test.ts', 'law'],
  ['testing/peerDependencies.test.ts', 'package'],
  ['types/public.test.ts', 'package'],
]

function filesUnder(top: string, folder: string, suffix: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(top, join(folder, entry.name), suffix)
      : entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts')
        ? [relative(top, join(folder, entry.name)).split('\\').join('/')]
        : [],
  )
}

function modulesUnder(folder: string): string[] {
  return filesUnder(folder, folder, '.ts')
}

const mirrorOf = (module: string): string => join(root, 'test', module.replace(/\.ts$/, '.test.ts'))

describe('the test tree', () => {
  it('mirrors src/: every module has its test at the same path, but the few allowed', () => {
    const modules = modulesUnder(join(root, 'src')).sort()
    const lacking = modules.filter((module) => !existsSync(mirrorOf(module)))
    const allowed = withoutMirror.map(([module]) => module)
    expect(
      lacking.filter((module) => !allowed.includes(module)),
      'modules without a test at test/<same path>.test.ts: write it',
    ).toEqual([])
    expect(
      allowed.filter((module) => !lacking.includes(module)),
      'allowed modules that now have a test, or are gone: take them off the list',
    ).toEqual([])
  })

  it('allows each module once, in path order', () => {
    const allowed = withoutMirror.map(([module]) => module)
    expect(allowed).toEqual([...new Set(allowed)].sort())
  })

  it('gives reasons that hold: a barrel only re-exports, a types module declares no value', () => {
    const text = (module: string): string =>
      readFileSync(join(root, 'src', module), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '')
    const wrong = withoutMirror.flatMap(([module, reason]) => {
      if (
        reason === 'types' &&
        /^export\s+(?:async\s+)?(?:function|class|const|let|var|enum)\b/m.test(text(module))
      )
        return [`${module} is allowed as types but exports a value`]
      if (
        reason === 'barrel' &&
        text(module)
          .split('\n')
          .some((line) => line.trim() !== '' && !/^(export|import)\b|^\s|^[}\]]/.test(line))
      )
        return [`${module} is allowed as a barrel but holds code`]
      return []
    })
    expect(wrong).toEqual([])
  })

  it('holds no test file that mirrors no module, but the laws and the package tests allowed', () => {
    const tests = filesUnder(join(root, 'test'), join(root, 'test'), '.test.ts')
    const orphans = tests
      .filter((test) => !existsSync(join(root, 'src', test.replace(/\.test\.ts$/, '.ts'))))
      .sort()
    expect(orphans).toEqual(testsOfNoModule.map(([test]) => test))
  })
})
