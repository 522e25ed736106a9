import type { StageReport } from '../../core/RunReport.js'
import { escapeHtml, formatNumber } from './escape.js'
import { truncate } from './charts.js'

/** One row of the diagram: a line of stages, with a label for branches. @internal */
export interface FlowRow {
  readonly label?: string
  readonly stages: readonly StageReport[]
}

/**
 * The stages as a flow diagram in inline SVG: a box per stage (its name, kind, and what it
 * dropped, failed, created or merged) and an arrow between neighbours labelled with the records
 * that passed. Each row is one line of stages (the run, then each branch).
 *
 * @internal
 */
export function flowDiagram(rows: readonly FlowRow[]): string {
  const boxWidth = 150
  const boxHeight = 74
  const gap = 70
  const rowHeight = boxHeight + 46
  const widest = Math.max(1, ...rows.map((row) => row.stages.length))
  const width = widest * boxWidth + (widest - 1) * gap + 20
  const height = rows.length * rowHeight + 10
  const parts: string[] = [
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"></path></marker></defs>',
  ]
  rows.forEach((row, rowIndex) => {
    const y = rowIndex * rowHeight + (row.label === undefined ? 8 : 26)
    if (row.label !== undefined)
      parts.push(`<text class="row-label" x="10" y="${y - 8}">${escapeHtml(row.label)}</text>`)
    row.stages.forEach((stage, index) => {
      const x = 10 + index * (boxWidth + gap)
      const notes = [
        stage.dropped > 0 ? `dropped ${formatNumber(stage.dropped)}` : '',
        stage.failed > 0 ? `failed ${formatNumber(stage.failed)}` : '',
        stage.created > 0 ? `created ${formatNumber(stage.created)}` : '',
        stage.merged > 0 ? `merged ${formatNumber(stage.merged)}` : '',
      ].filter((note) => note !== '')
      parts.push(
        `<g class="stage stage-${stage.kind}"><title>${escapeHtml(stage.name)} (${stage.kind}): in ${stage.in}, out ${stage.out}, dropped ${stage.dropped}, failed ${stage.failed}</title>` +
          `<rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" rx="6"></rect>` +
          `<text x="${x + 10}" y="${y + 20}" class="stage-name">${escapeHtml(truncate(stage.name, 20))}</text>` +
          `<text x="${x + 10}" y="${y + 37}" class="stage-kind">${stage.kind}</text>` +
          notes
            .slice(0, 2)
            .map(
              (note, line) =>
                `<text x="${x + 10}" y="${y + 53 + line * 14}" class="stage-note">${note}</text>`,
            )
            .join('') +
          '</g>',
      )
      const next = row.stages[index + 1]
      if (next !== undefined) {
        const x1 = x + boxWidth + 4
        const x2 = x + boxWidth + gap - 4
        const mid = y + boxHeight / 2
        parts.push(
          `<g class="edge"><line x1="${x1}" y1="${mid}" x2="${x2}" y2="${mid}" marker-end="url(#arrow)"></line>` +
            `<text x="${(x1 + x2) / 2}" y="${mid - 7}" text-anchor="middle">${formatNumber(next.in)}</text></g>`,
        )
      }
    })
  })
  return `<svg class="chart flow" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>Stages and the records that passed between them</title>${parts.join('')}</svg>`
}
