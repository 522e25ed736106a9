import { afterEach, describe, expect, it } from 'vitest'
import { Budget } from '../../../src/internal/run/Budget.js'
import { Ledger } from '../../../src/internal/run/Ledger.js'
import type { RunStop } from '../../../src/internal/run/RunStop.js'

const budgets: Budget[] = []
afterEach(() => {
  for (const budget of budgets.splice(0)) budget.stopWatchdog()
})

function setup(
  options: { highWaterMark?: number; highWaterBytes?: number; stallTimeoutMs?: number } = {},
) {
  const stops: RunStop[] = []
  let budget!: Budget
  const ledger = new Ledger(() => budget.progressed())
  budget = new Budget(
    {
      name: 'run',
      highWaterMark: options.highWaterMark ?? 2,
      highWaterBytes: options.highWaterBytes ?? Number.POSITIVE_INFINITY,
      stallTimeoutMs: options.stallTimeoutMs ?? 1_000,
    },
    ledger,
    () => stops.length > 0,
    (stop) => stops.push(stop),
  )
  budgets.push(budget)
  return { budget, ledger, stops }
}

describe('Budget', () => {
  it('has capacity while open records are under the high-water mark', () => {
    const { budget, ledger } = setup()
    ledger.addRead(1)
    expect(budget.hasCapacity()).toBe(true)
    ledger.addRead(1)
    expect(budget.hasCapacity()).toBe(false)
    ledger.hold(1)
    expect(budget.hasCapacity()).toBe(true)
  })

  it('counts the bytes of records read when the source knows them', () => {
    const { budget, ledger } = setup({ highWaterMark: 100, highWaterBytes: 1_000 })
    ledger.addRead(1, 10_000)
    expect(budget.hasCapacity()).toBe(false)
  })

  it('wakes a waiting source once a record settles', async () => {
    const { budget, ledger } = setup()
    ledger.addRead(2)
    let woke = false
    const waiting = budget.capacity().then(() => (woke = true))
    await Promise.resolve()
    expect(woke).toBe(false)
    ledger.settleOpen('written', 1)
    await waiting
    expect(woke).toBe(true)
  })

  it('makes sources wait while a token blocks, and tells stall listeners', async () => {
    const { budget } = setup()
    let stalls = 0
    const unlisten = budget.onStall(() => (stalls += 1))
    const token = {}
    budget.block(token)
    expect(budget.hasCapacity()).toBe(false)
    const waiting = budget.capacity()
    expect(stalls).toBe(1)
    expect(budget.unblock(token)).toBe(true)
    expect(budget.unblock(token)).toBe(false)
    await waiting
    unlisten()
    void budget.capacity()
    expect(stalls).toBe(1)
  })

  it('stops the run as stalled when a waiting source sees no progress for stallTimeoutMs', async () => {
    const { budget, ledger, stops } = setup({ stallTimeoutMs: 20 })
    ledger.addRead(2)
    budget.startWatchdog()
    void budget.capacity()
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(stops[0]?.error.message).toMatch(/^run: stalled — 2 records were read but never settled/)
  })

  it('gives work in flight more patience before it counts as stalled', async () => {
    const { budget, ledger, stops } = setup({ stallTimeoutMs: 20 })
    ledger.addRead(2)
    budget.beginWork()
    budget.startWatchdog()
    void budget.capacity()
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(stops).toEqual([])
  })
})
