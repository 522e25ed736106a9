import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const repo = join(import.meta.dirname, '..')

describe('the built package', () => {
  it('imports from plain Node ESM by its name, with internals blocked', () => {
    // Built inside the repository so the package's own dependencies resolve from its node_modules.
    const place = join(repo, 'node_modules', '.powerflow-package-test')
    rmSync(place, { recursive: true, force: true })
    const installed = join(place, 'node_modules', 'powerflow-etl')
    mkdirSync(installed, { recursive: true })
    try {
      execFileSync(
        process.execPath,
        [
          join(repo, 'node_modules', 'typescript', 'bin', 'tsc'),
          '-p',
          'tsconfig.build.json',
          '--outDir',
          join(installed, 'dist'),
        ],
        { cwd: repo, stdio: 'pipe' },
      )
      cpSync(join(repo, 'package.json'), join(installed, 'package.json'))
      writeFileSync(
        join(place, 'smoke.mjs'),
        `
import { pipe, fromGenerator, filter, map, toArray, fromCsv, toCsv } from 'powerflow-etl'
const report = await pipe(fromGenerator([1, 2, 3]), filter((n) => n > 1), map((n) => n * 2), toArray())
if (report.records.join() !== '4,6') throw new Error('wrong records: ' + report.records.join())
if (typeof fromCsv !== 'function' || typeof toCsv !== 'function') throw new Error('files missing')
let blocked = false
try { await import('powerflow-etl/internal/RunContext.js') } catch { blocked = true }
if (!blocked) throw new Error('internals are importable')
const sf = await import('powerflow-etl/salesforce')
if (typeof sf.fromSalesforce !== 'function' || typeof sf.salesforce !== 'function') throw new Error('salesforce subpath missing')
console.log('ok')
`,
      )
      const output = execFileSync(process.execPath, ['smoke.mjs'], { cwd: place, encoding: 'utf8' })
      expect(output.trim()).toBe('ok')
    } finally {
      rmSync(place, { recursive: true, force: true })
    }
  }, 120_000)
})
