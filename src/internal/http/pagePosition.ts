/**
 * `fromHttp`'s position for the `state` run option: the query parameter that names a page (the
 * cursor of `cursor` pagination, the number of `page` pagination, the offset of `offset` pagination) and its value on the page to
 * start at. Only that value is kept — never a URL, which may carry a credential.
 *
 * @internal
 * @packageDocumentation
 */
import { currentRun } from '../run/currentRun.js'

/** @internal */
export interface PagePosition {
  readonly param: string
  readonly value: string
}

/** The parameter that names a page, for the paginations whose position can be kept. @internal */
export function positionParamOf(
  pagination:
    | {
        readonly by: string
        readonly cursorParam?: string
        readonly pageParam?: string
        readonly offsetParam?: string
      }
    | undefined,
): string | undefined {
  if (pagination?.by === 'cursor') return pagination.cursorParam
  if (pagination?.by === 'page') return pagination.pageParam
  if (pagination?.by === 'offset') return pagination.offsetParam
  return undefined
}

/** The page the last committed run saved for `stage`, if the run has `state`. @internal */
export async function savedPage(stage: string, param: string): Promise<string | undefined> {
  const saved = await currentRun().state?.positionOf(stage)
  if (saved === undefined) return undefined
  const position = (saved as { http?: Partial<PagePosition> } | null)?.http
  if (position?.param !== param || typeof position.value !== 'string')
    throw new Error(
      `${stage}: the saved state holds ${JSON.stringify(saved)}, not a page named by ${param}; delete the state key to start from the first page`,
    )
  return position.value
}

/** With `state`, the next run starts at the page `url` names (`undefined`: the first page). @internal */
export function rememberPage(stage: string, param: string, url: URL): void {
  const value = url.searchParams.get(param)
  if (value !== null) currentRun().state?.reach(stage, { http: { param, value } })
}
