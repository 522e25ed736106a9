import { readdir } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { globMatcher } from '../../internal/globMatcher.js'
import { taskId, type FileTask } from './Task.js'

/**
 * One task per file whose name matches the last part of `pattern` (`exports/*.csv`: `*` any run
 * of characters, `?` one character, `{csv,tsv}` alternatives), in name order so that the output
 * of a job is in a stable order. Sub-folders are not searched.
 *
 * Rejects naming the folder when it cannot be read.
 *
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from 'node:fs'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { splitFiles } from 'powerflow-etl/distributed'
 *
 * const folder = mkdtempSync(join(tmpdir(), 'exports-'))
 * for (const name of ['b.csv', 'a.csv', 'notes.txt']) writeFileSync(join(folder, name), 'id\n1\n')
 * const tasks = await splitFiles(join(folder, '*.csv'))
 * console.assert(tasks.map((task) => task.path).join() === [join(folder, 'a.csv'), join(folder, 'b.csv')].join())
 * ```
 *
 * @param pattern - a folder and a file-name pattern
 * @returns the tasks, ids `task-0000`, `task-0001`, …
 * @category distributed
 * @since 0.2.0
 */
export async function splitFiles(pattern: string): Promise<FileTask[]> {
  const folder = dirname(pattern)
  const matches = globMatcher(basename(pattern))
  let entries
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch (error) {
    throw new Error(`splitFiles: cannot read the folder ${folder}: ${String(error)}`, {
      cause: error,
    })
  }
  const names = entries
    .filter((entry) => entry.isFile() && matches(entry.name))
    .map((entry) => entry.name)
    .sort()
  return names.map((name, index) => ({ kind: 'file', id: taskId(index), path: join(folder, name) }))
}
