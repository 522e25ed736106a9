import type { Sink } from '../core/Sink.js'
import type { DeadLetterRecord } from '../policies/deadLetter.js'
import { webhookSink } from '../internal/webhook/webhookSink.js'
import type { ToWebhookOptions } from './toWebhook.js'

/**
 * Sends the dead letters of a {@link toWebhook} run again, each record under the idempotency key
 * it was first sent with, so a receiver that deduplicates on `Idempotency-Key` (or on the
 * `webhook-id` of Standard Webhooks signing) drops the ones that did arrive before the connection
 * failed, and takes the others. Records that shared a key — one batch — are sent together again,
 * as one request.
 *
 * Give it the same options as the original sink (`batchSize`, `body`, `signing`, …) so each
 * request's body is the same as the first time. It sends each letter's `record`; a letter without
 * a `record` (a parse failure keeps only `raw`) fails as a SinkError, and a letter without
 * `details.idempotencyKey` is sent under a fresh key. A record that fails again is a failure of
 * this run, with the same key in `details.idempotencyKey`, so a replay can itself be replayed.
 * Everything else — retries, batching, reporting, rejecting when the destination never answers,
 * checkpoints and `resume` (a long replay from an NDJSON file of letters stopped half-way resends
 * only the batches after its checkpoint, each again under its letters' key) — is `toWebhook`'s.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { pipe, fromGenerator, deadLetter, toArray, toWebhook, replayToWebhook } from 'powerflow-etl'
 * import type { ArrayReport, DeadLetterRecord } from 'powerflow-etl'
 *
 * const seen = new Set<string>()
 * let up = false
 * const server = createServer((request, response) => {
 *   request.resume()
 *   request.on('end', () => {
 *     seen.add(String(request.headers['idempotency-key']))
 *     response.statusCode = up ? 200 : 503
 *     response.end()
 *   })
 * })
 * await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
 * const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`
 *
 * // The receiver is down: every record becomes a dead letter, with its key.
 * const first = await pipe(
 *   fromGenerator([{ id: 1 }, { id: 2 }]),
 *   deadLetter(toArray()),
 *   toWebhook(url, { retries: 0 }),
 * )
 * const letters = (first.deadLetter as ArrayReport<DeadLetterRecord>).records
 *
 * // Back up: the replay sends them under the same keys.
 * up = true
 * const replay = await pipe(fromGenerator(letters), replayToWebhook(url))
 * server.close()
 * console.assert(replay.written === 2 && seen.size === 2)
 * ```
 *
 * @param url - the endpoint (`http:` or `https:`)
 * @param options - the options of the original {@link toWebhook} sink
 * @returns a sink of dead letters: give it a flow of them, get the run report
 * @see toWebhook
 * @see deadLetter
 * @category sinks
 * @since 0.2.0
 */
export function replayToWebhook(
  url: string | URL,
  options: Omit<ToWebhookOptions<unknown>, 'idempotencyKey'> = {},
): Sink<DeadLetterRecord> {
  return webhookSink<DeadLetterRecord, unknown>(url, options, 'replayToWebhook', {
    payload: (letter) => {
      if (letter === null || typeof letter !== 'object' || !('record' in letter))
        throw new TypeError(
          `the dead letter has no record to send (${describeLetter(letter)}); only records a sink received can be replayed`,
        )
      return letter.record
    },
    key: (letter) => {
      const key = letter.details?.['idempotencyKey']
      return typeof key === 'string' && key !== '' ? key : undefined
    },
  })
}

function describeLetter(letter: unknown): string {
  if (letter === null || typeof letter !== 'object') return `got ${typeof letter}`
  const { _tag, stage } = letter as { _tag?: unknown; stage?: unknown }
  return `a ${String(_tag)} of stage ${String(stage)}`
}
