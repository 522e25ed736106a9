import type { DatabaseColumn } from '../../core/DatabaseReport.js'
import type { ColumnKind, ColumnPlan } from './columnKinds.js'

/**
 * The columns a database sink creates for `createTable`: one per planned column, typed by the
 * dialect's `types`, nullable unless the plan says otherwise or it is part of the key; a key
 * column the records never had is added as text (`keyType`), NOT NULL.
 *
 * @internal
 */
export function tableColumns(
  planned: readonly ColumnPlan[],
  key: readonly string[],
  types: Readonly<Record<ColumnKind, string>>,
  keyType: string,
): DatabaseColumn[] {
  const columns: DatabaseColumn[] = planned.map((column) => ({
    name: column.name,
    type: types[column.kind],
    nullable: column.nullable && !key.includes(column.name),
  }))
  for (const name of key)
    if (!columns.some((column) => column.name === name))
      columns.push({ name, type: keyType, nullable: false })
  return columns
}
