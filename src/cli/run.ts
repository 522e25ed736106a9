/**
 * `powerflow run <file>`: runs a pipeline once and exits with its outcome.
 *
 * @internal
 * @packageDocumentation
 */
import { runPipelineOnce } from '../internal/pipelineRun.js'
import { pipelineFile, PIPELINE_OPTIONS, UsageError } from './arguments.js'
import { parseCommandArgs, preparePipeline } from './commandSetup.js'
import { consoleLogger, onShutdown, reportJson, reportText, writeAtomically } from './console.js'

/** @internal */
export const RUN_HELP = `Usage: powerflow run <file> [options]

Runs the pipeline that <file> exports by default, once.

Options:
  -p, --param key=value   a parameter for ctx.params (repeatable)
      --env-file <path>   load environment variables from a .env file (its values are never printed)
      --report <path>     write the run report as JSON to <path>
      --progress          show progress on stderr: a live line on a terminal, plain lines otherwise (default)
  -q, --quiet             no progress and no summary table (the pipeline's own log lines stay)
  -h, --help              show this help

Exit codes: 0 completed, 1 failed, 2 usage or configuration error, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM). Ctrl-C stops the run through its signal and prints the partial report;
a second Ctrl-C exits at once.
`

const OPTIONS = {
  ...PIPELINE_OPTIONS,
  report: { type: 'string' },
  progress: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const

/** Runs `powerflow run …`; resolves to the exit code. @internal */
export async function runCommand(args: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs('run', args, OPTIONS, RUN_HELP)
  if (parsed === undefined) return 0
  const { values, positionals } = parsed
  if (values.progress === true && values.quiet === true)
    throw new UsageError('--progress and --quiet exclude each other; see powerflow run --help')
  const file = pipelineFile('run', positionals)
  const { pipeline, params, redact } = await preparePipeline(file, values)
  const quiet = values.quiet === true

  const controller = new AbortController()
  const interrupted = onShutdown((signal) => {
    process.stderr.write(
      `\n${signal}: stopping ${pipeline.name}${signal === 'SIGINT' ? ' (Ctrl-C again to exit at once)' : ''}\n`,
    )
    controller.abort(new Error(`interrupted by ${signal}`))
  })
  const outcome = await runPipelineOnce(pipeline, {
    params,
    signal: controller.signal,
    logger: consoleLogger(pipeline.name, false),
    runOptions: quiet ? {} : { progress: { stream: process.stderr, summary: false } },
  })

  if (outcome.report !== undefined && !quiet) process.stdout.write(reportText(outcome.report))
  if (outcome.status !== 'completed' && outcome.error !== undefined)
    process.stderr.write(
      `powerflow: ${pipeline.name} ${outcome.status}: ${outcome.error.message}\n`,
    )
  if (values.report !== undefined && outcome.report !== undefined)
    await writeAtomically(values.report, reportJson(outcome.report, redact))

  const signal = interrupted()
  if (outcome.status === 'completed') return 0
  if (outcome.status === 'aborted' && signal !== undefined) return signal === 'SIGINT' ? 130 : 143
  return 1
}
