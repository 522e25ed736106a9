/** Scenario 4 by hand: NDJSON → io-ts decode (the same codec) → NDJSON of the valid records. */
import { createReadStream } from 'node:fs'
import { isRight } from 'fp-ts/lib/Either.js'
import { CrmRecord, type Job, type JobResult } from '../jobs.js'
import { CHUNK_BYTES, TextOutput } from './handwritten.js'

export async function run(job: Job): Promise<JobResult> {
  const input = createReadStream(job.input, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })
  const output = new TextOutput(job.output)
  const errors: string[] = []
  let failed = 0
  let rowsOut = 0
  let line = 0
  let rest = ''
  const handle = (text: string): string => {
    line++
    if (text.length === 0) return ''
    const result = CrmRecord.decode(JSON.parse(text))
    if (isRight(result)) {
      rowsOut++
      return JSON.stringify(result.right) + '\n'
    }
    failed++
    if (errors.length < 1000) {
      const first = result.left[0]
      const path = first?.context
        .map((entry) => entry.key)
        .filter((key) => key !== '')
        .join('.')
      errors.push(
        `line ${line}: ${path}: expected ${first?.context.at(-1)?.type.name}, got ${JSON.stringify(first?.value)}`,
      )
    }
    return ''
  }
  for await (const chunk of input as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop() ?? ''
    let text = ''
    for (const item of lines) text += handle(item)
    const full = output.write(text)
    if (full !== undefined) await full
  }
  await output.end(handle(rest))
  return { rowsOut, details: { failed } }
}
