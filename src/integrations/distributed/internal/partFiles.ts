/**
 * Part files of a job: one per task, joined in task order into the output once every task has
 * settled, through a temporary file renamed into place so the output appears whole or not at all.
 *
 * @internal
 * @packageDocumentation
 */
import { open, rename, rm, stat } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { headerRowEnd } from '../../../internal/csv/recordBoundaries.js'

/** The part file of task `id` of the output `output`. @internal */
export function partPath(output: string, id: string): string {
  return join(dirname(output), `.${basename(output)}.parts`, `${id}.part`)
}

/** The folder of the part files of `output`. @internal */
export function partsFolder(output: string): string {
  return join(dirname(output), `.${basename(output)}.parts`)
}

/** How parts are joined: CSV parts each start with the same header row, kept once. @internal */
export interface JoinSettings {
  readonly csvHeader: boolean
  readonly delimiter: string
}

const COPY_BYTES = 1024 * 1024

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return 0
    throw error
  }
}

/** Writes the parts one after the other into `output`, then removes them. @internal */
export async function joinParts(
  parts: readonly string[],
  output: string,
  settings: JoinSettings,
): Promise<void> {
  const temporary = join(dirname(output), `.${basename(output)}.${process.pid}.joining`)
  const target = await open(temporary, 'w')
  try {
    let headerKept = false
    const buffer = Buffer.allocUnsafe(COPY_BYTES)
    for (const part of parts) {
      const size = await sizeOf(part)
      if (size === 0) continue
      let position = 0
      if (settings.csvHeader && headerKept)
        position = await headerRowEnd(part, {
          delimiter: settings.delimiter,
          quoteChar: '"',
          escapeChar: '"',
          comments: false,
        })
      headerKept = true
      const source = await open(part, 'r')
      try {
        while (position < size) {
          const { bytesRead } = await source.read(buffer, 0, COPY_BYTES, position)
          if (bytesRead === 0) break
          await target.write(buffer, 0, bytesRead)
          position += bytesRead
        }
      } finally {
        await source.close()
      }
    }
    await target.sync()
  } catch (error) {
    await target.close()
    await rm(temporary, { force: true })
    throw error
  }
  await target.close()
  await rename(temporary, output)
}
