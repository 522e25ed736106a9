/**
 * A local server (node:http on 127.0.0.1, port 0) that answers every request with a 2xx whose body
 * never ends: 64 KiB chunks written as fast as the client reads them. It says when the client
 * closed the connection, and how many bytes it wrote. For the response-size caps of the HTTP sink,
 * source and integrations.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach } from 'vitest'

/** A running endless server. */
export interface EndlessServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** Requests received. */
  readonly requests: number
  /** Body bytes written, over every request. */
  readonly bytesWritten: number
  /** Resolves when a client closed the connection of a request whose body was still being written. */
  readonly closedByClient: Promise<void>
  close(): Promise<void>
}

/** Starts an endless server; `status` (default 200) is the status of every answer. */
export async function startEndlessServer(status = 200): Promise<EndlessServer> {
  const sockets = new Set<Socket>()
  const chunk = Buffer.alloc(64 * 1024, '[')
  let requests = 0
  let bytesWritten = 0
  let markClosed: () => void = () => undefined
  const closedByClient = new Promise<void>((resolve) => (markClosed = resolve))
  const server: Server = createServer((request, response) => {
    requests += 1
    request.resume()
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/json' })
      const write = (): void => {
        while (!response.destroyed && response.write(chunk)) bytesWritten += chunk.length
        if (!response.destroyed) bytesWritten += chunk.length
      }
      response.on('drain', write)
      response.on('close', () => markClosed())
      write()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    get requests() {
      return requests
    },
    get bytesWritten() {
      return bytesWritten
    },
    closedByClient,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A `serveEndless()` for a test file: every server started in a test is closed after it. */
export function endlessServersClosedAfterEach(): (status?: number) => Promise<EndlessServer> {
  const servers: EndlessServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  return async (status) => {
    const server = await startEndlessServer(status)
    servers.push(server)
    return server
  }
}
