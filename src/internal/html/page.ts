import type { ProfileReport } from '../../core/ColumnProfile.js'
import type { Failure } from '../../core/Failure.js'
import type { RunReport, RunTimeline, StageReport } from '../../core/RunReport.js'
import { barChart, lineChart, type Series } from './charts.js'
import { columnCard } from './columnCard.js'
import { escapeHtml, formatDuration, formatNumber } from './escape.js'
import { flowDiagram, type FlowRow } from './flowDiagram.js'
import { STYLES } from './styles.js'

/** How many failures the page lists in its table. @internal */
export const FAILURES_SHOWN = 50

/**
 * The whole report page: one HTML document with its styles inline and its charts as inline SVG,
 * so it opens anywhere without a network and prints as it shows.
 *
 * @internal
 */
export function reportPage(report: RunReport): string {
  const sections = [
    summary(report),
    flow(report),
    time(report),
    outcomes(report),
    failures(report),
    profiles(report.profiles),
  ].filter((section) => section !== '')
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${report.name}: ${report.status}`)} · PowerFlow run report</title>`,
    `<style>${STYLES}</style></head><body>`,
    `<header><h1>${escapeHtml(report.name)} <span class="status status-${escapeHtml(report.status)}" data-field="status">${escapeHtml(report.status)}</span></h1>`,
    `<p class="when">${escapeHtml(report.startedAt)} → ${escapeHtml(report.finishedAt)} · ${formatDuration(report.durationMs)}</p></header>`,
    '<main>',
    ...sections,
    '</main>',
    '<footer>PowerFlow run report · self-contained: no scripts, no network</footer>',
    '</body></html>',
  ].join('\n')
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`
}

function summary(report: RunReport): string {
  const cards = (
    [
      ['read', report.read],
      ['created', report.created],
      ['written', report.written],
      ['dropped', report.dropped],
      ['merged', report.merged],
      ['failed', report.failed],
    ] as const
  )
    .map(
      ([name, value]) =>
        `<div class="card card-${name}"><div class="figure" data-count="${name}">${formatNumber(value)}</div><div class="label">${name}</div></div>`,
    )
    .join('')
  const left = report.read + report.created
  const right = report.written + report.dropped + report.merged + report.failed
  const holds = left === right
  const identity =
    `<p class="identity ${holds ? 'holds' : 'broken'}" data-field="identity">` +
    `read + created = written + dropped + merged + failed: ` +
    `${formatNumber(report.read)} + ${formatNumber(report.created)} = ${formatNumber(report.written)} + ${formatNumber(report.dropped)} + ${formatNumber(report.merged)} + ${formatNumber(report.failed)} ` +
    `<strong>${holds ? '✓ adds up' : `✗ ${formatNumber(left)} ≠ ${formatNumber(right)}`}</strong></p>`
  const extra =
    `<p class="aside">Most records in memory at once: ${formatNumber(report.maxInFlight)}` +
    (report.failuresOmitted > 0
      ? ` · ${formatNumber(report.failuresOmitted)} failures beyond the report's cap are counted but not listed`
      : '') +
    '</p>'
  return section('summary', 'Summary', `<div class="cards">${cards}</div>${identity}${extra}`)
}

function flow(report: RunReport): string {
  const rows: FlowRow[] = [{ stages: report.stages }]
  const branches = report['branches']
  if (typeof branches === 'object' && branches !== null)
    for (const [name, branch] of Object.entries(branches as Record<string, RunReport>))
      if (Array.isArray(branch?.stages))
        rows.push({ label: `branch ${name}`, stages: branch.stages })
  const body =
    report.stages.length === 0
      ? '<p>No stage ran.</p>'
      : `<div class="scroll">${flowDiagram(rows)}</div>${stageTable(report.stages)}`
  return section('stages', 'Stages', body)
}

