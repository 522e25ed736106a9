import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  powerflow,
  powerflowRun,
  repo,
  temporaryFolder,
  writePipeline,
} from '../support/powerflowCommand.js'

let folder: { path: string; remove(): void }
const at = (name: string): string => join(folder.path, name)

beforeAll(() => {
  folder = temporaryFolder('cli-run')
  writeFileSync(at('deals.csv'), 'id,amount\nD1,10\nD2,20\nD3,30\n')
  writePipeline(
    folder.path,
    'copy.ts',
    `export default pf.definePipeline({
      name: 'copy',
      run: (ctx) => pf.pipe(
        pf.fromCsv(ctx.params['input'] ?? ''),
        pf.toCsv(ctx.params['out'] ?? '', { ...ctx.runOptions }),
      ),
    })`,
  )
  writePipeline(
    folder.path,
    'failing.ts',
    `export default pf.definePipeline({
      name: 'failing',
      run: (ctx) => pf.pipe(
        pf.fromGenerator([1, 2, 3]),
        pf.map((n) => { if (n === 2) throw new Error('two is not allowed'); return n }),
        pf.failFast(),
        pf.toArray({ ...ctx.runOptions }),
      ),
    })`,
  )
  writePipeline(
    folder.path,
    'endless.ts',
    `export default pf.definePipeline({
      name: 'endless',
      run: (ctx) => pf.pipe(
        pf.fromGenerator(async function* () {
          for (let n = 1; ; n += 1) {
            yield { n }
            await new Promise((resolve) => setTimeout(resolve, 2))
          }
        }),
        pf.map((row) => { if (row.n === 20) ctx.logger.info('twenty rows in'); return row }),
        pf.toCsv(ctx.params['out'] ?? '', { ...ctx.runOptions }),
      ),
    })`,
  )
  writePipeline(
    folder.path,
    'stubborn.ts',
    `export default pf.definePipeline({
      name: 'stubborn',
      run: (ctx) => new Promise(() => {
        setInterval(() => undefined, 1_000)
        ctx.logger.info('ignoring the signal')
      }),
    })`,
  )
  writePipeline(
    folder.path,
    'secrets.ts',
    `export default pf.definePipeline({
      name: 'secrets',
      run: (ctx) => {
        const token = ctx.env['API_TOKEN'] ?? ''
        ctx.logger.info('calling the API with ' + token)
        console.log('region ' + ctx.env['REGION'] + ', token ' + token)
        return pf.pipe(
          pf.fromGenerator([{ token, region: ctx.env['REGION'] ?? '' }, { token: 'x', region: 'y' }]),
          pf.map((row) => { if (row.token === 'x') throw new Error('rejected by ' + token); return row }),
          pf.toJson(ctx.params['out'] ?? '', { ...ctx.runOptions }),
        )
      },
    })`,
  )
  writeFileSync(at('no-pipeline.ts'), 'export const answer = 42\n')
})

afterAll(() => folder.remove())

