/**
 * Adversarial audit: realistic pipelines under every ending — the ledger adds up, every failure
 * reaches the dead-letter file exactly once, and an earlier target survives an unfinished run.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import * as t from 'io-ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { Flow } from '../../src/core/Flow.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { validate } from '../../src/operators/validate.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { enrich } from '../../src/operators/enrich.js'
import { lookupTable } from '../../src/operators/lookupTable.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toJson } from '../../src/sinks/toJson.js'
import { toArray } from '../../src/sinks/toArray.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { failFast } from '../../src/policies/failFast.js'
import { collect } from '../../src/policies/collect.js'
import { expectBalanced, settle, readDeadLetters } from '../support/ledger.js'

interface RawDeal {
  readonly id: string
  readonly account: string
  readonly amount: string
  readonly region: string
}

const Deal = t.type({ id: t.string, account: t.string, amount: NumberFromString, region: t.string })

const accounts = [
  { Id: 'A1', owner: 'Ada' },
  { Id: 'A2', owner: 'Grace' },
  { Id: 'A3', owner: 'Linus' },
]

const rawDeal: fc.Arbitrary<RawDeal> = fc.record({
  id: fc.constantFrom('D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'),
  account: fc.constantFrom('A1', 'A2', 'A3', 'A9'),
  amount: fc.oneof(
    fc.integer({ min: -50, max: 500 }).map(String),
    fc.constantFrom('abc', '', '13'),
  ),
  region: fc.constantFrom('EU', 'US', 'APAC'),
})

type Ending = 'collect' | 'failFast' | 'maxFailures' | 'deadLetter'

/** The operator part of the pipeline: validate → filter → map → dedupe → enrich (table). */
function deals(
  source: Flow<unknown>,
  keep: 'first' | 'last',
  explode: number | undefined,
): Flow<Record<string, unknown>> {
  return pipe(
    source,
    validate(Deal, { idField: 'id' }),
    filter((deal) => deal.amount >= 0, { name: 'non-negative' }),
    map(
      (deal, index) => {
        if (explode !== undefined && index % explode === explode - 1)
          throw new Error(`no record number ${index}`)
        return { ...deal, cents: Math.round(deal.amount * 100) }
      },
      { name: 'to cents' },
    ),
    dedupe({ key: 'id', keep }),
    enrich(lookupTable(fromGenerator(accounts), 'Id'), { on: 'account', onMissing: 'drop' }),
  ) as Flow<Record<string, unknown>>
}

function withPolicy<A>(ending: Ending, flow: Flow<A>, dead: string): Flow<A> {
  switch (ending) {
    case 'collect':
      return flow
    case 'failFast':
      return pipe(flow, failFast())
    case 'maxFailures':
      return pipe(flow, collect({ maxFailures: 2 }))
    case 'deadLetter':
      return pipe(flow, deadLetter(toJson(join(dead), { format: 'ndjson', fsync: false })))
  }
}

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-audit-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.tmp') || name.includes('.tmp.'))
}

let runNumber = 0

