import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveSettings } from '../../../../src/integrations/salesforce/internal/settings.js'

describe('resolveSettings', () => {
  it('prefers the options, then the env file, then the environment', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'powerflow-sf-settings-'))
    try {
      const file = join(folder, '.env')
      await writeFile(file, 'SF_USERNAME=from-file\nSF_PASSWORD=file-password\n')
      const settings = await resolveSettings(
        { password: 'given' },
        {
          SF_USERNAME: 'from-env',
          SF_INSTANCE_URL: 'https://env.example.com',
          SF_ACCESS_TOKEN: '',
        },
        file,
      )
      expect(settings).toEqual({
        username: 'from-file',
        password: 'given',
        instanceUrl: 'https://env.example.com',
      })
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })
})
