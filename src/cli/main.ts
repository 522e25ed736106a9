#!/usr/bin/env node
/**
 * The `powerflow` command: `run`, `schedule` and `watch` a pipeline file; `worker` and
 * `coordinate` a job over NATS JetStream.
 *
 * @internal
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import { UsageError } from './arguments.js'
import { COORDINATE_HELP, coordinateCommand } from './coordinate.js'
import { RUN_HELP, runCommand } from './run.js'
import { SCHEDULE_HELP, scheduleCommand } from './schedule.js'
import { WATCH_HELP, watchCommand } from './watch.js'
import { WORKER_HELP, workerCommand } from './worker.js'

const HELP = `Usage: powerflow <command> <file> [options]

Runs PowerFlow pipelines as jobs. <file> is a JavaScript or TypeScript module whose default
export is definePipeline({ name, run }); .ts files run without a build step (through tsx).

Commands:
  run <file>                     run the pipeline once
  schedule <file> --cron "…"     run it on a cron schedule, until stopped
  watch <file> --dir <inbox>     run it once for each file that arrives in a folder
  worker <job-file> --job <name> run the tasks of a job over NATS JetStream (see scaling out)
  coordinate --job <name> …      enqueue a job's tasks, wait for the workers, commit the output

Options:
  -h, --help       show this help (powerflow <command> --help for a command's options)
  -v, --version    show the version

Exit codes: 0 completed, 1 failed, 2 usage or configuration error, 130 interrupted (Ctrl-C).
Guides: docs/running-pipelines.md, docs/scaling-out.md (in the package repository)
`

const COMMANDS: Readonly<Record<string, (args: readonly string[]) => Promise<number>>> = {
  run: runCommand,
  schedule: scheduleCommand,
  watch: watchCommand,
  worker: workerCommand,
  coordinate: coordinateCommand,
}

/** The version in the package.json next to the build (dist/) or the sources (src/). */
function version(): string {
  const manifest = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(manifest) as { version: string }).version
}

/** Runs the command line `args`; resolves to the exit code. @internal */
export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined
    const help =
      topic === 'run'
        ? RUN_HELP
        : topic === 'schedule'
          ? SCHEDULE_HELP
          : topic === 'watch'
            ? WATCH_HELP
            : topic === 'worker'
              ? WORKER_HELP
              : topic === 'coordinate'
                ? COORDINATE_HELP
                : HELP
    process.stdout.write(help)
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${version()}\n`)
    return 0
  }
  const handler = COMMANDS[command]
  if (handler === undefined) {
    process.stderr.write(
      `powerflow: unknown command "${command}"; the commands are run, schedule, watch, worker and coordinate (see powerflow --help)\n`,
    )
    return 2
  }
  try {
    return await handler(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`powerflow ${command}: ${error.message}\n`)
      return 2
    }
    process.stderr.write(
      `powerflow ${command}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    return 1
  }
}

// Exit explicitly: a pipeline may leave a server or a timer behind, and the command is done.
void main(process.argv.slice(2)).then((code) => {
  process.stdout.write('', () => process.exit(code))
})
