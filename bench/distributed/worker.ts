/**
 * A NATS worker process of bench scenario 14: `node <worker compiled>.mjs <server> <job>` (the
 * bench compiles this file first, so no TypeScript loader runs in the worker). Prints `ready`
 * once loaded, then, when the job is over, its summary and the CPU time it used since.
 */
import { work } from '../../src/integrations/distributed/index.js'
import { buildHeavy } from './job.js'

const [server, job] = process.argv.slice(2) as [string, string]
const started = process.cpuUsage()
process.stdout.write('ready\n')
const summary = await work({ nats: server, job, build: buildHeavy, pollMs: 100 })
const cpu = process.cpuUsage(started)
process.stdout.write(
  `summary ${JSON.stringify({ ...summary, cpuMs: Math.round((cpu.user + cpu.system) / 1000) })}\n`,
)
