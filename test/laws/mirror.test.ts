import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

/**
 * Modules of `src/` that have no test at `test/<same path>.test.ts`, each with why:
 * - `barrel`: an index that only re-exports (the package tests load it);
 * - `types`: declares types only, nothing runs;
 * - `worker`: a worker thread's program, run by the tests of the module that starts it;
 * - `untested`: owes its test. Write it and take the module off this list.
 * The list must shrink, never grow: a new module comes with its test.
 */
const withoutMirror: ReadonlyArray<readonly [string, 'barrel' | 'types' | 'worker' | 'untested']> =
  [
    ['cli/console.ts', 'untested'],
    ['cli/loadPipeline.ts', 'untested'],
    ['codecs/index.ts', 'barrel'],
    ['core/AbortError.ts', 'untested'],
    ['core/Bookmark.ts', 'types'],
    ['core/Branch.ts', 'types'],
    ['core/BranchesReport.ts', 'types'],
    ['core/ColumnProfile.ts', 'types'],
    ['core/DatabaseReport.ts', 'types'],
    ['core/EnrichReport.ts', 'types'],
    ['core/Flow.ts', 'types'],
    ['core/HttpReport.ts', 'types'],
    ['core/RunError.ts', 'untested'],
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
    ['integrations/distributed/internal/natsJob.ts', 'untested'],
    ['integrations/distributed/internal/partFiles.ts', 'untested'],
    ['integrations/distributed/internal/taskThread.ts', 'worker'],
    ['integrations/distributed/internal/threadPool.ts', 'untested'],
    ['integrations/distributed/work.ts', 'untested'],
    ['integrations/hubspot/HubSpotRecord.ts', 'types'],
    ['integrations/hubspot/HubSpotReport.ts', 'types'],
    ['integrations/hubspot/HubSpotStats.ts', 'untested'],
    ['integrations/postgres/PostgresConnection.ts', 'types'],
    ['integrations/postgres/PostgresWriter.ts', 'untested'],
    ['integrations/postgres/connect.ts', 'untested'],
    ['integrations/postgres/copyText.ts', 'untested'],
    ['integrations/postgres/index.ts', 'barrel'],
    ['integrations/postgres/typeParsers.ts', 'untested'],
    ['integrations/salesforce/SalesforceConnection.ts', 'untested'],
    ['integrations/salesforce/SalesforceReport.ts', 'types'],
    ['integrations/salesforce/index.ts', 'barrel'],
    ['integrations/salesforce/internal/SalesforceApi.ts', 'untested'],
    ['integrations/salesforce/internal/SalesforceStats.ts', 'untested'],
    ['integrations/salesforce/internal/bulkJob.ts', 'types'],
    ['integrations/salesforce/internal/bulkQuery.ts', 'untested'],
    ['integrations/salesforce/internal/restQuery.ts', 'untested'],
    ['integrations/salesforce/internal/writes.ts', 'untested'],
    ['integrations/sqlite/SqliteDatabase.ts', 'types'],
    ['integrations/sqlite/SqliteWriter.ts', 'untested'],
    ['integrations/sqlite/index.ts', 'barrel'],
    ['integrations/sqlite/open.ts', 'untested'],
    ['internal/branches.ts', 'untested'],
    ['internal/codecTraits.ts', 'untested'],
    ['internal/csv/csvReader.ts', 'untested'],
    ['internal/csv/delimiterGuess.ts', 'untested'],
    ['internal/csv/recordBoundaries.ts', 'untested'],
    ['internal/csv/recordShape.ts', 'untested'],
    ['internal/csv/valueTyping.ts', 'untested'],
    ['internal/database/DatabaseStats.ts', 'untested'],
    ['internal/database/roundSink.ts', 'untested'],
    ['internal/database/sinkOptions.ts', 'untested'],
    ['internal/dateFormat.ts', 'untested'],
    ['internal/depth.ts', 'untested'],
    ['internal/enrich/callLookup.ts', 'untested'],
    ['internal/enrich/enrichOperator.ts', 'untested'],
    ['internal/enrich/table.ts', 'untested'],
    ['internal/fanIn.ts', 'untested'],
    ['internal/html/charts.ts', 'untested'],
    ['internal/html/escape.ts', 'untested'],
    ['internal/html/flowDiagram.ts', 'untested'],
    ['internal/html/page.ts', 'untested'],
    ['internal/html/styles.ts', 'untested'],
    ['internal/http/HttpStats.ts', 'untested'],
    ['internal/input/ByteSource.ts', 'untested'],
    ['internal/input/SourceInput.ts', 'untested'],
    ['internal/input/SourceReadError.ts', 'untested'],
    ['internal/input/fileBytes.ts', 'untested'],
    ['internal/input/gunzip.ts', 'untested'],
    ['internal/input/invalidUtf8.ts', 'untested'],
    ['internal/input/streamBytes.ts', 'untested'],
    ['internal/json/JsonDocumentSplitter.ts', 'untested'],
    ['internal/json/JsonSyntaxError.ts', 'untested'],
    ['internal/json/NdjsonSplitter.ts', 'untested'],
    ['internal/json/bigNumbers.ts', 'untested'],
    ['internal/json/findJsonError.ts', 'untested'],
    ['internal/json/jsonReader.ts', 'untested'],
    ['internal/keys.ts', 'untested'],
    ['internal/lruCache.ts', 'untested'],
    ['internal/profile/ColumnProfiler.ts', 'untested'],
    ['internal/profile/profileSection.ts', 'untested'],
    ['internal/progress.ts', 'untested'],
    ['internal/stageOperator.ts', 'untested'],
    ['internal/streamOutput.ts', 'untested'],
    ['internal/workerPool.ts', 'untested'],
    ['internal/writeFileAtomically.ts', 'untested'],
    ['pipelines/JobHandle.ts', 'types'],
    ['pipelines/RunHistoryEntry.ts', 'types'],
    ['testing/fastCheck.ts', 'untested'],
    ['testing/index.ts', 'barrel'],
  ]

function modulesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? modulesUnder(join(folder, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')
        ? [relative(join(root, 'src'), join(folder, entry.name))]
        : [],
  )
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
})
