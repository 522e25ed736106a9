import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { lookupTable } from '../../src/operators/lookupTable.js'
import { enrich, type Enriched } from '../../src/operators/enrich.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { defineSource } from '../../src/sources/defineSource.js'
import type { Flow } from '../../src/core/Flow.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { collect } from '../../src/policies/collect.js'
import { toArray } from '../../src/sinks/toArray.js'
import { activeResources, eventually, expectBalanced, settle } from '../support/ledger.js'

type LookupReport = RunReport & { readonly name: string }
const lookupsOf = (report: RunReport): LookupReport[] =>
  (report['lookups'] as LookupReport[] | undefined) ?? []

let directory = ''
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-lookupTable-'))
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

const accounts = [
  { Id: 'A1', Name: 'Acme', Region: 'EU' },
  { Id: 'A2', Name: 'Globex', Region: 'US' },
]

describe('lookupTable', () => {
  it('joins deals to the accounts of a real CSV file, with the table run in report.lookups', async () => {
    const accountsCsv = join(directory, 'accounts.csv')
    await writeFile(accountsCsv, 'Id,Name,Region\nA1,Acme,EU\nA2,Globex,US\nA1,Acme again,APAC\n')
    const dealsCsv = join(directory, 'deals.csv')
    await writeFile(dealsCsv, 'Deal,AccountId\nD1,A2\nD2,A9\nD3,A1\n')

    const result = await runToArray(
      pipe(
        fromCsv(dealsCsv),
        enrich(lookupTable(fromCsv(accountsCsv), 'Id', { name: 'accounts' }), {
          on: 'AccountId',
          prefix: 'account_',
        }),
      ),
    )
    expect(result.records).toEqual([
      {
        Deal: 'D1',
        AccountId: 'A2',
        account_Id: 'A2',
        account_Name: 'Globex',
        account_Region: 'US',
      },
      { Deal: 'D2', AccountId: 'A9' },
      { Deal: 'D3', AccountId: 'A1', account_Id: 'A1', account_Name: 'Acme', account_Region: 'EU' },
    ])
    expect(result.report.read).toBe(3)
    expect(result.report.written).toBe(3)
    const [table] = lookupsOf(result.report)
    expect(lookupsOf(result.report)).toHaveLength(1)
    expect(table).toMatchObject({
      name: 'accounts',
      status: 'completed',
      read: 3,
      written: 2,
      dropped: 1,
      droppedByReason: { duplicate: 1 },
    })
    expect(result.report.stages.map((stage) => stage.name)).toContain('enrich accounts')
  })

  it('keeps the first row of a duplicated key and drops rows without a key', async () => {
    const table = lookupTable(
      fromGenerator([
        { Id: 'A1', Name: 'first' },
        { Id: '', Name: 'blank' },
        { Id: 'A1', Name: 'second' },
        { Name: 'no id' } as { Id: string; Name: string },
      ]),
      'Id',
    )
    const result = await runToArray(
      pipe(fromGenerator([{ AccountId: 'A1' }]), enrich(table, { on: 'AccountId' })),
    )
    expect(result.records).toEqual([{ AccountId: 'A1', Id: 'A1', Name: 'first' }])
    expect(lookupsOf(result.report)[0]).toMatchObject({
      name: 'lookupTable by Id',
      read: 4,
      written: 1,
      droppedByReason: { duplicate: 1, missingKey: 2 },
    })
  })

  it('keeps the operator laws against a join on a Map', async () => {
    const rows = [
      { k: 1, label: 'one' },
      { k: 2, label: 'two' },
    ]
    await expectOperatorLaws(
      enrich(lookupTable(fromGenerator(rows), 'k'), { on: 'key', onMissing: 'drop' }),
      {
        input: fc.record({ key: fc.integer({ min: 0, max: 3 }), n: fc.integer() }),
        model: (records) =>
          records.flatMap((record) => {
            const row = rows.find((each) => each.k === record.key)
            return row === undefined ? [] : [{ ...record, ...row }]
          }),
        numRuns: 40,
      },
    )
  })

  it('compares keys as strings and joins on a key function', async () => {
    const table = lookupTable(fromGenerator([{ code: 42, label: 'answer' }]), 'code')
    const result = await runToArray(
      pipe(
        fromGenerator([{ ref: ' 42 ' }, { ref: '7' }]),
        enrich(table, { on: (record: { ref: string }) => record.ref.trim() }),
      ),
    )
    expect(result.records).toEqual([{ ref: ' 42 ', code: 42, label: 'answer' }, { ref: '7' }])
  })

  it('drops or fails records without a match, naming the key and the field', async () => {
    const table = () => lookupTable(fromGenerator(accounts), 'Id', { name: 'accounts' })
    const deals = () => fromGenerator([{ AccountId: 'A1' }, { AccountId: 'A9' }, { AccountId: '' }])

    const dropped = await runToArray(
      pipe(deals(), enrich(table(), { on: 'AccountId', onMissing: 'drop' })),
    )
    expect(dropped.records.map((record) => record.Name)).toEqual(['Acme'])
    expect(dropped.report.droppedByReason).toEqual({ unmatched: 2 })

    const failed = await runToArray(
      pipe(deals(), enrich(table(), { on: 'AccountId', onMissing: 'fail' })),
    )
    expect(failed.failures.map((failure) => failure.message)).toEqual([
      'enrich accounts field AccountId: no match for "A9"',
      'enrich accounts field AccountId: no match for an empty key',
    ])
    expect(failed.failures[0]).toMatchObject({
      _tag: 'TransformError',
      record: { AccountId: 'A9' },
      location: { field: 'AccountId' },
    })
  })

  it('loads the table once per run, before the first lookup', async () => {
    let loads = 0
    const table = lookupTable(
      fromGenerator(() => {
        loads += 1
        return accounts
      }),
      'Id',
    )
    const job = () =>
      runToArray(
        pipe(
          fromGenerator(
            Array.from({ length: 50 }, (_, index) => ({ AccountId: `A${(index % 2) + 1}` })),
          ),
          enrich(table, { on: 'AccountId', onMissing: 'fail' }),
        ),
      )
    const first = await job()
    expect(loads).toBe(1)
    expect(first.records).toHaveLength(50)
    await job()
    expect(loads).toBe(2)
  })

  it('fails the run with an error naming the table when it cannot be loaded', async () => {
    const broken = lookupTable(
      fromGenerator(function* () {
        yield { Id: 'A1' }
        throw new Error('disk on fire')
      }),
      'Id',
      { name: 'accounts' },
    )
    const result = await runToArray(
      pipe(fromGenerator([{ AccountId: 'A1' }]), enrich(broken, { on: 'AccountId' })),
    )
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toBe(
      'enrich accounts: could not load the lookup table accounts: fromGenerator: the source threw: disk on fire',
    )
    expect(lookupsOf(result.report)[0]).toMatchObject({ name: 'accounts', status: 'failed' })
    expect(result.report.read).toBe(1)
    expect(result.report.droppedByReason).toEqual({ aborted: 1 })
  })

  it('fails the run when the table file does not exist', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([{ AccountId: 'A1' }]),
        enrich(lookupTable(fromCsv(join(directory, 'missing.csv')), 'Id'), { on: 'AccountId' }),
      ),
    )
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toMatch(
      /^enrich: could not load the lookup table lookupTable by Id: fromCsv missing\.csv: cannot open .*missing\.csv: no such file/,
    )
  })

  it('stops loading the table when the run is aborted', async () => {
    const controller = new AbortController()
    let tableSignal: AbortSignal | undefined
    const slowTable = defineSource<{ Id: string }>({
      name: 'slow table',
      open: async function* (signal) {
        tableSignal = signal
        controller.abort()
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
        yield { Id: 'A1' }
      },
    })
    const result = await runToArray(
      pipe(
        fromGenerator([{ AccountId: 'A1' }]),
        enrich(lookupTable(slowTable, 'Id'), { on: 'AccountId' }),
      ),
      { signal: controller.signal },
    )
    expect(result.report.status).toBe('aborted')
    expect(tableSignal?.aborted).toBe(true)
  })

  it('types the join: prefixed fields merged, honest about kept records without a match', () => {
    type Deal = { Deal: string; AccountId: string }
    type Account = { Id: string; Name: string; Employees: number }
    const deals = fromGenerator<Deal>([])
    const table = lookupTable(fromGenerator<Account>([]), 'Id')
    expectTypeOf(
      pipe(deals, enrich(table, { on: 'AccountId', prefix: 'account_', onMissing: 'drop' })),
    ).toEqualTypeOf<
      Flow<Enriched<Deal, { account_Id: string; account_Name: string; account_Employees: number }>>
    >()
    expectTypeOf(pipe(deals, enrich(table, { on: 'AccountId' }))).toEqualTypeOf<
      Flow<Deal | Enriched<Deal, Account>>
    >()
    // @ts-expect-error: deals have no field AcountId
    pipe(deals, enrich(table, { on: 'AcountId' }))
    // The shape type-checks with CSV records on both sides.
    const joined = pipe(
      fromCsv('deals.csv'),
      enrich(lookupTable(fromCsv('accounts.csv'), 'Id'), { on: 'AccountId' }),
    )
    expectTypeOf(joined).toExtend<Flow<Record<string, string>>>()
  })

  it('keeps a __proto__ column of a row as a column, and joins on own fields only', async () => {
    // JSON.parse makes `__proto__` an own field, as a JSON or CSV source with that column does.
    const rows = [JSON.parse('{"Id":"A1","__proto__":"kept","Name":"Acme"}') as object]
    const table = lookupTable(fromGenerator(rows), 'Id' as never)
    const result = await runToArray(
      pipe(fromGenerator([{ deal: 'D1', AccountId: 'A1' }]), enrich(table, { on: 'AccountId' })),
    )
    const merged = result.records[0] as Record<string, unknown>
    expect(Object.hasOwn(merged, '__proto__')).toBe(true)
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toBe('kept')
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(merged['Name']).toBe('Acme')

    const prefixed = await runToArray(
      pipe(
        fromGenerator([{ deal: 'D1', AccountId: 'A1' }]),
        enrich(table, { on: 'AccountId', prefix: 'a_' }),
      ),
    )
    expect((prefixed.records[0] as Record<string, unknown>)['a___proto__']).toBe('kept')
  })

  it('joins on: constructor as a field of the record, never as Object.prototype.constructor', async () => {
    const table = lookupTable(
      fromGenerator([{ Id: 'function Object() { [native code] }', Name: 'wrong' }]),
      'Id',
    )
    const result = await runToArray(
      pipe(
        fromGenerator<{ deal: string; constructor?: string }>([
          { deal: 'D1' },
          JSON.parse('{"deal":"D2","constructor":"function Object() { [native code] }"}'),
        ]),
        enrich(table, { on: 'constructor', onMissing: 'fail' }),
      ),
    )
    expect(result.records).toEqual([
      JSON.parse(
        '{"deal":"D2","constructor":"function Object() { [native code] }","Id":"function Object() { [native code] }","Name":"wrong"}',
      ),
    ])
    expect(result.failures.map((failure) => failure.message)).toEqual([
      'enrich field constructor: no match for an empty key',
    ])
  })

  it("keys a table by its rows' own field: a row without it is dropped as missingKey", async () => {
    const table = lookupTable(
      fromGenerator<Record<string, string>>([{ Name: 'no id' }, { constructor: 'C1', Name: 'ok' }]),
      'constructor',
    )
    const result = await runToArray(
      pipe(fromGenerator([{ deal: 'D1', c: 'C1' }]), enrich(table, { on: 'c' })),
    )
    expect(result.records).toEqual([{ deal: 'D1', c: 'C1', constructor: 'C1', Name: 'ok' }])
    expect(lookupsOf(result.report)[0]?.droppedByReason).toEqual({ missingKey: 1 })
  })
})

