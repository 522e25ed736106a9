import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { powerflowRun, repo } from '../support/powerflowCommand.js'

// The command as a user gets it after `npm install powerflow-etl`: the package built into
// node_modules, and node_modules/.bin/powerflow linked to the `bin` of its package.json. Placed
// inside the repository so that the package's own dependencies (rxjs, croner, tsx) resolve.
const place = join(repo, 'node_modules', '.powerflow-cli-test')
const installed = join(place, 'node_modules', 'powerflow-etl')
const bin = join(place, 'node_modules', '.bin', 'powerflow')

beforeAll(() => {
  rmSync(place, { recursive: true, force: true })
  mkdirSync(installed, { recursive: true })
  // The build without type checking or declarations (the typecheck is its own step): same JS.
  execFileSync(
    process.execPath,
    [
      join(repo, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      '--noCheck',
      '--declaration',
      'false',
      '--sourceMap',
      'false',
      '--outDir',
      join(installed, 'dist'),
    ],
    { cwd: repo, stdio: 'pipe' },
  )
  cpSync(join(repo, 'package.json'), join(installed, 'package.json'))
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    bin: Record<string, string>
  }
  const target = join(installed, manifest.bin['powerflow'] ?? '')
  chmodSync(target, 0o755)
  mkdirSync(dirname(bin), { recursive: true })
  symlinkSync(relative(dirname(bin), target), bin)
  // A user's project is an ES module package, as the library is.
  writeFileSync(join(place, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(place, 'count.ts'),
    `import { definePipeline, fromGenerator, map, failFast, pipe, toArray } from 'powerflow-etl'

export default definePipeline({
  name: 'count',
  run: (ctx) =>
    pipe(
      fromGenerator([1, 2, 3]),
      map((n: number) => {
        if (String(n) === ctx.params['fail']) throw new Error(\`\${n} is not allowed\`)
        return n
      }),
      failFast(),
      toArray({ ...ctx.runOptions }),
    ),
})
`,
  )
}, 120_000)

afterAll(() => rmSync(place, { recursive: true, force: true }))

describe('the powerflow bin of the installed package', () => {
  it('runs a TypeScript pipeline file that imports the package: 0 when it completes, 1 when it fails', async () => {
    const [completed, failed] = await Promise.all([
      powerflowRun(['run', 'count.ts'], { bin, cwd: place }),
      powerflowRun(['run', 'count.ts', '--param', 'fail=2'], { bin, cwd: place }),
    ])

    expect(completed.stderr).toBe('')
    expect(completed.code).toBe(0)
    expect(completed.stdout).toMatch(/count completed in [\d.]+ s — read 3, created 0, written 3/)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('count failed')
    expect(failed.stderr).toContain('2 is not allowed')
  })

  it('prints its version, its help and each command help; an unknown command exits 2', async () => {
    const version = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version as string
    const [shown, help, runHelp, scheduleHelp, unknown, workerHelp, coordinateHelp] =
      await Promise.all([
        powerflowRun(['--version'], { bin }),
        powerflowRun(['--help'], { bin }),
        powerflowRun(['run', '--help'], { bin }),
        powerflowRun(['schedule', '--help'], { bin }),
        powerflowRun(['rnu', 'count.ts'], { bin }),
        powerflowRun(['worker', '--help'], { bin }),
        powerflowRun(['help', 'coordinate'], { bin }),
      ])

    expect(shown).toMatchObject({ code: 0, stdout: `${version}\n` })
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: powerflow <command> <file> [options]')
    expect(help.stdout).toMatch(/run <file>[\s\S]*schedule <file>[\s\S]*watch <file>/)
    expect(runHelp.stdout).toContain('Usage: powerflow run <file> [options]')
    expect(runHelp.stdout).toContain('--env-file <path>')
    expect(scheduleHelp.stdout).toContain('--overlap <mode>')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "rnu"')
    expect(help.stdout).toMatch(/worker <job-file> --job <name>[\s\S]*coordinate --job <name>/)
    expect(workerHelp).toMatchObject({ code: 0 })
    expect(workerHelp.stdout).toContain('Usage: powerflow worker <job-file> --job <name> [options]')
    expect(coordinateHelp.stdout).toContain(
      'Usage: powerflow coordinate --job <name> --output <file>',
    )
  })
})
