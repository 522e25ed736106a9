/**
 * PowerFlow: typed, streaming ETL pipelines from small composable pieces.
 *
 * Sources are cold rxjs Observables of `Either<Failure, A>` ({@link Flow}); operators are pure
 * `Flow<A> → Flow<B>` functions; sinks subscribe and resolve to a {@link RunReport} that adds up.
 *
 * @packageDocumentation
 * @module powerflow-etl
 */

// core
export type { Flow, Operator, RecordOf } from './core/Flow.js'
export type { Failure, FailureInit, FailureTag, Location } from './core/Failure.js'
export { failure } from './core/Failure.js'
export type {
  ResumedFrom,
  RunReport,
  RunStatus,
  RunTimeline,
  StageReport,
} from './core/RunReport.js'
export type { ColumnProfile, ProfiledType, ProfileReport } from './core/ColumnProfile.js'
export type { CheckpointOptions, RunOptions, RunHooks } from './core/RunOptions.js'
export type { HttpReport } from './core/HttpReport.js'
export type { Bookmark } from './core/Bookmark.js'
export type { EnrichReport } from './core/EnrichReport.js'
export type { DatabaseReport, DatabaseColumn } from './core/DatabaseReport.js'
export { RunError } from './core/RunError.js'
export { AbortError } from './core/AbortError.js'
export { rights } from './core/rights.js'
export { values } from './core/values.js'
export { pipe, flow } from 'fp-ts/lib/function.js'

// policies
export { collect, type CollectOptions } from './policies/collect.js'
export { failFast } from './policies/failFast.js'
export { deadLetter, type DeadLetterOptions, type DeadLetterRecord } from './policies/deadLetter.js'

// sources
export {
  fromGenerator,
  type FromGeneratorOptions,
  type GeneratorInput,
} from './sources/fromGenerator.js'
export { fromObservable, type FromObservableOptions } from './sources/fromObservable.js'
export {
  defineSource,
  type SourceDefinition,
  type SourceItem,
  type SourceIterable,
} from './sources/defineSource.js'
export {
  fromCsv,
  type CsvInput,
  type CsvTyping,
  type CsvValue,
  type FromCsvOptions,
  type FromCsvTyped,
  type FromCsvUntyped,
  type FromCsvArrays,
  type FromCsvNamed,
} from './sources/fromCsv.js'
export { fromJson, type FromJsonOptions, type JsonInput } from './sources/fromJson.js'
export { fromHttp, type FromHttpOptions, type FromHttpPagination } from './sources/fromHttp.js'

// operators
export { filter, type FilterOptions } from './operators/filter.js'
export { map, type MapOptions } from './operators/map.js'
export { rx, type RxOptions } from './operators/rx.js'
export { defineOperator, type OperatorDefinition } from './operators/defineOperator.js'
export {
  aggregate,
  reducer,
  type AggregateOptions,
  type AggregateRow,
  type AggregateWindow,
  type GroupRow,
  type MeasureRow,
  type MeasureName,
  type MeasurePairs,
  type MeasureValue,
  type ExtremeValue,
  type Renamed,
  type BuiltInMeasure,
  type GroupBy,
  type Measure,
  type Measures,
  type Reducer,
} from './operators/aggregate.js'
export { dedupe, type DedupeOptions } from './operators/dedupe.js'
export type { DedupeKeepOptions, DedupeLatestByOptions } from './operators/dedupe.js'
export { profile, type ProfileOptions } from './operators/profile.js'
export { validate, type ValidateOptions } from './operators/validate.js'
export {
  enrich,
  type EnrichOptions,
  type EnrichTableOptions,
  type EnrichCacheOptions,
  type EnrichRetryOptions,
  type EnrichOutput,
  type Enriched,
  type Prefixed,
  type Lookup,
  type LookupResult,
  type OnMissing,
} from './operators/enrich.js'
export { lookupTable, type LookupTableOptions } from './operators/lookupTable.js'
export type { LookupTable } from './core/LookupTable.js'

// codecs
export {
  NumberFromString,
  IntegerFromString,
  BooleanFromString,
  DateFromString,
  TrimmedNonEmptyString,
  Email,
} from './codecs/index.js'
export { MoneyFromString, type MoneyFromStringOptions } from './codecs/MoneyFromString.js'
export { DateFromFormat } from './codecs/DateFromFormat.js'

// sinks
export { toArray, type ToArrayOptions, type ArrayReport } from './sinks/toArray.js'
export { toConsole, type ToConsoleOptions } from './sinks/toConsole.js'
export { defineSink, type SinkDefinition } from './sinks/defineSink.js'
export { toCsv, type ToCsvOptions } from './sinks/toCsv.js'
export { toJson, type ToJsonOptions } from './sinks/toJson.js'
export { toWebhook, type ToWebhookOptions } from './sinks/toWebhook.js'
export { replayToWebhook } from './sinks/replayToWebhook.js'
export { fanOut, type FanOutOptions } from './sinks/fanOut.js'
export { route, type RouteOptions } from './sinks/route.js'
export { partition, type PartitionOptions } from './sinks/partition.js'
export type { Branch } from './core/Branch.js'
export type { Sink } from './core/Sink.js'
export type { BranchesReport } from './core/BranchesReport.js'
export { merge } from './sources/merge.js'
export { concat } from './sources/concat.js'
export { join, type JoinOptions, type JoinHow, type Joined } from './operators/join.js'
export { parallel, type ParallelOptions } from './operators/parallel.js'

// Reports
export { renderHtmlReport, writeHtmlReport } from './reports/writeHtmlReport.js'

// pipelines
export {
  definePipeline,
  type Pipeline,
  type PipelineContext,
  type PipelineDefinition,
  type PipelineLogger,
} from './pipelines/definePipeline.js'
export { schedule, type ScheduleOptions } from './pipelines/schedule.js'
export { watchFolder, type WatchFolderOptions } from './pipelines/watchFolder.js'
export type { JobHandle, JobOptions } from './pipelines/JobHandle.js'
export type { RunHistoryEntry } from './pipelines/RunHistoryEntry.js'
export type { StateStore, RunStateOptions } from './core/StateStore.js'
export { fileStateStore } from './state/fileStateStore.js'
