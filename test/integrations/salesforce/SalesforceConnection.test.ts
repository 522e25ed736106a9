import { describe, expect, it } from 'vitest'
import { salesforce } from '../../../src/integrations/salesforce/salesforce.js'
import { SalesforceConnection } from '../../../src/integrations/salesforce/SalesforceConnection.js'
import { loginOf } from '../../../src/integrations/salesforce/internal/SalesforceLogin.js'

describe('SalesforceConnection', () => {
  it('shows the API version of its data calls, and keeps how it logs in out of its public face', () => {
    const token = '00Dsecret!token'
    const org = salesforce({
      instanceUrl: 'https://example.my.salesforce.com',
      accessToken: token,
      version: 'v61.0',
      env: {},
    })
    expect(org.version).toBe('61.0')
    expect(Object.keys(org)).toEqual(['version'])
    const login = loginOf(org)
    expect(login.version).toBe('61.0')
    expect(login.secrets()).toContain(token)
    expect(login.limiter).toBeUndefined()
  })

  it('is refused by the integration when salesforce() did not make it', () => {
    expect(() => loginOf(new SalesforceConnection('65.0'))).toThrow(
      /not a Salesforce connection made by salesforce\(\)/,
    )
  })
})