describe('a pipeline of fromJson → validate → filter → map → dedupe → enrich → file sink', () => {
  it('balances its books under every policy and sink, and dead-letters each failure once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawDeal, { maxLength: 40 }),
        fc.constantFrom<Ending>('collect', 'failFast', 'maxFailures', 'deadLetter'),
        fc.constantFrom<'first' | 'last'>('first', 'last'),
        fc.constantFrom<'csv' | 'json' | 'ndjson' | 'custom'>('csv', 'json', 'ndjson', 'custom'),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        fc.integer({ min: 1, max: 8 }),
        async (input, ending, keep, sinkKind, explode, highWaterMark) => {
          runNumber += 1
          const sourcePath = join(dir, `in-${runNumber}.ndjson`)
          await writeFile(sourcePath, input.map((deal) => JSON.stringify(deal)).join('\n'))
          const target = join(dir, `out-${runNumber}.${sinkKind === 'csv' ? 'csv' : 'json'}`)
          await writeFile(target, 'EARLIER')
          const dead = join(dir, `dead-${runNumber}.ndjson`)
          const flow = withPolicy(ending, deals(fromJson(sourcePath), keep, explode), dead)
          const options = { highWaterMark, fsync: false }
          const written: unknown[] = []
          const sink =
            sinkKind === 'csv'
              ? toCsv(target, {
                  ...options,
                  columns: ['id', 'account', 'amount', 'region', 'cents', 'owner'],
                })
              : sinkKind === 'custom'
                ? defineSink<Record<string, unknown>>({
                    name: 'custom',
                    batchSize: 3,
                    write(batch) {
                      written.push(...batch)
                    },
                  })({ highWaterMark })
                : toJson(target, { ...options, format: sinkKind === 'ndjson' ? 'ndjson' : 'array' })
          const { report, error } = await settle(sink(flow))
          expectBalanced(report)
          if (ending === 'collect' || ending === 'deadLetter') {
            expect(error).toBeUndefined()
            expect(report.status).toBe('completed')
          }
          if (report.status !== 'completed') {
            expect(error).toBeDefined()
            if (sinkKind !== 'custom') expect(await readFile(target, 'utf8')).toBe('EARLIER')
          }
          if (ending === 'failFast' && report.failed > 0) expect(report.status).toBe('failed')
          if (ending === 'failFast') expect(report.failed).toBeLessThanOrEqual(1)
          if (ending === 'maxFailures') expect(report.failed).toBeLessThanOrEqual(3)
          if (ending === 'deadLetter') {
            const letters = await readDeadLetters(dead, { missingIsEmpty: true })
            expect(letters).toHaveLength(report.failed)
            expect(report.deadLetter?.written).toBe(report.failed)
            expect(letters.map((letter) => letter.message).sort()).toEqual(
              report.failures.map((failure) => failure.message).sort(),
            )
          }
          expect(await leftovers()).toEqual([])
        },
      ),
      { numRuns: 60, seed: 20261126 },
    )
  })
})

describe('a pipeline with aggregate', () => {
  it('counts folded rows as merged and group rows as created, under every policy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawDeal, { maxLength: 40 }),
        fc.constantFrom<Ending>('collect', 'failFast', 'maxFailures'),
        fc.integer({ min: 1, max: 5 }),
        async (input, ending, highWaterMark) => {
          const flow = withPolicy(
            ending,
            pipe(
              fromGenerator(input),
              aggregate({ groupBy: ['region'], measures: { amount: 'sum', id: 'count' } }),
            ),
            join(dir, 'unused.ndjson'),
          )
          const { report } = await settle(toArray<unknown>({ highWaterMark })(flow))
          expectBalanced(report)
          if (report.status === 'completed') {
            const good = input.filter(
              (deal) => deal.amount === '' || !Number.isNaN(Number(deal.amount)),
            )
            expect(report.merged).toBe(good.length)
            expect(report.created).toBe(new Set(good.map((deal) => deal.region)).size)
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    )
  })
})

