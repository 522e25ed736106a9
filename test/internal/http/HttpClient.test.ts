import { describe, expect, it } from 'vitest'
import {
  HttpClient,
  HttpResponseTooLargeError,
  HttpStatusError,
  isRetryableHttpError,
} from '../../../src/internal/http/HttpClient.js'
import { Redactor } from '../../../src/internal/redact.js'
import { serversClosedAfterEach } from '../../support/flakyServer.js'
import { endlessServersClosedAfterEach } from '../../support/endlessServer.js'

const serve = serversClosedAfterEach()
const serveEndless = endlessServersClosedAfterEach()

async function withClient<T>(
  options: { maxResponseBytes?: number },
  body: (client: HttpClient) => Promise<T>,
): Promise<T> {
  const client = new HttpClient({ redactor: new Redactor([]), ...options })
  try {
    return await body(client)
  } finally {
    await client.destroy()
  }
}

describe('HttpClient', () => {
  it('reads a body up to maxResponseBytes, and refuses a longer one without retrying it', async () => {
    const server = await serve(() => ({ kind: 'respond', body: 'x'.repeat(100) }))
    await withClient({ maxResponseBytes: 100 }, async (client) => {
      const response = await client.request(new URL(server.origin), { method: 'GET' })
      expect(response.body).toHaveLength(100)
      const error = await client
        .request(new URL(server.origin), { method: 'GET', maxResponseBytes: 99 })
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(HttpResponseTooLargeError)
      expect(isRetryableHttpError(error)).toBe(false)
    })
  })

  it('closes the connection of an endless body instead of draining it', async () => {
    const server = await serveEndless()
    await withClient({ maxResponseBytes: 64 * 1024 }, async (client) => {
      await expect(
        client.request(new URL(`${server.origin}/feed?token=tok_abcdef9`), { method: 'GET' }),
      ).rejects.toThrow(
        `the response of ${server.origin}/feed?token=*** (HTTP 200) is larger than maxResponseBytes (65536 bytes)`,
      )
      await server.closedByClient
    })
  })

  it('keeps only an excerpt of an endless error body, and still reports the status', async () => {
    const server = await serveEndless(503)
    await withClient({}, async (client) => {
      const error = await client
        .request(new URL(server.origin), { method: 'GET' })
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(HttpStatusError)
      expect((error as HttpStatusError).status).toBe(503)
      expect((error as HttpStatusError).body.length).toBeLessThanOrEqual(501)
      await server.closedByClient
    })
  })
})
