import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { UsageError } from '../../src/cli/arguments.js'
import { loadEnvFile, outputRedaction } from '../../src/cli/environment.js'

const added: string[] = []
afterEach(() => {
  for (const name of added.splice(0)) delete process.env[name]
})

describe('loadEnvFile', () => {
  it('loads the file into process.env without overriding what is set, and returns its values', () => {
    const folder = mkdtempSync(join(tmpdir(), 'powerflow-env-'))
    try {
      const file = join(folder, '.env')
      writeFileSync(file, 'PF_TEST_TOKEN=abc123def\nPF_TEST_SET=from-file\n# comment\n')
      process.env['PF_TEST_SET'] = 'from-shell'
      added.push('PF_TEST_TOKEN', 'PF_TEST_SET')

      expect(loadEnvFile(file)).toEqual({ PF_TEST_TOKEN: 'abc123def', PF_TEST_SET: 'from-file' })
      expect(process.env['PF_TEST_TOKEN']).toBe('abc123def')
      expect(process.env['PF_TEST_SET']).toBe('from-shell')
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('is a usage error when the file is missing, and does nothing without one', () => {
    expect(() => loadEnvFile('/nonexistent/.env')).toThrow(
      new UsageError('--env-file /nonexistent/.env: no such file'),
    )
    expect(loadEnvFile(undefined)).toEqual({})
  })
})

describe('outputRedaction', () => {
  it('hides env-file values, secret-named variables and params, and URL credentials', () => {
    process.env['PF_TEST_API_KEY'] = 'key-from-shell-42'
    process.env['PF_TEST_HOOK'] = 'https://user:hunter22@hooks.example.com/alerts?token=zz99zz'
    added.push('PF_TEST_API_KEY', 'PF_TEST_HOOK')
    const redact = outputRedaction(
      { ANY_NAME: 'value-from-file' },
      {
        password: 'param-secret',
        region: 'emea-west',
      },
    )

    expect(
      redact(
        'value-from-file key-from-shell-42 hunter22 zz99zz param-secret in emea-west, at /work',
      ),
    ).toBe('*** *** *** *** *** in emea-west, at /work')
  })
})
