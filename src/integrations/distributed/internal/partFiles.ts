/**
 * Part files of a job: one per task, joined in task order into the output (as they complete, in
 * order), through a temporary file renamed into place once every task has settled, so the output
 * appears whole or not at all.
 *
 * @internal
 * @packageDocumentation
 */
import { constants } from 'node:fs'
import { copyFile, open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
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

/**
 * Joins part files in order into `output` while their tasks still run: each part is appended as
 * soon as it and every part before it are complete, into a temporary file beside `output` that
 * `commit` flushes and renames into place (the output appears whole or not at all), and `discard`
 * removes. So only the last part is left to copy once the last task ends. The parts themselves
 * are left where they are.
 *
 * @internal
 */
export class PartJoiner {
  private readonly complete: boolean[]
  private readonly temporary: string
  private appended = 0
  private headerKept = false
  private target: Promise<FileHandle> | undefined
  private work: Promise<void> = Promise.resolve()
  private failure: { readonly error: unknown } | undefined

  constructor(
    private readonly parts: readonly string[],
    private readonly output: string,
    private readonly settings: JoinSettings,
  ) {
    this.complete = parts.map(() => false)
    this.temporary = join(dirname(output), `.${basename(output)}.${process.pid}.joining`)
  }

  /** Part `index` is complete: it is appended once every part before it is. */
  completed(index: number): void {
    this.complete[index] = true
    this.work = this.work.then(() => this.appendReady())
  }

  /** Appends the parts not yet appended, flushes the file and renames it to the output. */
  async commit(): Promise<void> {
    for (let index = 0; index < this.parts.length; index++)
      if (this.complete[index] !== true) this.completed(index)
    await this.work
    try {
      if (this.failure !== undefined) throw this.failure.error
      const target = await this.open()
      await target.sync()
      await target.close()
    } catch (error) {
      await this.discard()
      throw error
    }
    await rename(this.temporary, this.output)
  }

  /** Stops appending and removes the temporary file. */
  async discard(): Promise<void> {
    this.failure ??= { error: new Error('discarded') }
    await this.work
    await this.target?.then((handle) => handle.close()).catch(() => undefined)
    await rm(this.temporary, { force: true })
  }

  private open(): Promise<FileHandle> {
    this.target ??= open(this.temporary, 'w')
    return this.target
  }

  private async appendReady(): Promise<void> {
    if (this.failure !== undefined) return
    try {
      while (this.appended < this.parts.length && this.complete[this.appended] === true) {
        await this.append(this.parts[this.appended] as string)
        this.appended++
      }
    } catch (error) {
      this.failure = { error }
    }
  }

  private async append(part: string): Promise<void> {
    const size = await sizeOf(part)
    if (size === 0) return
    if (this.target === undefined) {
      // The first part with bytes starts the file as it is: copied by the kernel (or cloned where
      // the file system can), not through a buffer — with one range per thread, the whole first
      // half of the output is often still to join when the last task ends.
      await copyFile(part, this.temporary, constants.COPYFILE_FICLONE)
      this.target = open(this.temporary, 'a')
      this.headerKept = true
      return
    }
    const target = await this.open()
    let position = 0
    if (this.settings.csvHeader && this.headerKept)
      position = await headerRowEnd(part, {
        delimiter: this.settings.delimiter,
        quoteChar: '"',
        escapeChar: '"',
        comments: false,
      })
    this.headerKept = true
    const source = await open(part, 'r')
    try {
      const buffer = Buffer.allocUnsafe(Math.min(COPY_BYTES, size - position))
      while (position < size) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, position)
        if (bytesRead === 0) break
        await target.write(buffer, 0, bytesRead)
        position += bytesRead
      }
    } finally {
      await source.close()
    }
  }
}

/** Writes the parts one after the other into `output`. @internal */
export async function joinParts(
  parts: readonly string[],
  output: string,
  settings: JoinSettings,
): Promise<void> {
  await new PartJoiner(parts, output, settings).commit()
}
