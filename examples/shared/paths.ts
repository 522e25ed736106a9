/**
 * Where the examples find their sample data and put their output.
 *
 * (These examples run with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A file of the sample data that ships with the examples (examples/data). */
export const dataFile = (name: string): string =>
  fileURLToPath(new URL(`../data/${name}`, import.meta.url))

/** The examples' output folder when none is given: examples/out. */
export const defaultOutDir = (): string => fileURLToPath(new URL('../out/', import.meta.url))

/** A path as a person at the terminal would type it: relative to where they are. */
export const shown = (path: string): string => relative(process.cwd(), path) || path
