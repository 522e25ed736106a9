/**
 * lost-deal-alerts: a webhook job. Posts an alert for every lost deal worth 20,000 or more to a
 * webhook, in batches of 5, with retries.
 *
 *   npx powerflow run examples/pipelines/lost-deal-alerts.ts              (to a local receiver)
 *   npx powerflow run examples/pipelines/lost-deal-alerts.ts --env-file .env
 *
 * With `WEBHOOK_URL` in the environment (or an --env-file), the alerts go there, and the URL —
 * a credential for most chat and automation services — is never printed. Without it, the run
 * starts its own receiver on 127.0.0.1 and stops it afterwards, so the job runs anywhere.
 * `--param input=…` reads another deals CSV.
 *
 * (This example runs from the repository. In your project: import from 'powerflow-etl'.)
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { definePipeline, filter, fromCsv, map, pipe, toWebhook } from '../../src/index.js'
import { validateDeals } from '../shared/deals.js'
import { dataFile } from '../shared/paths.js'

export default definePipeline({
  name: 'lost-deal-alerts',
  description: 'An alert per big lost deal, posted to WEBHOOK_URL (or a local receiver).',
  run: async (ctx) => {
    const configured = ctx.env['WEBHOOK_URL']
    const receiver =
      configured === undefined || configured === '' ? await localReceiver() : undefined
    const url = configured !== undefined && configured !== '' ? configured : (receiver?.url ?? '')
    if (receiver !== undefined) ctx.logger.info(`no WEBHOOK_URL: posting to ${receiver.url}`)
    try {
      return await pipe(
        fromCsv(ctx.params['input'] ?? dataFile('deals.csv')),
        validateDeals('deals.csv'),
        filter((deal) => deal.stage === 'lost' && deal.amount >= 20_000, { name: 'big losses' }),
        map((deal) => ({
          type: 'deal.lost',
          dealId: deal.id,
          text: `Lost ${deal.name} (${deal.id}): ${deal.amount.toLocaleString('en-US')}`,
        })),
        toWebhook(url, { batchSize: 5, retries: 3, minDelayMs: 200, ...ctx.runOptions }),
      )
    } finally {
      await receiver?.close()
    }
  },
})

/** A stand-in endpoint on 127.0.0.1 that accepts every batch. */
async function localReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => response.writeHead(200).end('{"ok":true}'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
