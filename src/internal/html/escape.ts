/** Escapes text for HTML element content and attribute values. @internal */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string)
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** A number as people read it: grouped digits, at most `digits` decimals. @internal */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value)
  return value.toLocaleString('en-US', { maximumFractionDigits: digits })
}

/** Milliseconds as `850 ms`, `12.4 s` or `3 min 5 s`. @internal */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`
}
