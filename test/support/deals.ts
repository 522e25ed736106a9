/**
 * Generated deal rows for the database tests: a CSV file and the rows it holds, with known bad
 * rows at chosen lines.
 */
import { writeFile } from 'node:fs/promises'

export interface DealRow {
  readonly id: string
  readonly name: string
  readonly amount: string
  readonly closed_at: string
}

/** Deal number `n` (1-based); `version` changes name and amount, as a later export would. */
export function deal(n: number, version = 1): DealRow {
  return {
    id: String(n),
    name: `Deal ${n}${version === 1 ? '' : ` v${version}`}, "quoted"\ttabbed`,
    amount: `${(n * 7919 * version) % 100_000}.${String(n % 100).padStart(2, '0')}`,
    closed_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
  }
}

/** Writes the rows as a CSV file with a header; `override` replaces fields of some rows. */
export async function writeDealsCsv(
  path: string,
  rows: readonly DealRow[],
  override: ReadonlyMap<number, Partial<DealRow>> = new Map(),
): Promise<void> {
  const quote = (value: string): string =>
    /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
  const lines = ['id,name,amount,closed_at']
  rows.forEach((row, index) => {
    const final = { ...row, ...override.get(index) }
    lines.push([final.id, final.name, final.amount, final.closed_at].map(quote).join(','))
  })
  await writeFile(path, lines.join('\n') + '\n')
}
