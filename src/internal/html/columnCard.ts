import type { ColumnProfile } from '../../core/ColumnProfile.js'
import { barChart, histogramChart, type Bar } from './charts.js'
import { escapeHtml, formatNumber } from './escape.js'

/** Types whose share of a sampled column is counted on the sample (see {@link ColumnProfile}). */
const SAMPLED_KINDS = new Set(['boolean', 'date', 'datetime', 'email'])

/**
 * One profiled column as a card: its figures, a histogram (numeric columns) or a chart of its most
 * frequent values, and what of it is estimated. A column whose figures come partly from a sample
 * says so in a labelled badge (`data-sampled`) and a note of which figures; top values that are
 * not exact show their bounds (`± error` when sampled, `≤ +error` over-statement otherwise).
 *
 * @internal
 */
export function columnCard(column: ColumnProfile): string {
  const sampled = column.sampled
  const badge =
    sampled === undefined
      ? ''
      : ` <span class="badge sampled" data-sampled title="Some figures come from a sample">sampled 1 in ${formatNumber(sampled.every)}</span>`
  const note =
    sampled === undefined
      ? ''
      : `<p class="note" data-note="sampled">After its first ${formatNumber(sampled.after)} values, the top values and the kinds of text that is not a number come from a sample of 1 value in ${formatNumber(sampled.every)}, each counting ${formatNumber(sampled.every)}. The other figures see every value.</p>`
  const table = figures(column)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('')
  return `<div class="column" data-column="${escapeHtml(column.column)}"><h4>${escapeHtml(column.column)}${badge}</h4>${note}<table class="figures">${table}</table><div class="scroll">${chart(column)}</div></div>`
}

function figures(column: ColumnProfile): Array<[string, string]> {
  const estimatedShare = column.sampled !== undefined && SAMPLED_KINDS.has(column.type)
  const out: Array<[string, string]> = [
    [
      'type',
      `${column.type} (${estimatedShare ? '≈ ' : ''}${formatNumber(column.typeShare * 100, 1)} % fit)`,
    ],
    ['missing', `${formatNumber(column.missing)} of ${formatNumber(column.count)}`],
    ['distinct ≈', formatNumber(column.distinct)],
  ]
  if (column.min !== undefined) out.push(['min', show(column.min)])
  if (column.max !== undefined) out.push(['max', show(column.max)])
  if (column.mean !== undefined) out.push(['mean', formatNumber(column.mean)])
  if (column.stddev !== undefined) out.push(['std dev', formatNumber(column.stddev)])
  if (column.quantiles !== undefined)
    out.push([
      'p50/p95/p99 ≈',
      `${formatNumber(column.quantiles.p50)} / ${formatNumber(column.quantiles.p95)} / ${formatNumber(column.quantiles.p99)}`,
    ])
  if (column.length !== undefined)
    out.push([
      'length',
      `${column.length.min}–${column.length.max} (mean ${formatNumber(column.length.mean, 1)})`,
    ])
  // A numeric column's chart is its histogram: its most frequent value is a figure instead.
  const top = column.topValues[0]
  if (hasHistogram(column) && top !== undefined)
    out.push([
      'most frequent',
      `${show(top.value)} (${formatNumber(top.count)}${top.error > 0 ? `, ${bound(column, top.error)}` : ''})`,
    ])
  return out
}

function chart(column: ColumnProfile): string {
  if (hasHistogram(column))
    return histogramChart(column.histogram ?? [], { title: `Histogram of ${column.column}` })
  if (column.topValues.length === 0) return '<p class="aside">No values.</p>'
  const bars: Bar[] = column.topValues.map((top) => ({
    label: top.value,
    value: top.count,
    ...(top.error > 0 ? { note: `(${bound(column, top.error)})` } : {}),
  }))
  const caption = `<p class="aside" data-field="top-values">Most frequent values: ${escapeHtml(topValuesHow(column))}</p>`
  return (
    caption +
    barChart(bars, { title: `Most frequent values of ${column.column}`, colour: '#2f6fdf' })
  )
}

function hasHistogram(column: ColumnProfile): boolean {
  return column.histogram !== undefined && column.histogram.length > 0
}

/** How far a top value's count may be from the true count (its `error` is above 0). */
function bound(column: ColumnProfile, error: number): string {
  return column.sampled !== undefined
    ? `± ${formatNumber(error)}`
    : `at most ${formatNumber(error)} over`
}

function topValuesHow(column: ColumnProfile): string {
  if (column.topValuesExact) return 'exact counts.'
  return column.sampled !== undefined
    ? 'estimated from the sample; the true count is within ± the figure shown (99.7 %).'
    : 'each count may over-state the true count by the figure shown, never under-state it.'
}

function show(value: number | string): string {
  return typeof value === 'number'
    ? formatNumber(value)
    : value.length > 40
      ? `${value.slice(0, 39)}…`
      : value
}