describe('lookupTable, when the run stops', () => {
  const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
  const timers = (): number => activeResources()['Timeout'] ?? 0

  it('fails the run naming the table when its source throws, with the books balanced', async () => {
    const before = timers()
    const { report, error } = await settle(
      pipe(
        fromGenerator(Array.from({ length: 50 }, (_, id) => ({ id, account: `A${id % 3}` }))),
        enrich(
          lookupTable(
            fromGenerator(function* () {
              yield { Id: 'A0', owner: 'Ada' }
              throw new Error('accounts file vanished')
            }),
            'Id',
            { name: 'accounts' },
          ),
          { on: 'account' },
        ),
        collect(),
        toArray({ highWaterMark: 5 }),
      ),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toContain('accounts')
    expect(error?.message).toContain('accounts file vanished')
    expectBalanced(report)
    expect(report.written).toBe(0)
    await eventually(() => timers() <= before)
    expect(timers()).toBeLessThanOrEqual(before)
  })

  it('stops loading when the run is aborted while the table loads', async () => {
    const controller = new AbortController()
    let tableRows = 0
    const { report, error } = await settle(
      pipe(
        fromGenerator(Array.from({ length: 50 }, (_, id) => ({ id, account: `A${id % 3}` }))),
        enrich(
          lookupTable(
            fromGenerator(async function* () {
              for (let n = 0; ; n++) {
                tableRows += 1
                if (n === 20) controller.abort()
                await tick(0)
                yield { Id: `A${n}`, owner: 'someone' }
              }
            }),
            'Id',
          ),
          { on: 'account' },
        ),
        toArray({ signal: controller.signal }),
      ),
    )
    expect(error?.name).toBe('AbortError')
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    const rowsAtEnd = tableRows
    await tick(20)
    expect(tableRows).toBe(rowsAtEnd)
  })
})
