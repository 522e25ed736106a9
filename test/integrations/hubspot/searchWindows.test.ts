import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HubSpotObject } from '../../../src/integrations/hubspot/flatRecord.js'
import {
  searchWindows,
  type SearchPage,
  type SearchRequest,
} from '../../../src/integrations/hubspot/searchWindows.js'

/**
 * A reference search over an array, as HubSpot's is described: filters ANDed, one sort, ties in
 * an order of its own (here: by a hash of the id), `after` an offset, no page past `cap` results.
 */
function searchOver(objects: readonly HubSpotObject[], cap: number, requests: SearchRequest[]) {
  return (request: SearchRequest): Promise<SearchPage> => {
    requests.push(request)
    const value = (object: HubSpotObject, name: string): number =>
      name === 'hs_object_id' ? Number(object.id) : Number(object.properties[name])
    const matches = objects.filter((object) =>
      (request.filterGroups[0]?.filters ?? []).every((filter) => {
        const own = value(object, filter.propertyName)
        const given = Number(filter.value)
        return filter.operator === 'EQ'
          ? own === given
          : filter.operator === 'GT'
            ? own > given
            : filter.operator === 'LT'
              ? own < given
              : own >= given
      }),
    )
    const sort = request.sorts[0]?.propertyName ?? 'hs_object_id'
    matches.sort(
      (a, b) =>
        value(a, sort) - value(b, sort) ||
        (Math.imul(Number(a.id), 40503) & 0xffff) - (Math.imul(Number(b.id), 40503) & 0xffff),
    )
    const offset = Number(request.after ?? 0)
    if (offset >= cap) return Promise.reject(new Error(`asked past the cap: ${offset}`))
    const page = matches.slice(offset, Math.min(offset + request.limit, cap))
    const next = offset + page.length
    return Promise.resolve({
      results: page,
      ...(next < matches.length ? { paging: { next: { after: String(next) } } } : {}),
    })
  }
}

const FIELD = 'lastmodifieddate'

function objectsAt(times: readonly number[]): HubSpotObject[] {
  return times.map((time, index) => ({
    id: String(index + 1),
    properties: { [FIELD]: String(time), hs_object_id: String(index + 1) },
  }))
}

async function readAll(
  objects: readonly HubSpotObject[],
  fromMs: number,
  pageSize: number,
  cap: number,
  toMs?: number,
): Promise<{ read: HubSpotObject[]; requests: SearchRequest[]; windows: number }> {
  const requests: SearchRequest[] = []
  let windows = 0
  const read: HubSpotObject[] = []
  for await (const page of searchWindows({
    field: FIELD,
    fromMs,
    ...(toMs === undefined ? {} : { toMs }),
    properties: [FIELD],
    pageSize,
    cap,
    search: searchOver(objects, cap, requests),
    onNewWindow: () => (windows += 1),
  }))
    read.push(...page)
  return { read, requests, windows }
}

describe('searchWindows', () => {
  it('reads every object from fromMs once, in ascending order, whatever the ties and the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 60 }),
        async (times, fromMs, pageSize, capOver) => {
          const cap = pageSize + capOver
          const objects = objectsAt(times)
          const { read } = await readAll(objects, fromMs, pageSize, cap)
          const expected = objects.filter((object) => Number(object.properties[FIELD]) >= fromMs)
          expect(read.map((object) => object.id).sort()).toEqual(
            expected.map((object) => object.id).sort(),
          )
          const order = read.map((object) => Number(object.properties[FIELD]))
          expect(order).toEqual([...order].sort((a, b) => a - b))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never asks for a page past the cap, and says when it starts a new window', async () => {
    const objects = objectsAt(Array.from({ length: 95 }, (_, index) => Math.floor(index / 10)))
    const { read, requests, windows } = await readAll(objects, 0, 10, 30)
    expect(read).toHaveLength(95)
    expect(requests.every((request) => Number(request.after ?? 0) < 30)).toBe(true)
    expect(windows).toBeGreaterThan(0)
  })

  it('reads more objects sharing one value than a whole query holds, on hs_object_id', async () => {
    const objects = objectsAt(Array.from({ length: 70 }, () => 5))
    const { read, requests } = await readAll(objects, 5, 10, 20)
    expect(new Set(read.map((object) => object.id)).size).toBe(70)
    expect(read).toHaveLength(70)
    const boundary = requests.filter((request) =>
      request.filterGroups[0]?.filters.some((filter) => filter.propertyName === 'hs_object_id'),
    )
    expect(boundary.length).toBeGreaterThan(0)
    expect(boundary.every((request) => request.sorts[0]?.propertyName === 'hs_object_id')).toBe(
      true,
    )
  })

  it('reads each object of [fromMs, toMs) windows once: an object at a bound is in the later window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 200 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 15 }),
        async (times, cuts, pageSize) => {
          const bounds = [0, ...cuts.sort((a, b) => a - b), 13]
          const objects = objectsAt(times)
          const read: HubSpotObject[] = []
          for (let index = 1; index < bounds.length; index++) {
            const [from, to] = [bounds[index - 1] as number, bounds[index] as number]
            const part = await readAll(objects, from, pageSize, pageSize + 10, to)
            const values = part.read.map((object) => Number(object.properties[FIELD]))
            expect(values.every((value) => value >= from && value < to)).toBe(true)
            read.push(...part.read)
          }
          expect(read.map((object) => object.id).sort()).toEqual(
            objects.map((object) => object.id).sort(),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('makes one request when there is nothing to read', async () => {
    const { read, requests } = await readAll([], 0, 10, 100)
    expect(read).toEqual([])
    expect(requests).toHaveLength(1)
  })
})
