import { describe, expect, it } from 'vitest'
import { Ledger } from '../../../src/internal/run/Ledger.js'

/** The ledger's equation, with the records still without an outcome. */
function balances(ledger: Ledger): void {
  expect(ledger.read + ledger.created).toBe(
    ledger.written +
      ledger.dropped +
      ledger.merged +
      ledger.failed +
      ledger.open +
      ledger.held +
      ledger.uncommitted,
  )
}

describe('Ledger', () => {
  it('counts records read and created as open, and the most open at once', () => {
    const ledger = new Ledger()
    ledger.addRead(3)
    ledger.addCreated(2)
    expect([ledger.read, ledger.created, ledger.open, ledger.maxInFlight]).toEqual([3, 2, 5, 5])
    ledger.settleOpen('written', 4)
    ledger.addRead(1)
    expect([ledger.open, ledger.maxInFlight]).toEqual([2, 5])
    balances(ledger)
  })

  it('keeps dropped records by reason, "dropped" when none is given', () => {
    const ledger = new Ledger()
    ledger.addRead(4)
    ledger.settleOpen('dropped', 2, 'duplicate')
    ledger.settleOpen('dropped', 1)
    ledger.settleOpen('merged', 1)
    expect(ledger.droppedByReason).toEqual({ duplicate: 2, dropped: 1 })
    expect([ledger.dropped, ledger.merged, ledger.open]).toEqual([3, 1, 0])
    balances(ledger)
  })

  it('gives a copy of the reasons, which cannot change its books', () => {
    const ledger = new Ledger()
    ledger.addRead(1)
    ledger.settleOpen('dropped', 1, 'x')
    ledger.droppedByReason['x'] = 99
    expect(ledger.droppedByReason).toEqual({ x: 1 })
  })

  it('takes records into custody out of the budget, and gives them back', () => {
    const ledger = new Ledger()
    ledger.addRead(3)
    ledger.hold(2)
    expect([ledger.open, ledger.held, ledger.unsettled(), ledger.released()]).toEqual([1, 2, 3, 2])
    ledger.release(1)
    ledger.settleHeld('dropped', 1, 'duplicate')
    expect([ledger.open, ledger.held, ledger.dropped]).toEqual([2, 0, 1])
    balances(ledger)
  })

  it('writes uncommitted records at the commit', () => {
    const ledger = new Ledger()
    ledger.addRead(3)
    ledger.toUncommitted(3)
    expect([ledger.open, ledger.uncommitted, ledger.written]).toEqual([0, 3, 0])
    ledger.commit(2)
    ledger.commit(0)
    expect([ledger.uncommitted, ledger.written]).toEqual([1, 2])
    balances(ledger)
  })

  it('opens uncommitted records again when they go on to their destination', () => {
    const ledger = new Ledger()
    ledger.addRead(3)
    ledger.toUncommitted(3)
    ledger.reopen(2)
    ledger.reopen(0)
    expect([ledger.open, ledger.uncommitted, ledger.maxInFlight]).toEqual([2, 1, 3])
    ledger.settleOpen('written', 2)
    ledger.commit(1)
    expect(ledger.written).toBe(3)
    balances(ledger)
  })

  it('tells its listener whenever records leave the budget, not when they enter it', () => {
    let told = 0
    const ledger = new Ledger(() => (told += 1))
    ledger.addRead(5)
    ledger.addCreated(1)
    ledger.release(0)
    expect(told).toBe(0)
    ledger.settleOpen('written', 1)
    ledger.settleOpen('written', 0)
    ledger.hold(1)
    ledger.settleHeld('failed', 1)
    ledger.toUncommitted(1)
    ledger.commit(1)
    expect(told).toBe(5)
  })

  it('averages the size of a record read, when given', () => {
    const ledger = new Ledger()
    ledger.addRead(1)
    expect(ledger.bytesPerRecord).toBe(0)
    ledger.addRead(2, 2000)
    expect(ledger.bytesPerRecord).toBeCloseTo(100)
  })

  it('adds the figures of an earlier part of the run (a checkpoint resumed from), opening nothing', () => {
    const ledger = new Ledger()
    ledger.addRead(2)
    ledger.settleOpen('dropped', 1, 'duplicate')
    ledger.addEarlier({
      read: 10,
      created: 1,
      written: 3,
      dropped: 2,
      droppedByReason: { duplicate: 1, invalid: 1 },
      merged: 1,
      failed: 1,
      uncommitted: 4,
    })
    expect([ledger.read, ledger.created, ledger.open, ledger.uncommitted]).toEqual([12, 1, 1, 4])
    expect(ledger.droppedByReason).toEqual({ duplicate: 2, invalid: 1 })
    expect([ledger.written, ledger.dropped, ledger.merged, ledger.failed]).toEqual([3, 3, 1, 1])
    balances(ledger)
  })

  it('counts as read the records settled beyond those read (they entered uncounted)', () => {
    const ledger = new Ledger()
    ledger.addRead(1)
    ledger.settleOpen('written', 3)
    expect(ledger.open).toBe(-2)
    expect(ledger.countUncounted()).toBe(2)
    expect(ledger.countUncounted()).toBe(0)
    expect([ledger.read, ledger.open]).toEqual([3, 0])
    balances(ledger)
  })

  it('closes the books: open, held and uncommitted records are dropped with the reason given', () => {
    const ledger = new Ledger()
    ledger.addRead(6)
    ledger.hold(2)
    ledger.toUncommitted(1)
    ledger.settleOpen('written', 1)
    ledger.dropUnsettled('aborted')
    expect(ledger.droppedByReason).toEqual({ aborted: 5 })
    expect(ledger.unsettled()).toBe(0)
    balances(ledger)
  })
})
