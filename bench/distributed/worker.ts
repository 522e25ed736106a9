/** A NATS worker process of bench scenario 14: `tsx bench/distributed/worker.ts <server> <job>`. */
import { work } from '../../src/integrations/distributed/index.js'
import { buildHeavy } from './job.js'

const [server, job] = process.argv.slice(2) as [string, string]
await work({ nats: server, job, build: buildHeavy, pollMs: 200 })
