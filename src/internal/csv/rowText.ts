/**
 * A row written back as CSV text, for the `raw` of a failure about a row whose fields were read.
 *
 * @internal
 * @packageDocumentation
 */

/** A row written back as CSV: its raw text, up to quoting details. @internal */
export function rowText(row: readonly string[], delimiter: string, quoteChar: string): string {
  return row
    .map((field) =>
      field.includes(quoteChar) ||
      field.includes(delimiter) ||
      field.includes('\n') ||
      field.includes('\r')
        ? quoteChar + field.split(quoteChar).join(quoteChar + quoteChar) + quoteChar
        : field,
    )
    .join(delimiter)
}
