/**
 * high-value-deals: a CSV job. Reads a deals export, keeps the won deals worth 10,000 or more,
 * and writes them to a CSV file; broken rows go to a dead-letter file beside it.
 *
 *   npx powerflow run examples/pipelines/high-value-deals.ts
 *   npx powerflow run examples/pipelines/high-value-deals.ts --param input=exports/deals.csv --param out=out/
 *   npx powerflow watch examples/pipelines/high-value-deals.ts --dir inbox/ --pattern "*.csv"
 *
 * Parameters (all optional): `file` or `input`, the deals CSV (default: the bundled sample,
 * examples/data/deals.csv; `watch` passes `file`); `out`, the output folder (default
 * examples/out). The output file is named after the input: deals.csv → deals.high-value.csv.
 *
 * (This example runs from the repository. In your project: import from 'powerflow-etl'.)
 */
import { mkdir } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { deadLetter, definePipeline, map, pipe, toCsv, toJson, fromCsv } from '../../src/index.js'
import { keepHighValueWins, validateDeals } from '../shared/deals.js'
import { dataFile, defaultOutDir } from '../shared/paths.js'

export default definePipeline({
  name: 'high-value-deals',
  description: 'Won deals worth 10,000 or more, from a deals CSV export to a CSV file.',
  run: async (ctx) => {
    const input = ctx.params['file'] ?? ctx.params['input'] ?? dataFile('deals.csv')
    const outDir = ctx.params['out'] ?? defaultOutDir()
    await mkdir(outDir, { recursive: true })
    const stem = basename(input, extname(input))
    const output = join(outDir, `${stem}.high-value.csv`)
    ctx.logger.info(`reading ${input}`)
    return pipe(
      fromCsv(input),
      validateDeals(basename(input)),
      keepHighValueWins,
      map((deal) => ({
        id: deal.id,
        name: deal.name,
        region: deal.region,
        amount: deal.amount,
        owner: deal.owner,
        closedOn: deal.closed_at.toISOString().slice(0, 10),
      })),
      deadLetter(toJson(join(outDir, `${stem}.rejected.ndjson`))),
      // ctx.runOptions carries the run's signal (Ctrl-C stops it; the file stays whole or absent)
      // and the command's progress setting.
      toCsv(output, { ...ctx.runOptions }),
    )
  },
})
