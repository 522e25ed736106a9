/**
 * Scenario 6 by hand: scenario 2 into a destination that accepts 100 records per millisecond —
 * an object-mode Writable (high-water mark as PowerFlow's, batches through `writev`) that pauses
 * the reader when full. Reports the largest read-ahead: rows parsed but not yet delivered,
 * filtered out or dropped as duplicates.
 */
import { Writable } from 'node:stream'
import { once } from 'node:events'
import {
  Pace,
  SLOW_SINK_RECORDS_PER_MS,
  clean,
  keep,
  type CleanRow,
  type Job,
  type JobResult,
} from '../jobs.js'
import { readCsv } from './handwritten.js'

export async function run(job: Job): Promise<JobResult> {
  const pace = new Pace(SLOW_SINK_RECORDS_PER_MS)
  let read = 0
  let settled = 0
  let maxReadAhead = 0
  let rowsOut = 0
  const sink = new Writable({
    objectMode: true,
    highWaterMark: job.highWaterMark,
    writev(chunks, callback) {
      pace.accept(chunks.length).then(() => {
        rowsOut += chunks.length
        settled += chunks.length
        callback()
      }, callback)
    },
  })
  const seen = new Set<string>()
  await readCsv(job.input, (rows, pause) => {
    read += rows.length
    if (read - settled > maxReadAhead) maxReadAhead = read - settled
    let full = false
    for (const row of rows) {
      if (!keep(row)) {
        settled++
        continue
      }
      const record: CleanRow = clean(row)
      if (seen.has(record.email)) {
        settled++
        continue
      }
      seen.add(record.email)
      if (!sink.write(record)) full = true
    }
    if (full) pause(once(sink, 'drain'))
  })
  sink.end()
  await once(sink, 'finish')
  return { rowsOut, details: { maxReadAhead, highWaterMark: job.highWaterMark } }
}
