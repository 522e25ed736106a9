/**
 * Bookmarks kept by the `state` run option: an incremental source says what its bookmark is (now,
 * or through a function asked at the commit), and reads the one the last committed run saved.
 *
 * @internal
 * @packageDocumentation
 */
import type { Bookmark } from '../core/Bookmark.js'
import { currentRun } from './run/currentRun.js'

/** A bookmark as the state keeps it: JSON, with a Date marked so it comes back a Date. */
function asSaved(bookmark: Bookmark | undefined): unknown {
  if (bookmark === undefined) return undefined
  const { field, value } = bookmark
  return value instanceof Date
    ? { bookmark: { field, value: value.toISOString(), date: true } }
    : { bookmark: { field, value } }
}

/**
 * With the `state` run option, `stage`'s bookmark is saved when the run commits: `bookmark`, or
 * what `current` answers then.
 *
 * @internal
 */
export function rememberBookmark(
  stage: string,
  bookmark: Bookmark | (() => Bookmark | undefined),
): void {
  const state = currentRun().state
  if (state === undefined) return
  state.reach(stage, typeof bookmark === 'function' ? () => asSaved(bookmark()) : asSaved(bookmark))
}

/**
 * The bookmark value the last committed run saved for `stage`, if the run has `state` and there
 * is one. A saved position that is not a bookmark on `field` is an error, not a fresh start.
 *
 * @internal
 */
export async function savedBookmark(
  stage: string,
  field: string,
): Promise<string | number | Date | undefined> {
  const saved = await currentRun().state?.positionOf(stage)
  if (saved === undefined) return undefined
  const bookmark = (saved as { bookmark?: { field?: unknown; value?: unknown; date?: unknown } })
    .bookmark
  const value = bookmark?.value
  if (
    bookmark === undefined ||
    bookmark.field !== field ||
    !(typeof value === 'string' || typeof value === 'number')
  )
    throw new Error(
      `${stage}: the saved state holds ${JSON.stringify(saved)}, not a bookmark on ${field}; ` +
        'was the bookmark field changed? Delete the state key to start from since again',
    )
  return bookmark.date === true ? new Date(value) : value
}
