import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const repo = join(import.meta.dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/**
 * The package as a user gets it: `npm pack` (which runs the `prepack` build), then `npm ci` of a
 * scratch project outside the repository that depends on the tarball (and on @types/node, as a
 * TypeScript user's project does). The install is `--offline`, so the test touches no network: the
 * scratch project's lock file pins the versions of the repository's own lock file, whose packages
 * are all in npm's cache after the repository's `npm ci`.
 */
let project: string
let tarball: string

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'powerflow-etl-user-'))
  const packed = join(project, 'packed')
  mkdirSync(packed)
  execFileSync(npm, ['pack', '--pack-destination', packed, '--silent'], {
    cwd: repo,
    stdio: 'pipe',
  })
  const [file] = readdirSync(packed).filter((name) => name.endsWith('.tgz'))
  if (file === undefined) throw new Error('npm pack wrote no tarball')
  tarball = join(packed, file)
  writeUserProject(project, `file:packed/${file}`)
  execFileSync(npm, ['ci', '--offline', '--no-audit', '--no-fund', '--silent'], {
    cwd: project,
    stdio: 'pipe',
  })
}, 180_000)

afterAll(() => {
  rmSync(project, { recursive: true, force: true })
})

/** Writes package.json and package-lock.json of a project depending on the tarball at `spec`. */
function writeUserProject(directory: string, spec: string): void {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version: string; dependencies?: Record<string, string> }>
  }
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    version: string
    dependencies: Record<string, string>
    peerDependencies?: Record<string, string>
    peerDependenciesMeta?: Record<string, unknown>
  }
  const typesNode = lock.packages['node_modules/@types/node']?.version ?? '20'
  const dependencies = { 'powerflow-etl': spec, '@types/node': typesNode }
  const packages: Record<string, unknown> = {
    '': { name: 'a-user-project', version: '1.0.0', dependencies },
    'node_modules/powerflow-etl': {
      version: manifest.version,
      resolved: spec,
      dependencies: manifest.dependencies,
      peerDependencies: manifest.peerDependencies,
      peerDependenciesMeta: manifest.peerDependenciesMeta,
    },
  }
  const queue = [...Object.keys(manifest.dependencies), '@types/node']
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const key = `node_modules/${name}`
    if (packages[key] !== undefined) continue
    const entry = lock.packages[key]
    if (entry === undefined) throw new Error(`${name} is not in the repository's lock file`)
    const {
      dev: _dev,
      devOptional: _devOptional,
      ...kept
    } = entry as typeof entry & {
      dev?: boolean
      devOptional?: boolean
    }
    packages[key] = kept
    queue.push(...Object.keys(entry.dependencies ?? {}))
  }
  writeFileSync(
    join(directory, 'package.json'),
    JSON.stringify({ name: 'a-user-project', version: '1.0.0', private: true, dependencies }),
  )
  writeFileSync(
    join(directory, 'package-lock.json'),
    JSON.stringify({
      name: 'a-user-project',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages,
    }),
  )
}

function run(file: string, code: string): string {
  writeFileSync(join(project, file), code)
  return execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' }).trim()
}

describe('the packed tarball', () => {
  it('holds the build, the sources its source maps point to, the license and the readme', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n')
    for (const file of [
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/index.js.map',
      'package/dist/testing/index.js',
      'package/src/index.ts',
      'package/LICENSE',
      'package/README.md',
      'package/package.json',
    ])
      expect(listing).toContain(file)
    expect(listing.filter((name) => name.endsWith('.test.ts'))).toEqual([])
  })

  it('installs without the optional peers (fast-check is not pulled in)', () => {
    expect(existsSync(join(project, 'node_modules', 'powerflow-etl', 'dist', 'index.js'))).toBe(
      true,
    )
    expect(existsSync(join(project, 'node_modules', 'fast-check'))).toBe(false)
    expect(existsSync(join(project, 'node_modules', 'vitest'))).toBe(false)
  })
})

describe('loading powerflow-etl as a user would', () => {
  it('imports from an ES module, and the internals stay blocked', () => {
    const output = run(
      'smoke.mjs',
      `
import { pipe, fromGenerator, filter, map, toArray, fromCsv, toCsv } from 'powerflow-etl'
const report = await pipe(fromGenerator([1, 2, 3]), filter((n) => n > 1), map((n) => n * 2), toArray())
if (report.records.join() !== '4,6') throw new Error('wrong records: ' + report.records.join())
if (typeof fromCsv !== 'function' || typeof toCsv !== 'function') throw new Error('files missing')
let blocked = false
try { await import('powerflow-etl/internal/run/RunContext.js') } catch { blocked = true }
if (!blocked) throw new Error('internals are importable')
const sf = await import('powerflow-etl/salesforce')
if (typeof sf.fromSalesforce !== 'function' || typeof sf.salesforce !== 'function') throw new Error('salesforce subpath missing')
const distributed = await import('powerflow-etl/distributed')
if (typeof distributed.splitFile !== 'function' || typeof distributed.runTasks !== 'function') throw new Error('distributed subpath missing')
console.log('ok')
`,
    )
    expect(output).toBe('ok')
  })

  it('requires from CommonJS (Node 20.19+ loads the ES module)', () => {
    const output = run(
      'smoke.cjs',
      `
const { pipe, fromGenerator, map, toArray } = require('powerflow-etl')
pipe(fromGenerator([1, 2]), map((n) => n + 1), toArray()).then((report) => {
  if (report.records.join() !== '2,3') throw new Error('wrong records')
  console.log('ok', typeof require('powerflow-etl/package.json').version)
})
`,
    )
    expect(output).toBe('ok string')
  })

  it('type-checks a TypeScript file against the published declarations (skipLibCheck off)', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['pipeline.mts'],
      }),
    )
    writeFileSync(
      join(project, 'pipeline.mts'),
      `
import { pipe, fromGenerator, filter, map, toArray, type RunReport } from 'powerflow-etl'

const report: RunReport = await pipe(
  fromGenerator([{ id: 'D1', amount: 10 }]),
  filter((deal) => deal.amount > 5),
  map((deal) => ({ id: deal.id, cents: deal.amount * 100 })),
  toArray(),
)
export const total: number = report.written + report.failures.length
`,
    )
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc')
    const output = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: project,
      encoding: 'utf8',
    })
    expect(output).toBe('')
  }, 120_000)

  it('loads powerflow-etl/testing for runToArray with neither vitest nor fast-check installed', () => {
    const output = run(
      'testing.mjs',
      `
import { fromGenerator } from 'powerflow-etl'
import { runToArray, csvHostileString } from 'powerflow-etl/testing'
const result = await runToArray(fromGenerator(['a', 'b']))
if (result.records.join() !== 'a,b') throw new Error('wrong records')
let message = ''
try { csvHostileString() } catch (error) { message = error.message }
console.log(message)
`,
    )
    expect(output).toMatch(/fast-check is not installed.*npm install --save-dev fast-check/)
  })
})
