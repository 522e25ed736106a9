/** The parse-only ceiling: papaparse streaming the file in 64 KiB chunks, no transform, no objects. */
import { createReadStream } from 'node:fs'
import Papa from 'papaparse'
import type { Job, JobResult } from '../jobs.js'
import { CHUNK_BYTES } from './handwritten.js'

export async function run(job: Job): Promise<JobResult> {
  let rows = 0
  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(job.input, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })
    input.on('error', reject)
    Papa.parse<string[]>(input, {
      skipEmptyLines: true,
      chunk(results) {
        rows += results.data.length
      },
      complete: () => resolve(),
      error: reject,
    })
  })
  return { rowsOut: rows - 1 }
}
