/**
 * The child process of the webhook kill harness (test/laws/webhookKillHarness.test.ts): runs
 * `fromCsv → validate → dedupe → toWebhook` with checkpoints and `resume: true` against the
 * harness's receiver, so each start continues where the previous, killed one stopped.
 *
 * Argument: a JSON {@link WebhookChildConfig}. Message (IPC), if it finishes: `{ done: true, report }`.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { validate } from '../../src/operators/validate.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { fileStateStore } from '../../src/state/fileStateStore.js'
import { Row } from './checkpointPipeline.js'

/** The child's settings. */
export interface WebhookChildConfig {
  readonly input: string
  readonly url: string
  readonly stateFile: string
  readonly everyRecords: number
  readonly batchSize: number
  readonly concurrency: number
}

const config = JSON.parse(process.argv[2] as string) as WebhookChildConfig

const report = await pipe(
  fromCsv(config.input),
  validate(Row),
  dedupe({ key: 'email' }),
  toWebhook(config.url, {
    batchSize: config.batchSize,
    concurrency: config.concurrency,
    state: { store: fileStateStore(config.stateFile), key: 'import' },
    checkpoint: { everyRecords: config.everyRecords },
    resume: true,
  }),
)
process.send?.({
  done: true,
  report: {
    read: report.read,
    written: report.written,
    dropped: report.dropped,
    failed: report.failed,
    resumedFrom: report.resumedFrom,
  },
})
process.disconnect?.()
