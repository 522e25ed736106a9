import { describe, expect, it } from 'vitest'
import { flowDiagram } from '../../../src/internal/html/flowDiagram.js'
import type { StageReport } from '../../../src/core/RunReport.js'
import { unbalancedTags } from '../../support/markup.js'

const stage = (
  name: string,
  kind: StageReport['kind'],
  fields: Partial<StageReport> = {},
): StageReport =>
  ({
    name,
    kind,
    in: 10,
    out: 10,
    dropped: 0,
    failed: 0,
    created: 0,
    merged: 0,
    wallMs: 1,
    durationMs: 1,
    ...fields,
  }) as StageReport

const count = (text: string, needle: string): number => text.split(needle).length - 1

describe('flowDiagram', () => {
  it('draws a box per stage and an arrow between neighbours labelled with what entered the next', () => {
    const svg = flowDiagram([
      {
        stages: [
          stage('fromCsv', 'source', { in: 1200, out: 1200 }),
          stage('filter <big>', 'operator', { in: 1200, out: 900, dropped: 300 }),
          stage('toJson', 'sink', { in: 900, out: 890, failed: 10 }),
        ],
      },
    ])
    expect(unbalancedTags(svg)).toEqual([])
    expect(count(svg, '<g class="stage ')).toBe(3)
    expect(count(svg, '<g class="edge">')).toBe(2)
    expect(svg).toContain('class="stage stage-source"')
    expect(svg).toContain('filter &lt;big&gt;')
    expect(svg).toMatch(/text-anchor="middle">1,200<\/text>/)
    expect(svg).toMatch(/text-anchor="middle">900<\/text>/)
    expect(svg).toContain('>dropped 300</text>')
    expect(svg).toContain('>failed 10</text>')
  })

  it('draws one labelled row per branch, and at most two notes per box', () => {
    const svg = flowDiagram([
      { stages: [stage('fromCsv', 'source')] },
      {
        label: 'branch eu',
        stages: [stage('toCsv', 'sink', { dropped: 1, failed: 2, created: 3, merged: 4 })],
      },
    ])
    expect(unbalancedTags(svg)).toEqual([])
    expect(svg).toContain('<text class="row-label" x="10"')
    expect(svg).toContain('branch eu')
    expect(count(svg, 'class="stage-note"')).toBe(2)
    expect(count(svg, '<g class="edge">')).toBe(0)
  })

  it('draws an empty diagram for no stages', () => {
    const svg = flowDiagram([])
    expect(unbalancedTags(svg)).toEqual([])
    expect(svg).not.toMatch(/NaN/)
  })
})
