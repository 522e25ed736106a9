import { describe, expect, it } from 'vitest'
import {
  basicAuthorizationOf,
  withUrlCredentials,
} from '../../../src/internal/http/urlCredentials.js'

const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`

describe('URL credentials', () => {
  it('turns user and password, or a user name alone, into Basic auth', () => {
    expect(basicAuthorizationOf(new URL('https://ada:l0ve%40ce@h/'))).toBe(basic('ada:l0ve@ce'))
    expect(basicAuthorizationOf(new URL('https://sk_live_1:@h/'))).toBe(basic('sk_live_1:'))
    expect(basicAuthorizationOf(new URL('https://h/'))).toBeUndefined()
  })

  it('leaves an Authorization header the user gave alone, whatever its case', () => {
    const url = new URL('https://ada:pw@h/')
    expect(withUrlCredentials(url, { Authorization: 'Bearer x' })).toEqual({
      Authorization: 'Bearer x',
    })
    expect(withUrlCredentials(url, {})).toEqual({ authorization: basic('ada:pw') })
  })
})
