import { escapeHtml, formatNumber } from './escape.js'

/** One bar of a bar chart. @internal */
export interface Bar {
  readonly label: string
  readonly value: number
  /** Shown after the value, e.g. a share. */
  readonly note?: string
}

const PALETTE = ['#2f6fdf', '#e0762b', '#2a9d8f', '#c0392b', '#8e44ad', '#7f8c8d', '#d4a017']

/** The colour of series `index`. @internal */
export function colour(index: number): string {
  return PALETTE[index % PALETTE.length] as string
}

/**
 * A horizontal bar chart as inline SVG: one row per bar, its label left, its value right. Bars
 * whose value is 0 still get a row (and a hairline mark), so a chart always has marks.
 *
 * @internal
 */
export function barChart(
  bars: readonly Bar[],
  options: { title: string; colour?: string },
): string {
  const rowHeight = 22
  const labelWidth = 190
  const barWidth = 360
  const width = labelWidth + barWidth + 120
  const height = bars.length * rowHeight + 6
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  const fill = options.colour ?? colour(0)
  const rows = bars.map((bar, index) => {
    const y = index * rowHeight + 3
    const length = Math.max(1, (bar.value / max) * barWidth)
    const label = truncate(bar.label, 28)
    return (
      `<g class="bar"><title>${escapeHtml(bar.label)}: ${formatNumber(bar.value)}</title>` +
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${fill}" rx="2"></rect>` +
      `<text x="${labelWidth + length + 6}" y="${y + 15}">${formatNumber(bar.value)}${bar.note === undefined ? '' : ` ${escapeHtml(bar.note)}`}</text></g>`
    )
  })
  return svg(width, height, options.title, rows.join(''))
}

/** One series of a line chart: points as [x, y]. @internal */
export interface Series {
  readonly name: string
  readonly points: ReadonlyArray<readonly [number, number]>
}

/**
 * A line chart as inline SVG with axes, a legend and one polyline per series.
 *
 * @internal
 */
export function lineChart(
  series: readonly Series[],
  options: { title: string; xLabel: string; yLabel: string },
): string {
  const width = 680
  const left = 70
  const right = 20
  const top = 28
  const plotHeight = 198
  // The legend wraps: as many entries a row as fit, each 160 px wide.
  const legendColumns = Math.max(1, Math.floor((width - left) / 160))
  const legendRows = Math.ceil(series.length / legendColumns)
  const height = top + plotHeight + 32 + legendRows * 18
  const xs = series.flatMap((s) => s.points.map(([x]) => x))
  const ys = series.flatMap((s) => s.points.map(([, y]) => y))
  const xMax = Math.max(1e-9, ...xs)
  const yMax = Math.max(1, ...ys)
  const plotWidth = width - left - right
  const sx = (x: number): number => left + (x / xMax) * plotWidth
  const sy = (y: number): number => top + plotHeight - (y / yMax) * plotHeight
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((share) => {
      const y = sy(share * yMax)
      return (
        `<line x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" class="grid"></line>` +
        `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${formatNumber(share * yMax, 0)}</text>`
      )
    })
    .join('')
  const lines = series
    .map((s, index) => {
      const points = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')
      return `<polyline class="series" fill="none" stroke="${colour(index)}" stroke-width="2" points="${points}"><title>${escapeHtml(s.name)}</title></polyline>`
    })
    .join('')
  const legendTop = top + plotHeight + 40
  const legend = series
    .map((s, index) => {
      const x = left + (index % legendColumns) * 160
      const y = legendTop + Math.floor(index / legendColumns) * 18
      return (
        `<g transform="translate(${x},${y})"><rect width="10" height="10" y="-9" fill="${colour(index)}"></rect>` +
        `<text x="14">${escapeHtml(truncate(s.name, 22))}</text><title>${escapeHtml(s.name)}</title></g>`
      )
    })
    .join('')
  const axes =
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}" class="axis"></line>` +
    `<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" class="axis"></line>` +
    `<text x="${width - right}" y="${top + plotHeight + 16}" text-anchor="end">${escapeHtml(options.xLabel)} (max ${formatNumber(xMax, 1)})</text>` +
    `<text x="${left - 6}" y="${top - 14}" text-anchor="end" class="ylabel">${escapeHtml(options.yLabel)}</text>`
  return svg(width, height, options.title, ticks + axes + lines + legend)
}

/** A vertical histogram as inline SVG: bins left to right with their ranges. @internal */
export function histogramChart(
  bins: ReadonlyArray<{ readonly from: number; readonly to: number; readonly count: number }>,
  options: { title: string },
): string {
  const width = 360
  const height = 150
  const bottom = 28
  const plotHeight = height - bottom - 6
  const max = Math.max(1, ...bins.map((bin) => bin.count))
  const barWidth = width / Math.max(1, bins.length)
  const bars = bins
    .map((bin, index) => {
      const h = Math.max(1, (bin.count / max) * plotHeight)
      return (
        `<rect class="bin" x="${(index * barWidth + 1).toFixed(1)}" y="${(6 + plotHeight - h).toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(2)}">` +
        `<title>${formatNumber(bin.from)} – ${formatNumber(bin.to)}: ${formatNumber(bin.count)}</title></rect>`
      )
    })
    .join('')
  const first = bins[0]
  const last = bins[bins.length - 1]
  const labels =
    first === undefined || last === undefined
      ? ''
      : `<text x="0" y="${height - 8}">${formatNumber(first.from)}</text>` +
        `<text x="${width}" y="${height - 8}" text-anchor="end">${formatNumber(last.to)}</text>`
  return svg(width, height, options.title, bars + labels)
}

function svg(width: number, height: number, title: string, body: string): string {
  return (
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  )
}

/** Shortens text to `max` characters with an ellipsis. @internal */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