function stageTable(stages: readonly StageReport[]): string {
  const rows = stages
    .map((stage) => {
      const busy = (stage as { busyMs?: number }).busyMs
      return (
        `<tr><td>${escapeHtml(stage.name)}</td><td>${stage.kind}</td>` +
        [stage.in, stage.out, stage.dropped, stage.failed, stage.created, stage.merged]
          .map((value) => `<td class="num">${formatNumber(value)}</td>`)
          .join('') +
        `<td class="num">${busy === undefined ? '–' : formatDuration(busy)}</td>` +
        `<td class="num">${formatDuration(stage.durationMs)}</td></tr>`
      )
    })
    .join('')
  return (
    '<table class="stages"><thead><tr><th>stage</th><th>kind</th><th>in</th><th>out</th><th>dropped</th><th>failed</th><th>created</th><th>merged</th><th>busy</th><th>wall</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  )
}

function time(report: RunReport): string {
  const parts: string[] = []
  const timeline = report.timeline
  if (timeline !== undefined && timeline.samples.length > 1)
    parts.push(
      `<h3>Throughput over time</h3><div class="scroll">${lineChart(throughput(timeline), {
        title: 'Records per second out of each stage',
        xLabel: 'seconds since start',
        yLabel: 'records/s',
      })}</div>`,
    )
  const busy = report.stages.map((stage) => ({
    label: stage.name,
    value: (stage as { busyMs?: number }).busyMs ?? stage.durationMs,
  }))
  const busyKnown = report.stages.some(
    (stage) => (stage as { busyMs?: number }).busyMs !== undefined,
  )
  if (busy.length > 0)
    parts.push(
      `<h3>Where the time went</h3><p class="aside">${busyKnown ? 'Time each stage spent in its own work (ms).' : 'Time from each stage’s start to its end (ms).'}</p>` +
        barChart(busy, { title: 'Milliseconds per stage', colour: '#e0762b' }),
    )
  return parts.length === 0 ? '' : section('time', 'Time', parts.join(''))
}

/**
 * Records per second between consecutive samples, per stage, drawn as steps: the average rate
 * holds from one sample to the next (a short run has only a few samples, which a line between
 * interval ends would misplace).
 */
function throughput(timeline: RunTimeline): Series[] {
  const names = [...new Set(timeline.samples.flatMap((sample) => Object.keys(sample.stages)))]
  return names.map((name) => {
    const points: Array<[number, number]> = []
    for (let i = 1; i < timeline.samples.length; i++) {
      const before = timeline.samples[i - 1]
      const after = timeline.samples[i]
      if (before === undefined || after === undefined) continue
      const seconds = (after.atMs - before.atMs) / 1000
      if (seconds <= 0) continue
      const passed = (after.stages[name] ?? 0) - (before.stages[name] ?? 0)
      const rate = Math.max(0, passed / seconds)
      points.push([before.atMs / 1000, rate], [after.atMs / 1000, rate])
    }
    return { name, points }
  })
}

function outcomes(report: RunReport): string {
  const dropped = Object.entries(report.droppedByReason)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => ({ label: reason, value: count }))
  const byTag = countBy(report.failures, (failure) => failure._tag)
  const byStage = countBy(report.failures, (failure) => failure.stage)
  const parts: string[] = []
  parts.push(
    dropped.length === 0
      ? '<h3>Dropped by reason</h3><p>No record was dropped.</p>'
      : `<h3>Dropped by reason</h3>${barChart(dropped, { title: 'Records dropped, by reason', colour: '#7f8c8d' })}`,
  )
  if (report.failures.length > 0)
    parts.push(
      `<div class="pair"><div><h3>Failures by kind</h3>${barChart(byTag, { title: 'Failures by kind', colour: '#c0392b' })}</div>` +
        `<div><h3>Failures by stage</h3>${barChart(byStage, { title: 'Failures by stage', colour: '#c0392b' })}</div></div>`,
    )
  return section('outcomes', 'Dropped and failed', parts.join(''))
}

function countBy(
  failures: readonly Failure[],
  key: (failure: Failure) => string,
): Array<{ label: string; value: number }> {
  const counts = new Map<string, number>()
  for (const failure of failures) counts.set(key(failure), (counts.get(key(failure)) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value }))
}

function failures(report: RunReport): string {
  if (report.failures.length === 0) return ''
  const shown = report.failures.slice(0, FAILURES_SHOWN)
  const rows = shown
    .map(
      (failure) =>
        `<tr class="failure"><td>${escapeHtml(failure._tag)}</td><td>${escapeHtml(failure.stage)}</td>` +
        `<td>${escapeHtml(place(failure))}</td><td class="message">${escapeHtml(failure.message)}</td></tr>`,
    )
    .join('')
  const more =
    report.failures.length > shown.length || report.failuresOmitted > 0
      ? `<p class="aside">Showing the first ${shown.length} of ${formatNumber(report.failed)} failures.</p>`
      : ''
  return section(
    'failures',
    'First failures',
    `<table class="failures"><thead><tr><th>kind</th><th>stage</th><th>where</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>${more}`,
  )
}

function place(failure: Failure): string {
  const location = failure.location
  if (location === undefined) return ''
  const parts: string[] = []
  if (location.file !== undefined) parts.push(location.file)
  if (location.line !== undefined) parts.push(`line ${location.line}`)
  if (location.field !== undefined) parts.push(`field ${location.field}`)
  if (location.recordId !== undefined) parts.push(`record ${String(location.recordId)}`)
  return parts.join(', ')
}

function profiles(all: Readonly<Record<string, ProfileReport>> | undefined): string {
  if (all === undefined) return ''
  const parts = Object.entries(all).map(([stage, found]) => {
    const columns = Object.values(found.columns).map(columnCard).join('')
    const omitted =
      found.columnsOmitted > 0
        ? `<p class="aside">${formatNumber(found.columnsOmitted)} more columns were not profiled.</p>`
        : ''
    return `<h3>${escapeHtml(stage)} <span class="aside">${formatNumber(found.records)} records</span></h3>${omitted}<div class="columns">${columns}</div>`
  })
  return parts.length === 0 ? '' : section('profiles', 'Profiles', parts.join(''))
}
