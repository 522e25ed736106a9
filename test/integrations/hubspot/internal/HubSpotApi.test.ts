import { describe, expect, it } from 'vitest'
import { Client } from '@hubspot/api-client'
import { hubspot } from '../../../../src/integrations/hubspot/hubspot.js'
import { HubSpotConnection } from '../../../../src/integrations/hubspot/HubSpotConnection.js'
import {
  apiOf,
  errorBody,
  isApiError,
} from '../../../../src/integrations/hubspot/internal/HubSpotApi.js'

describe('apiOf', () => {
  it("gives the calls of a connection made by hubspot(), with its settings and its token's redactor", () => {
    const token = 'pat-na1-secret-token'
    const connection = hubspot({ accessToken: token, basePath: 'http://127.0.0.1:9/' })
    const api = apiOf(connection)
    expect(api.settings.basePath).toBe('http://127.0.0.1:9')
    expect(api.requestLimiter).toBeDefined()
    expect(api.redactor.text(`Bearer ${token}`)).not.toContain(token)
  })

  it('refuses a connection that hubspot() did not make', () => {
    const connection = new HubSpotConnection(new Client({ accessToken: 'x' }))
    expect(() => apiOf(connection)).toThrow(/not a HubSpot connection made by hubspot\(\)/)
  })
})

describe('errorBody', () => {
  it("takes HubSpot's category and message, and nothing that is not text", () => {
    expect(
      errorBody({ category: 'VALIDATION_ERROR', message: 'bad email', status: 'error' }),
    ).toEqual({ category: 'VALIDATION_ERROR', message: 'bad email' })
    expect(errorBody({ category: 7 })).toEqual({})
    expect(errorBody('text')).toEqual({})
    expect(errorBody(null)).toEqual({})
  })
})

describe('isApiError', () => {
  it('knows an answer with a status from a network error', () => {
    expect(isApiError(Object.assign(new Error('HTTP 429'), { code: 429, body: {} }))).toBe(true)
    expect(isApiError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(false)
    expect(isApiError({ code: 429, body: {} })).toBe(false)
  })
})
