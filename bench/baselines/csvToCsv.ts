/** Scenario 1 by hand: CSV → CSV (parse and write every row). */
import type { Job, JobResult } from '../jobs.js'
import { EOL, TextOutput, csvCell, csvLine, readCsv } from './handwritten.js'

export async function run(job: Job): Promise<JobResult> {
  const output = new TextOutput(job.output)
  let columns: string[] | undefined
  let rowsOut = 0
  await readCsv(job.input, (rows, pause) => {
    let text = ''
    for (const row of rows) {
      if (columns === undefined) {
        columns = Object.keys(row)
        text += columns.map(csvCell).join(',') + EOL
      }
      text += csvLine(row, columns)
      rowsOut++
    }
    const full = output.write(text)
    if (full !== undefined) pause(full)
  })
  await output.end()
  return { rowsOut }
}
