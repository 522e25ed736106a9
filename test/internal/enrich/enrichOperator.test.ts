import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { of, take } from 'rxjs'
import { failure, type Failure } from '../../../src/core/Failure.js'
import { enrichOperator, type EnrichConfig } from '../../../src/internal/enrich/enrichOperator.js'
import { rx } from '../../../src/operators/rx.js'
import { fromCsv } from '../../../src/sources/fromCsv.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { toArray } from '../../../src/sinks/toArray.js'
import { expectBalanced } from '../../support/ledger.js'

type Row = { readonly id: number }

/** A config that merges what the lookup found into the record. */
function config(
  lookup: EnrichConfig<Row, Row & object>['lookup'],
  options: Partial<EnrichConfig<Row, Row & object>> = {},
): EnrichConfig<Row, Row & object> {
  return {
    name: 'enrich',
    lookup,
    concurrency: 4,
    ordered: true,
    onMissing: 'keep',
    noMatch: (record) => ({ reason: `no match for ${record.id}`, field: 'id' }),
    merge: (record, found) => ({ ...record, ...found }),
    ...options,
  }
}

const rows = (n: number): Row[] => Array.from({ length: n }, (_, index) => ({ id: index + 1 }))
const later = <T>(ms: number, value: T): Promise<T> =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms))