describe('powerflow run', { timeout: 60_000 }, () => {
  it('exits 0 on a completed run, printing the summary table and writing the report', async () => {
    const result = await powerflowRun([
      'run',
      at('copy.ts'),
      '--param',
      `input=${at('deals.csv')}`,
      '-p',
      `out=${at('copy.csv')}`,
      '--report',
      at('report.json'),
    ])

    expect(result.stderr).not.toContain('Error')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/copy completed in [\d.]+ s — read 3, created 0, written 3/)
    expect(result.stdout).toMatch(/stage\s+in\s+out\s+dropped/)
    // The table once, from the command: the sink's progress leaves it out.
    expect(result.stderr).not.toMatch(/stage\s+in\s+out/)
    expect(readFileSync(at('copy.csv'), 'utf8')).toBe('id,amount\r\nD1,10\r\nD2,20\r\nD3,30\r\n')
    const report = JSON.parse(readFileSync(at('report.json'), 'utf8')) as Record<string, unknown>
    expect(report).toMatchObject({ name: 'copy', status: 'completed', read: 3, written: 3 })
  })

  it('exits 1 on a failed run, naming the failure', async () => {
    const result = await powerflowRun(['run', at('failing.ts'), '--quiet'])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('failing failed')
    expect(result.stderr).toContain('two is not allowed')
    expect(result.stdout).toBe('')
  })

  it('exits 2 on a usage or configuration error, saying what to do', async () => {
    const [flag, missing, empty] = await Promise.all([
      powerflowRun(['run', at('copy.ts'), '--parm', 'a=1']),
      powerflowRun(['run', at('not-there.ts')]),
      powerflowRun(['run', at('no-pipeline.ts')]),
    ])

    expect([flag.code, missing.code, empty.code]).toEqual([2, 2, 2])
    expect(flag.stderr).toContain('unknown option --parm (did you mean --param?)')
    expect(missing.stderr).toContain(`no such pipeline file: ${at('not-there.ts')}`)
    expect(empty.stderr).toContain(
      'does not export a pipeline: write export default definePipeline',
    )
  })

  it('stops on Ctrl-C through the run signal: no partial output file, the partial report, exit 130', async () => {
    const command = powerflow(['run', at('endless.ts'), '--param', `out=${at('endless.csv')}`])
    await command.printed('twenty rows in')
    command.child.kill('SIGINT')
    const code = await command.exited()

    expect(code).toBe(130)
    expect(command.stderr()).toContain('SIGINT: stopping endless (Ctrl-C again to exit at once)')
    expect(command.stdout()).toMatch(/endless aborted in [\d.]+ s — read \d+/)
    expect(command.stdout()).toMatch(/toCsv endless\.csv/)
    expect(existsSync(at('endless.csv'))).toBe(false)
    expect(readdirSync(folder.path).filter((name) => name.includes('endless.csv'))).toEqual([])
  })

  it('exits at once on a second Ctrl-C, even when the pipeline ignores its signal', async () => {
    const command = powerflow(['run', at('stubborn.ts')])
    await command.printed('ignoring the signal')
    command.child.kill('SIGINT')
    await command.printed('Ctrl-C again to exit at once')
    command.child.kill('SIGINT')

    expect(await command.exited()).toBe(130)
    expect(command.stderr()).toContain('SIGINT again: exiting now')
  })

  it('gives the pipeline the --env-file values and never prints them', async () => {
    const token = 'tok_9f8e7d6c5b4a3210'
    writeFileSync(at('.env'), `API_TOKEN=${token}\nREGION=emea-west\n`)
    const result = await powerflowRun([
      'run',
      at('secrets.ts'),
      '--env-file',
      at('.env'),
      '--param',
      `out=${at('secrets.json')}`,
      '--report',
      at('secrets-report.json'),
    ])

    expect(result.code).toBe(0)
    // The values reached the pipeline: it wrote them into its output.
    expect(JSON.parse(readFileSync(at('secrets.json'), 'utf8'))).toEqual([
      { token, region: 'emea-west' },
    ])
    // Everything printed and the report name the token only as ***.
    const printed = result.stdout + result.stderr
    const report = readFileSync(at('secrets-report.json'), 'utf8')
    expect(printed).toContain('calling the API with ***')
    expect(printed).toContain('token ***')
    expect(printed).toContain('rejected by ***')
    expect(report).toContain('rejected by ***')
    expect(printed + report).not.toContain(token)
  })

  it('runs the example pipeline files: the CSV job and the webhook job with its own receiver', async () => {
    const examples = join(repo, 'examples', 'pipelines')
    const [csv, webhook] = await Promise.all([
      powerflowRun([
        'run',
        join(examples, 'high-value-deals.ts'),
        '--param',
        `out=${at('examples')}`,
        '--report',
        at('examples-report.json'),
      ]),
      powerflowRun(['run', join(examples, 'lost-deal-alerts.ts'), '--quiet'], {
        env: { WEBHOOK_URL: '' },
      }),
    ])

    expect(csv.code).toBe(0)
    expect(csv.stdout).toMatch(
      /high-value-deals completed in [\d.]+ s — read 240, created 0, written \d+/,
    )
    const report = JSON.parse(readFileSync(at('examples-report.json'), 'utf8')) as {
      written: number
      failed: number
    }
    expect(report.failed).toBe(2)
    const lines = readFileSync(join(at('examples'), 'deals.high-value.csv'), 'utf8')
      .trim()
      .split('\r\n')
    expect(lines).toHaveLength(report.written + 1)
    expect(readdirSync(at('examples')).sort()).toEqual([
      'deals.high-value.csv',
      'deals.rejected.ndjson',
    ])
    expect(webhook.stderr).toBe('')
    expect(webhook.code).toBe(0)
  })
})