describe('aborting a pipeline at a random moment', () => {
  it('rejects with an AbortError whose report balances, keeps the earlier target and dead-letters what failed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom<'csv' | 'ndjson' | 'array'>('csv', 'ndjson', 'array'),
        fc.constantFrom<'first' | 'last'>('first', 'last'),
        async (abortAfter, sinkKind, keep) => {
          runNumber += 1
          const target = join(dir, `abort-${runNumber}.out`)
          await writeFile(target, 'EARLIER')
          const dead = join(dir, `abort-dead-${runNumber}.ndjson`)
          const controller = new AbortController()
          let produced = 0
          function* generate(): Generator<RawDeal> {
            for (let n = 0; n < 600; n++) {
              produced += 1
              if (produced === abortAfter) controller.abort()
              yield {
                id: `D${n % 97}`,
                account: `A${(n % 4) + 1}`,
                amount: n % 13 === 0 ? 'abc' : String(n % 50),
                region: 'EU',
              }
            }
          }
          const flow = pipe(
            deals(
              fromGenerator(() => generate()),
              keep,
              11,
            ),
            deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
          )
          const options = { signal: controller.signal, highWaterMark: 16, fsync: false }
          const sink =
            sinkKind === 'csv'
              ? toCsv(target, {
                  ...options,
                  columns: ['id', 'account', 'amount', 'region', 'cents', 'owner'],
                })
              : toJson(target, { ...options, format: sinkKind })
          const { report, error } = await settle(sink(flow))
          expectBalanced(report)
          const letters = await readDeadLetters(dead, { missingIsEmpty: true })
          expect(letters).toHaveLength(report.failed)
          if (error !== undefined) {
            expect(error.name).toBe('AbortError')
            expect(report.status).toBe('aborted')
            expect(await readFile(target, 'utf8')).toBe('EARLIER')
          }
          expect(await leftovers()).toEqual([])
        },
      ),
      { numRuns: 40, seed: 42 },
    )
  })
})

describe('an infrastructure error in the middle of a run', () => {
  it('fails the run naming the source when the generator throws, and the books balance', async () => {
    const target = join(dir, 'throwing.csv')
    await writeFile(target, 'EARLIER')
    const dead = join(dir, 'throwing-dead.ndjson')
    function* generate(): Generator<RawDeal> {
      for (let n = 0; n < 100; n++) {
        if (n === 57) throw new Error('the database went away')
        yield { id: `D${n}`, account: 'A1', amount: n % 10 === 0 ? 'x' : '1', region: 'EU' }
      }
    }
    const { report, error } = await settle(
      pipe(
        deals(
          fromGenerator(() => generate(), { name: 'deals db' }),
          'last',
          undefined,
        ),
        deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
        toCsv(target, { highWaterMark: 8, fsync: false }),
      ),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toContain('deals db')
    expect(error?.message).toContain('the database went away')
    expectBalanced(report)
    expect(report.read).toBe(57)
    expect(await readDeadLetters(dead, { missingIsEmpty: true })).toHaveLength(report.failed)
    expect(report.failed).toBe(6)
    expect(await readFile(target, 'utf8')).toBe('EARLIER')
    expect(await leftovers()).toEqual([])
  })

  it('fails the run when the target directory disappears mid-run, leaving the books balanced', async () => {
    const sub = await mkdtemp(join(dir, 'vanishing-'))
    const target = join(sub, 'out.ndjson')
    let n = 0
    const { report, error } = await settle(
      pipe(
        fromGenerator(async function* () {
          for (; n < 5000; n++) {
            if (n === 2000) await rm(sub, { recursive: true, force: true })
            yield { id: `D${n}`, payload: 'x'.repeat(200) }
          }
        }),
        toJson(target, { format: 'ndjson', highWaterMark: 64, fsync: false }),
      ),
    )
    expectBalanced(report)
    // Writing to an unlinked temporary file still works on POSIX; the rename then fails.
    expect(report.status).toBe('failed')
    expect(error?.message).toContain(target)
    expect(report.written).toBe(0)
  })
})

describe('a sink that fails some records', () => {
  it('dead-letters toCsv extraColumns errors once each with the record', async () => {
    const target = join(dir, 'extra.csv')
    const dead = join(dir, 'extra-dead.ndjson')
    const input = [
      { id: 1, name: 'a' },
      { id: 2, name: 'b', secret: 'x' },
      { id: 3, name: 'c' },
      { id: 4, name: 'd', other: 1 },
    ]
    const report: RunReport = await pipe(
      fromGenerator(input),
      deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
      toCsv(target, { fsync: false }),
    )
    expectBalanced(report)
    expect(report.written).toBe(2)
    expect(report.failed).toBe(2)
    const letters = await readDeadLetters(dead, { missingIsEmpty: true })
    expect(letters.map((letter) => letter.record)).toEqual([input[1], input[3]])
    expect(letters.every((letter) => letter._tag === 'SinkError')).toBe(true)
  })
})
