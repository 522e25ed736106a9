/**
 * A REST query read page by page: `GET /query?q=…`, then each `nextRecordsUrl`, one request per
 * page, only when the source asks for the next page.
 *
 * @internal
 * @packageDocumentation
 */
import type { SalesforceApi } from './SalesforceApi.js'
import { withoutAttributes, type RecordsPage } from './records.js'

interface QueryAnswer {
  readonly totalSize?: number
  readonly done?: boolean
  readonly nextRecordsUrl?: string
  readonly records?: unknown
}

/** The pages of a REST query. `pageSize` is asked for with `Sforce-Query-Options`. @internal */
export async function* restPages(
  api: SalesforceApi,
  soql: string,
  pageSize: number,
  stage: string,
): AsyncGenerator<RecordsPage> {
  let path = api.dataPath(`/query?q=${encodeURIComponent(soql)}`)
  const seen = new Set<string>()
  for (let page = 1; ; page++) {
    const response = await api.send(path, {
      headers: { 'sforce-query-options': `batchSize=${pageSize}` },
    })
    let answer: QueryAnswer
    try {
      answer = JSON.parse(response.body) as QueryAnswer
    } catch {
      throw new Error(`${stage} page ${page}: the query answer is not JSON`)
    }
    if (!Array.isArray(answer.records))
      throw new Error(`${stage} page ${page}: the query answer has no records array`)
    yield {
      records: answer.records.map(withoutAttributes),
      bytes: Buffer.byteLength(response.body),
      ...(answer.totalSize === undefined ? {} : { totalSize: answer.totalSize }),
    }
    const next = answer.nextRecordsUrl
    if (answer.done === true || typeof next !== 'string' || next === '') return
    if (seen.has(next))
      throw new Error(
        `${stage} page ${page}: nextRecordsUrl ${next} came back twice; stopped to avoid a loop`,
      )
    seen.add(next)
    path = next
  }
}
