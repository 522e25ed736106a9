/**
 * A real local HTTP server (node:http on 127.0.0.1, port 0) that can be told, request by request,
 * to answer, fail, stall or drop the connection. Shared by the HTTP sink, source and integration
 * tests.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach } from 'vitest'

/** What the server does with one request. */
export type Behaviour =
  /** Answer with a status (default 200), headers and body, after an optional delay. */
  | {
      readonly kind: 'respond'
      readonly status?: number
      readonly headers?: Readonly<Record<string, string>>
      readonly body?: string
      readonly delayMs?: number
    }
  /** Destroy the connection without answering (a reset). */
  | { readonly kind: 'reset' }

/** One request as the server saw it. */
export interface SeenRequest {
  /** 0-based order of arrival. */
  readonly index: number
  readonly method: string
  /** Path and query. */
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** The time it arrived (Date.now()). */
  readonly at: number
}

/** Decides the behaviour for each request. May also record what it decided. */
export type Plan = (request: SeenRequest) => Behaviour

/** A running server. */
export interface FlakyServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** Every request that arrived, in order. */
  readonly requests: SeenRequest[]
  /** The most requests handled at the same time. */
  readonly maxConcurrent: number
  close(): Promise<void>
}

/** Answers 200 with an empty body. */
export const ok: Behaviour = { kind: 'respond', status: 200 }

/** A plan that plays `behaviours` in order, then repeats the last one (default 200). */
export function sequence(...behaviours: Behaviour[]): Plan {
  return (request) => behaviours[request.index] ?? behaviours[behaviours.length - 1] ?? ok
}

/** A seeded PRNG (mulberry32): the same seed, the same numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Starts a server on 127.0.0.1 with a free port. */
export async function startFlakyServer(plan: Plan = () => ok): Promise<FlakyServer> {
  const requests: SeenRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  const sockets = new Set<Socket>()
  let concurrent = 0
  let maxConcurrent = 0

  const server: Server = createServer((request, response) => {
    concurrent += 1
    maxConcurrent = Math.max(maxConcurrent, concurrent)
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      concurrent -= 1
    }
    response.on('close', finish)
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('error', finish)
    request.on('end', () => {
      const seen: SeenRequest = {
        index: requests.length,
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      }
      requests.push(seen)
      const behaviour = plan(seen)
      if (behaviour.kind === 'reset') {
        request.socket.destroy()
        finish()
        return
      }
      const respond = (): void => answer(response, behaviour)
      if (behaviour.delayMs === undefined || behaviour.delayMs <= 0) respond()
      else {
        const timer = setTimeout(() => {
          timers.delete(timer)
          respond()
        }, behaviour.delayMs)
        timers.add(timer)
      }
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
    requests,
    get maxConcurrent() {
      return maxConcurrent
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function answer(
  response: ServerResponse,
  behaviour: Extract<Behaviour, { kind: 'respond' }>,
): void {
  if (response.destroyed) return
  response.writeHead(behaviour.status ?? 200, {
    'content-type': 'application/json',
    ...behaviour.headers,
  })
  response.end(behaviour.body ?? '')
}

/**
 * A `serve(plan)` for a test file: each call starts a flaky server, and every server started in a
 * test is closed after it.
 */
export function serversClosedAfterEach(): (plan?: Plan) => Promise<FlakyServer> {
  const servers: FlakyServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  return async (plan) => {
    const server = await startFlakyServer(plan)
    servers.push(server)
    return server
  }
}