describe('enrichOperator', () => {
  it('emits in input order when lookups finish out of order', async () => {
    const report = await pipe(
      fromGenerator(rows(6)),
      enrichOperator(config((row) => later(row.id % 2 === 0 ? 1 : 15, { seen: true }))),
      toArray(),
    )
    expect(report.records.map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6])
    expectBalanced(report)
  })

  it('emits as results arrive when not ordered', async () => {
    // The first record's lookup answers only once the others have been emitted.
    let others!: () => void
    const othersDone = new Promise<void>((resolve) => (others = resolve))
    let emitted = 0
    const report = await pipe(
      fromGenerator(rows(4)),
      enrichOperator(
        config((row) => (row.id === 1 ? othersDone.then(() => ({})) : later(1, {})), {
          ordered: false,
          concurrency: 4,
          merge: (record) => {
            if (record.id !== 1 && ++emitted === 3) setTimeout(others, 1)
            return record
          },
        }),
      ),
      toArray(),
    )
    expect(report.records.map((row) => row.id)).toEqual([2, 3, 4, 1])
    expectBalanced(report)
  })

  it('runs at most `concurrency` lookups at once', async () => {
    let running = 0
    let most = 0
    const report = await pipe(
      fromGenerator(rows(20)),
      enrichOperator(
        config(
          async () => {
            running += 1
            most = Math.max(most, running)
            await later(2, undefined)
            running -= 1
            return {}
          },
          { concurrency: 3 },
        ),
      ),
      toArray(),
    )
    expect(most).toBe(3)
    expect(report.written).toBe(20)
  })

  it('calls the lookup once for records sharing a cache key, in flight or remembered', async () => {
    let calls = 0
    const report = await pipe(
      fromGenerator([1, 1, 2, 1, 2].map((id) => ({ id }))),
      enrichOperator(
        config(
          async (row) => {
            calls += 1
            return later(5, { twice: row.id * 2 })
          },
          { cache: { key: (row) => String(row.id), maxEntries: 10 }, report: true },
        ),
      ),
      toArray(),
    )
    expect(calls).toBe(2)
    expect(report.records.map((row) => (row as unknown as { twice: number }).twice)).toEqual([
      2, 2, 4, 2, 4,
    ])
    expect((report['enrich'] as Array<{ cacheHits: number; calls: number }>)[0]).toMatchObject({
      calls: 2,
      cacheHits: 3,
    })
  })

  it('lets a failure from upstream wait its turn behind the records before it', async () => {
    const upstream = failure('ParseError', { stage: 'source', reason: 'bad row' })
    const values: Array<Either<Failure, Row>> = [right({ id: 1 }), left(upstream), right({ id: 2 })]
    const seen: string[] = []
    await pipe(
      of(...values),
      enrichOperator(config((row) => later(row.id === 1 ? 10 : 1, {}))),
      (flow) => {
        flow.subscribe((value) => seen.push(value._tag === 'Right' ? `r${value.right.id}` : 'L'))
        return new Promise((resolve) => setTimeout(resolve, 50))
      },
    )
    expect(seen).toEqual(['r1', 'L', 'r2'])
  })

  it('keeps, drops or fails a record with no match, as onMissing says, with the books balanced', async () => {
    const run = (onMissing: 'keep' | 'drop' | 'fail') =>
      pipe(
        fromGenerator(rows(2)),
        enrichOperator(config((row) => (row.id === 1 ? null : { hit: true }), { onMissing })),
        toArray(),
      )
    const [keep, drop, fail] = await Promise.all([run('keep'), run('drop'), run('fail')])
    expect(keep.written).toBe(2)
    expect(drop.droppedByReason).toEqual({ unmatched: 1 })
    expect(fail.failures[0]).toMatchObject({
      _tag: 'TransformError',
      stage: 'enrich',
      message: 'enrich field id: no match for 1',
      location: { field: 'id' },
    })
    for (const report of [keep, drop, fail]) expectBalanced(report)
  })

  it("places a failure at the source's file and line, even when the lookup answers later", async () => {
    const report = await pipe(
      fromCsv({ text: 'id\n1\n2\n3\n' }),
      enrichOperator<Record<string, unknown>, object>({
        ...(config(() => undefined) as unknown as EnrichConfig<Record<string, unknown>, object>),
        lookup: (row) =>
          row['id'] === '2'
            ? new Promise((_, reject) => setTimeout(() => reject(new Error('down')), 5))
            : later(5, {}),
      }),
      toArray(),
    )
    expect(report.failures[0]?.message).toBe('enrich line 3: lookup failed: down')
    expect(report.failures[0]?.location).toMatchObject({ line: 3 })
    expectBalanced(report)
  })

  it('fails a record whose lookup returns no object, or whose merge throws', async () => {
    const report = await pipe(
      fromGenerator(rows(2)),
      enrichOperator(
        config((row) => (row.id === 1 ? 42 : {}), {
          merge: () => {
            throw new Error('cannot merge')
          },
        }),
      ),
      toArray(),
    )
    expect(report.failures.map((each) => each.message)).toEqual([
      'enrich: the lookup returned 42 (a number); expected an object of fields to merge',
      'enrich: cannot merge',
    ])
    expectBalanced(report)
  })

  it('waits for prepare before the first lookup, and errors the output when prepare fails', async () => {
    const order: string[] = []
    const report = await pipe(
      fromGenerator(rows(2)),
      enrichOperator(
        config(() => ({ unused: true }), {
          prepare: async (_signal, sections) => {
            await later(5, undefined)
            sections['prepared'] = true
            order.push('prepared')
            return (row) => (order.push(`lookup ${row.id}`), { prepared: true })
          },
        }),
      ),
      toArray(),
    )
    expect(order).toEqual(['prepared', 'lookup 1', 'lookup 2'])
    expect(report['prepared']).toBe(true)
    const failing = pipe(
      fromGenerator(rows(1)),
      enrichOperator(
        config(() => ({}), {
          prepare: () => Promise.reject(new Error('no table')),
          prepareError: (cause) => new Error(`enrich: could not load: ${String(cause)}`),
        }),
      ),
      toArray(),
    )
    await expect(failing).rejects.toThrow(/enrich: could not load: Error: no table/)
  })

  it('aborts the lookups in flight and settles what it held as cancelled when downstream completes early', async () => {
    const aborted: number[] = []
    const report = await pipe(
      fromGenerator(rows(10)),
      enrichOperator(
        config(
          (row, signal) =>
            new Promise((resolve) => {
              signal.addEventListener('abort', () => aborted.push(row.id))
              setTimeout(() => resolve({}), row.id === 1 ? 1 : 50)
            }),
          { concurrency: 3 },
        ),
      ),
      rx(take(1)),
      toArray(),
    )
    expect(report.written).toBe(1)
    expect(aborted.length).toBeGreaterThan(0)
    const stage = report.stages.find((each) => each.name === 'enrich')
    expect(stage?.cancelled).toBeGreaterThan(0)
    expectBalanced(report)
  })
})
