/** What the kill harness and its child share: the child's settings, and the rows' codec. */
import * as t from 'io-ts'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'

export interface ChildConfig {
  readonly input: string
  readonly output: string
  readonly stateFile: string
  readonly everyRecords: number
  /**
   * The pipeline between validate and the sink: `dedupe` keeping the first record of each email
   * (default, into a CSV file), `dedupe-last` keeping the last (CSV), `aggregate` by email into
   * a JSON array.
   */
  readonly variant?: 'dedupe' | 'dedupe-last' | 'aggregate'
  /**
   * Stop inside the n-th call of this kind (1-based), or the rename onto a path ending in
   * `onto`, and wait to be killed.
   */
  readonly hangAt?:
    | { readonly kind: 'sync' | 'rename'; readonly n: number }
    | { readonly kind: 'rename'; readonly onto: string }
}

/** The rows the pipeline keeps: an amount that is a number. */
export const Row = t.type({
  id: t.string,
  email: t.string,
  name: t.string,
  amount: NumberFromString,
})

/** The aggregate of the `aggregate` variant: per email, built-in measures and a reducer. */
export const byEmail = {
  groupBy: ['email'],
  measures: {
    amount: ['sum', 'avg', 'min', 'max'],
    id: ['count', 'first', 'last'],
  },
} as const

/** The harnesses' input: rows with duplicate emails, bad amounts, quoted commas and line breaks, and multi-byte text. */
export function inputText(rows: number, next: () => number): string {
  const names = [
    'Ada',
    'Grace Hopper',
    'Zoë, Ltd',
    'Jürgen "JJ"',
    'Line\nbreak',
    '漢字',
    '🙂 emoji',
  ]
  const quote = (value: string): string =>
    /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
  const lines = ['id,email,name,amount']
  for (let index = 0; index < rows; index++) {
    const email = `user${next() < 0.1 ? Math.floor(next() * index) : index}@example.com`
    const name = names[Math.floor(next() * names.length)] as string
    const amount = next() < 0.02 ? 'n/a' : (next() * 1000).toFixed(2)
    lines.push([`R${index}`, email, quote(name), amount].join(','))
  }
  return `${lines.join('\n')}\n`
}
