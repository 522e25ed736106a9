/**
 * The local HubSpot-compatible server of the HubSpot line (scenario 8), shared by both sides:
 * started and filled while the child process loads its scenario module — before the timed part —
 * from the job on its command line (`input` is `local-hubspot:<contacts>`). It runs in the child's
 * own process, so its work is in both sides' figures alike; its rate limit is off.
 */
import {
  startHubSpotServer,
  type HubSpotServer,
  type SeedObject,
} from '../test/support/hubspotServer.js'
import type { Job } from './jobs.js'

/** The properties both sides read. */
export const CONTACT_PROPERTIES = ['email', 'firstname', 'lastname'] as const

/** The number of contacts a job's input names. */
export function contactsOf(job: Pick<Job, 'input'>): number {
  const count = Number(/^local-hubspot:(\d+)$/.exec(job.input)?.[1])
  if (!Number.isInteger(count)) throw new Error(`not a local HubSpot input: ${job.input}`)
  return count
}

async function start(): Promise<HubSpotServer> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job
  const server = await startHubSpotServer()
  const count = contactsOf(job)
  const start = Date.parse('2026-01-01T00:00:00.000Z')
  const contacts: SeedObject[] = []
  for (let index = 0; index < count; index++)
    contacts.push({
      properties: {
        email: `contact${index}@example.com`,
        firstname: `First${index % 997}`,
        lastname: `Last, ${index % 991}`,
      },
      createdAt: new Date(start).toISOString(),
      updatedAt: new Date(start + index * 1000).toISOString(),
    })
  server.seed('contacts', contacts)
  return server
}

/** The server, started when this module is loaded. */
export const local: HubSpotServer = await start()
