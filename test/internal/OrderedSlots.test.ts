import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { OrderedSlots } from '../../src/internal/OrderedSlots.js'

describe('OrderedSlots', () => {
  it('emits values in the order their places were reserved, whatever order they are filled in', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 60 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n })),
          ),
        ([n, fillOrder]) => {
          const out: number[] = []
          const slots = new OrderedSlots<number>((value) => out.push(value))
          const places = Array.from({ length: n }, () => slots.reserve())
          for (const index of fillOrder) places[index]?.fill(index)
          expect(out).toEqual([...Array(n).keys()])
          expect(slots.pending).toBe(0)
        },
      ),
    )
  })

  it('emits a ready value at once when nothing waits, and behind the places that wait', () => {
    const out: string[] = []
    const slots = new OrderedSlots<string>((value) => out.push(value))
    slots.push('a')
    expect(out).toEqual(['a'])
    const b = slots.reserve()
    slots.push('c')
    expect(out).toEqual(['a'])
    expect(slots.pending).toBe(2)
    b.fill('b')
    expect(out).toEqual(['a', 'b', 'c'])
  })

  it('fills a place once only', () => {
    const out: string[] = []
    const slots = new OrderedSlots<string>((value) => out.push(value))
    const place = slots.reserve()
    place.fill('x')
    place.fill('y')
    expect(out).toEqual(['x'])
  })

  it('emits a place filled while it emits (a synchronous reaction downstream) in order', () => {
    const out: string[] = []
    let second: ReturnType<OrderedSlots<string>['reserve']> | undefined
    const slots = new OrderedSlots<string>((value) => {
      out.push(value)
      if (value === 'a') second?.fill('b')
    })
    const first = slots.reserve()
    second = slots.reserve()
    first.fill('a')
    expect(out).toEqual(['a', 'b'])
  })

  it('emits nothing more once cleared', () => {
    const out: string[] = []
    const slots = new OrderedSlots<string>((value) => {
      out.push(value)
      slots.clear()
    })
    const a = slots.reserve()
    const b = slots.reserve()
    b.fill('b')
    a.fill('a')
    expect(out).toEqual(['a'])
    expect(slots.pending).toBe(0)
  })

  it('keeps its memory bounded over a long run of places', () => {
    const slots = new OrderedSlots<number>(() => undefined)
    const stuck = slots.reserve()
    for (let n = 0; n < 5_000; n++) slots.push(n)
    stuck.fill(-1)
    expect(slots.pending).toBe(0)
    for (let n = 0; n < 5_000; n++) slots.reserve().fill(n)
    expect(slots.pending).toBe(0)
  })
})
