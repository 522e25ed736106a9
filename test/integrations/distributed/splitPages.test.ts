import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { pipe, toJson } from '../../../src/index.js'
import { runTasks, splitPages } from '../../../src/integrations/distributed/index.js'
import type { FromHttpPagination } from '../../../src/sources/fromHttp.js'
import { deals, type ApiJobTask } from './fixtures/apiJob.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-splitPages-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const job = new URL('./fixtures/apiJob.ts', import.meta.url)

const servers: Server[] = []
afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

/** 95 deals, 10 a page, by page number (`?page=1`…) or by offset (`?offset=0&limit=10`…). */
async function dealsServer(): Promise<{ url: string; seen: URL[] }> {
  const seen: URL[] = []
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    seen.push(url)
    const limit = Number(url.searchParams.get('limit') ?? 10)
    const offset = url.searchParams.has('page')
      ? (Number(url.searchParams.get('page')) - 1) * 10
      : Number(url.searchParams.get('offset'))
    const items = Array.from({ length: Math.max(0, Math.min(limit, 95 - offset)) }, (_, index) => ({
      id: offset + index,
      amount: ((offset + index) * 37) % 500,
    }))
    response.end(JSON.stringify({ items }))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

describe('splitPages', () => {
  it('cuts the pages into runs of about equal length, or of pagesPerTask', () => {
    expect(splitPages({ pages: 10, parts: 3 })).toEqual([
      { kind: 'page-range', id: 'task-0000', from: 0, to: 3 },
      { kind: 'page-range', id: 'task-0001', from: 3, to: 7 },
      { kind: 'page-range', id: 'task-0002', from: 7, to: 10 },
    ])
    expect(splitPages({ pages: 10, pagesPerTask: 4 }).map((task) => [task.from, task.to])).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ])
    expect(splitPages({ pages: 2, parts: 5 })).toHaveLength(2)
  })

  it('covers every page once, whatever the cut', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.oneof(
          fc.record({ parts: fc.integer({ min: 1, max: 300 }) }),
          fc.record({ pagesPerTask: fc.integer({ min: 1, max: 300 }) }),
        ),
        (pages, cut) => {
          const tasks = splitPages({ pages, ...cut })
          expect(tasks[0]?.from).toBe(0)
          expect(tasks.at(-1)?.to).toBe(pages)
          for (const [index, task] of tasks.entries()) {
            expect(task.from).toBeLessThan(task.to)
            if (index > 0) expect(task.from).toBe(tasks[index - 1]?.to)
          }
        },
      ),
    )
  })

  it('throws on a bad count or cut, naming it', () => {
    expect(() => splitPages({ pages: 0, parts: 1 })).toThrow('pages must be a whole number')
    expect(() => splitPages({ pages: 3 })).toThrow('give either parts or pagesPerTask')
    expect(() => splitPages({ pages: 3, parts: 1, pagesPerTask: 1 })).toThrow('give either')
    expect(() => splitPages({ pages: 3, parts: 1.5 })).toThrow('parts must be a whole number')
    expect(() => splitPages({ pages: 10 ** 7, pagesPerTask: 1 })).toThrow(RangeError)
  })

  for (const pagination of [
    { by: 'page', pageParam: 'page' },
    { by: 'offset', offsetParam: 'offset', limitParam: 'limit', pageSize: 10 },
  ] satisfies FromHttpPagination[])
    it(`runs a fromHttp job split by ${pagination.by} on 2 threads: the output equals one unsplit read`, async () => {
      const server = await dealsServer()
      const expected = join(directory, `deals-${pagination.by}-single.ndjson`)
      const alone = await pipe(
        deals({ url: server.url, token: '' }, pagination),
        toJson(expected, { format: 'ndjson' }),
      )
      expect(alone.written).toBe(95)
      // The single read ends on an empty eleventh page.
      expect(server.seen).toHaveLength(11)

      server.seen.length = 0
      const tasks = splitPages({ pages: Math.ceil(95 / 10), parts: 3 }).map((task): ApiJobTask => ({
        ...task,
        url: server.url,
        token: '',
        source: 'http',
        pagination,
      }))
      const output = join(directory, `deals-${pagination.by}.ndjson`)
      const report = await runTasks(tasks, job, { output, threads: 2 })
      expect(report.status).toBe('completed')
      expect(report.read).toBe(95)
      expect(readFileSync(output, 'utf8')).toBe(readFileSync(expected, 'utf8'))
      // Each task asks for its pages only: ten requests, none past the last page.
      expect(server.seen).toHaveLength(10)
      const asked = server.seen.map((url) =>
        pagination.by === 'page'
          ? Number(url.searchParams.get('page'))
          : Number(url.searchParams.get('offset')) / 10 + 1,
      )
      expect(asked.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }, 60_000)
})
