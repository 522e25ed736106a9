/**
 * A stand-in for a webhook receiver, for the examples: listens on 127.0.0.1 on a port the system
 * picks, hands each request's headers and JSON body to `answer`, and replies with its status.
 *
 * (These examples run with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running receiver. */
export interface Receiver {
  readonly url: string
  close(): Promise<void>
}

/**
 * Starts a receiver at `path`. `answer` gets each request's headers and parsed body and returns the
 * status to reply with (a 2xx accepts it, a 503 asks the sender to try again).
 */
export async function startReceiver(
  path: string,
  answer: (headers: IncomingHttpHeaders, body: unknown) => number,
): Promise<Receiver> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const status = answer(request.headers, JSON.parse(Buffer.concat(chunks).toString('utf8')))
      if (status >= 200 && status < 300)
        response.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}')
      else response.writeHead(status, { 'content-type': 'text/plain' }).end('busy, try again')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      }),
  }
}
