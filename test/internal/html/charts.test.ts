import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  barChart,
  colour,
  histogramChart,
  lineChart,
  truncate,
} from '../../../src/internal/html/charts.js'
import { unbalancedTags } from '../../support/markup.js'

const count = (text: string, needle: string): number => text.split(needle).length - 1

describe('colour', () => {
  it('cycles through its palette of seven colours', () => {
    const palette = Array.from({ length: 7 }, (_, index) => colour(index))
    expect(new Set(palette).size).toBe(7)
    expect(colour(7)).toBe(colour(0))
    expect(colour(15)).toBe(colour(1))
  })
})

describe('barChart', () => {
  it('draws one well-formed row per bar, escaped, the longest bar full width and an empty one a hairline', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ label: fc.string(), value: fc.nat(1_000) }), { maxLength: 12 }),
        (bars) => {
          const svg = barChart(bars, { title: 'a <title>' })
          expect(unbalancedTags(svg)).toEqual([])
          expect(count(svg, '<g class="bar">')).toBe(bars.length)
          expect(svg).toContain('<title>a &lt;title&gt;</title>')
          const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]))
          expect(widths).toHaveLength(bars.length)
          const max = Math.max(0, ...bars.map((bar) => bar.value))
          bars.forEach((bar, index) => {
            if (bar.value === 0) expect(widths[index]).toBe(1)
            if (bar.value === max && max > 0) expect(widths[index]).toBe(360)
          })
        },
      ),
    )
  })

  it('shows a note after the value, and cuts a long label keeping it whole in the tooltip', () => {
    const label = 'a label longer than twenty-eight characters'
    const svg = barChart([{ label, value: 1234.5, note: '(50%)' }], { title: 't' })
    expect(svg).toContain('1,234.5 (50%)')
    expect(svg).toContain(`<title>${label}: 1,234.5</title>`)
    expect(svg).toContain(`>${truncate(label, 28)}</text>`)
  })
})

describe('lineChart', () => {
  it('draws a polyline and a legend entry per series, with axes labelled', () => {
    const svg = lineChart(
      [
        {
          name: 'fromCsv',
          points: [
            [0, 0],
            [1, 10],
            [2, 25],
          ],
        },
        {
          name: 'toJson <sink>',
          points: [
            [0, 0],
            [2, 20],
          ],
        },
      ],
      { title: 'In flight', xLabel: 'seconds', yLabel: 'records' },
    )
    expect(unbalancedTags(svg)).toEqual([])
    expect(count(svg, '<polyline')).toBe(2)
    expect(svg).toContain('toJson &lt;sink&gt;')
    expect(svg).toContain('seconds (max 2)')
    expect(svg).toContain('>records</text>')
    expect(svg).toContain(`stroke="${colour(1)}"`)
  })

  it('wraps its legend into rows inside the chart, however many series, each entry named', () => {
    const series = Array.from({ length: 9 }, (_, index) => ({
      name: `stage number ${index}`,
      points: [[0, index] as const, [1, index * 2] as const],
    }))
    const svg = lineChart(series, { title: 't', xLabel: 'x', yLabel: 'y' })
    const [, width, height] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)?.map(Number) ?? []
    const entries = [...svg.matchAll(/<g transform="translate\((\d+),(\d+)\)">/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ])
    expect(entries).toHaveLength(9)
    for (const [x, y] of entries) {
      expect(x! + 160).toBeLessThanOrEqual(width! + 20)
      expect(y).toBeLessThanOrEqual(height!)
    }
    for (let index = 0; index < 9; index++) expect(svg).toContain(`>stage number ${index}</text>`)
  })

  it('draws an empty chart without dividing by zero', () => {
    const svg = lineChart([], { title: 't', xLabel: 'x', yLabel: 'y' })
    expect(unbalancedTags(svg)).toEqual([])
    expect(svg).not.toMatch(/NaN|Infinity/)
  })
})

describe('histogramChart', () => {
  it('draws one bin per range, labelled with the first and last bound', () => {
    const svg = histogramChart(
      [
        { from: 0, to: 10, count: 3 },
        { from: 10, to: 20, count: 0 },
        { from: 20, to: 1500, count: 9 },
      ],
      { title: 'amount' },
    )
    expect(unbalancedTags(svg)).toEqual([])
    expect(count(svg, '<rect class="bin"')).toBe(3)
    expect(svg).toContain('>0</text>')
    expect(svg).toContain('>1,500</text>')
    expect(svg).not.toMatch(/NaN/)
  })

  it('draws no labels for no bins', () => {
    const svg = histogramChart([], { title: 'empty' })
    expect(unbalancedTags(svg)).toEqual([])
    expect(count(svg, '<text')).toBe(0)
  })
})

describe('truncate', () => {
  it('keeps text of at most max characters and cuts longer text to max with an ellipsis', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 30 }), (text, max) => {
        const cut = truncate(text, max)
        if (text.length <= max) expect(cut).toBe(text)
        else {
          expect(cut).toHaveLength(max)
          expect(cut.endsWith('…')).toBe(true)
          expect(text.startsWith(cut.slice(0, -1))).toBe(true)
        }
      }),
    )
  })
})
