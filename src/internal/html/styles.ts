/** The report page's style sheet: readable on a laptop screen, and printable. @internal */
export const STYLES = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5f6b7a; --line: #d9dee5; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 8px; }
h4 { font-size: 13px; margin: 0 0 6px; font-family: ui-monospace, Menlo, Consolas, monospace; }
.when, .aside { color: var(--muted); font-size: 13px; }
.status { font-size: 13px; padding: 2px 10px; border-radius: 12px; vertical-align: middle; color: #fff; }
.status-completed { background: #2a9d8f; } .status-failed { background: #c0392b; } .status-aborted { background: #d4a017; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card .figure { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); }
.card-failed .figure { color: #c0392b; } .card-written .figure { color: #2a9d8f; }
.identity { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.identity.holds strong { color: #2a9d8f; } .identity.broken strong { color: #c0392b; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.failures td.message { max-width: 620px; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; font-size: 12px; fill: var(--ink); }
svg .grid { stroke: #eceff3; } svg .axis { stroke: #8a94a3; }
svg.flow rect { fill: var(--panel); stroke: #8a94a3; }
svg.flow .stage-source rect { stroke: #2f6fdf; } svg.flow .stage-sink rect { stroke: #2a9d8f; }
svg.flow .stage-name { font-weight: 600; } svg.flow .stage-kind, svg.flow .stage-note { fill: var(--muted); font-size: 11px; }
svg.flow .edge line { stroke: #555; stroke-width: 1.5; } svg.flow .row-label { font-weight: 600; }
.pair { display: flex; flex-wrap: wrap; gap: 24px; }
.columns { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 14px; }
.column { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; break-inside: avoid; }
.column table.figures th { color: var(--muted); font-weight: normal; width: 120px; }
.badge { font: 600 11px/1.6 system-ui, sans-serif; padding: 1px 8px; border-radius: 10px; margin-left: 6px; vertical-align: middle; }
.badge.sampled { background: #fdf1d8; color: #7a5200; border: 1px solid #e9c46a; }
.column .note { margin: 0 0 6px; font-size: 12px; color: #7a5200; }
footer { color: var(--muted); font-size: 12px; padding: 24px; }
@media print {
  body { font-size: 11px; } header, main, footer { max-width: none; padding: 0 8px; }
  section { break-inside: avoid-page; } .scroll { overflow: visible; }
  .status, .badge { color: #000; border: 1px solid #000; background: none; }
}
`
