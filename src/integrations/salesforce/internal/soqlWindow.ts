/**
 * A condition added to SOQL written by hand: into its own `WHERE` (both must hold), or as a new
 * `WHERE` before the clauses that follow one. Only the query's top level is looked at: string
 * literals and parenthesised parts (subqueries, nested conditions) are skipped over.
 *
 * @internal
 * @packageDocumentation
 */

/** The clauses that may follow `WHERE`, in SOQL's order. */
const AFTER_WHERE = /^(WITH|GROUP|HAVING|ORDER|LIMIT|OFFSET|FOR|UPDATE)$/i

/** A word at the top level of a query, and where it starts. */
interface Word {
  readonly text: string
  readonly at: number
}

/**
 * `soql` reading only the records that also meet `condition`. Throws a `TypeError` naming
 * `stage` when the query has `LIMIT`, `OFFSET`, `GROUP BY` or an aggregate: a part of the records
 * would then not read the part of the answer that the whole gives.
 *
 * @internal
 */
export function withCondition(soql: string, condition: string, stage: string): string {
  const words = topLevelWords(soql)
  const from = words.findIndex((word) => /^FROM$/i.test(word.text))
  if (from < 0) throw new TypeError(`${stage}: the SOQL query has no FROM`)
  const clauses = words.slice(from + 1)
  const refused = clauses.find((word) => /^(LIMIT|OFFSET|GROUP|HAVING)$/i.test(word.text))
  const aggregate = words.some(
    (word) =>
      /^(COUNT|SUM|AVG|MIN|MAX|COUNT_DISTINCT)$/i.test(word.text) &&
      /^\s*\(/.test(soql.slice(word.at + word.text.length)),
  )
  if (refused !== undefined || aggregate)
    throw new TypeError(
      `${stage}: a range cannot be read with ${refused === undefined ? 'an aggregate' : refused.text.toUpperCase()}: each task would apply it to its own part of the records`,
    )
  const where = clauses.find((word) => /^WHERE$/i.test(word.text))
  const next = clauses.find(
    (word) => AFTER_WHERE.test(word.text) && (where === undefined || word.at > where.at),
  )
  const end = next?.at ?? soql.length
  if (where === undefined)
    return `${soql.slice(0, end).trimEnd()} WHERE ${condition}${end < soql.length ? ` ${soql.slice(end)}` : ''}`
  const own = soql.slice(where.at + 'WHERE'.length, end).trim()
  return `${soql.slice(0, where.at)}WHERE (${own}) AND ${condition}${end < soql.length ? ` ${soql.slice(end)}` : ''}`
}

/** The words outside string literals and parentheses, in order. */
function topLevelWords(soql: string): Word[] {
  const words: Word[] = []
  let depth = 0
  for (let index = 0; index < soql.length;) {
    const char = soql[index] as string
    if (char === "'") {
      index = afterString(soql, index)
      continue
    }
    if (char === '(') depth += 1
    else if (char === ')') depth = Math.max(0, depth - 1)
    const word = /^[A-Za-z_][\w.]*/.exec(soql.slice(index, index + 256))
    if (word !== null && (index === 0 || !/[\w.]/.test(soql[index - 1] as string))) {
      if (depth === 0) words.push({ text: word[0], at: index })
      index += word[0].length
      continue
    }
    index += 1
  }
  return words
}

/** The index after the string literal starting at `start` (its backslash escapes skipped). */
function afterString(soql: string, start: number): number {
  for (let index = start + 1; index < soql.length; index++) {
    if (soql[index] === '\\') index += 1
    else if (soql[index] === "'") return index + 1
  }
  return soql.length
}
