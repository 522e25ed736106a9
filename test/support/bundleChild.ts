import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'esbuild'

/**
 * Bundles a harness child (`test/support/<name>.ts`) once with esbuild, the one tsx uses, so each
 * start costs a Node start, not a TypeScript compile; returns the bundle's path (remove it after).
 */
export async function bundleChild(name: string): Promise<string> {
  const repo = join(import.meta.dirname, '..', '..')
  const cache = join(repo, 'node_modules', '.cache', 'powerflow-kill-harness')
  await mkdir(cache, { recursive: true })
  const outfile = join(cache, `${name}-${process.pid}.mjs`)
  await build({
    entryPoints: [join(repo, 'test', 'support', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  })
  return outfile
}
