import { describe, expect, it } from 'vitest'
import { WEBHOOK_DEFAULTS, webhookSettings } from '../../../src/internal/webhook/options.js'

describe('webhookSettings', () => {
  it('fills in the defaults and names the stage by the URL', () => {
    const settings = webhookSettings('https://example.com/hooks?x=1', {}, 'toWebhook')
    expect(settings).toMatchObject({
      stageName: 'toWebhook https://example.com/hooks?x=1',
      method: 'POST',
      batchSize: WEBHOOK_DEFAULTS.batchSize,
      batchBytes: WEBHOOK_DEFAULTS.batchBytes,
      concurrency: WEBHOOK_DEFAULTS.concurrency,
      timeoutMs: WEBHOOK_DEFAULTS.timeoutMs,
      maxResponseBytes: WEBHOOK_DEFAULTS.maxResponseBytes,
      body: undefined,
      ca: undefined,
    })
    expect(settings.endpoint.href).toBe('https://example.com/hooks?x=1')
    expect(settings.baseHeaders).toEqual({ 'content-type': 'application/json' })
  })

  it('moves URL credentials into a Basic header, lower-cases header names and hides secrets', () => {
    const settings = webhookSettings(
      'https://user:pa55@example.com/hooks',
      { headers: { Authorization: 'Bearer s3cret', 'X-Source': 'crm' } },
      'toWebhook',
    )
    expect(settings.endpoint.href).toBe('https://example.com/hooks')
    expect(settings.baseHeaders['authorization']).toBe('Bearer s3cret')
    expect(settings.baseHeaders['x-source']).toBe('crm')
    expect(settings.stageName).not.toContain('pa55')
    expect(settings.redactor.text('echo: Bearer s3cret')).not.toContain('s3cret')
  })

  it('keeps only the retry policy of the options', () => {
    const settings = webhookSettings(
      'http://127.0.0.1/',
      { retries: 1, minDelayMs: 2, maxDelayMs: 3, batchSize: 5 },
      'toWebhook',
    )
    expect(settings.retry).toEqual({ retries: 1, minDelayMs: 2, maxDelayMs: 3 })
  })

  it('refuses what cannot work, naming the sink and the option', () => {
    const refused =
      (url: string, options: object): (() => unknown) =>
      () =>
        webhookSettings(url, options, 'toWebhook')
    expect(refused('ftp://example.com/', {})).toThrow(
      'toWebhook: ftp://example.com/ is not an http: or https: URL',
    )
    expect(refused('not a url', {})).toThrow('toWebhook: not a URL')
    expect(refused('http://h/', { method: 'GET' })).toThrow(
      'toWebhook: method must be POST, PUT or PATCH (got GET)',
    )
    expect(refused('http://h/', { batchSize: 1.5 })).toThrow(
      'toWebhook: batchSize must be a whole number of at least 1 (got 1.5)',
    )
    expect(refused('http://h/', { concurrency: 0 })).toThrow(RangeError)
    expect(refused('http://h/', { retries: -1 })).toThrow('retries')
    expect(refused('http://h/', { timeoutMs: 0 })).toThrow('timeoutMs must be above 0 (got 0)')
    expect(refused('http://h/', { minDelayMs: Number.NaN })).toThrow(
      'minDelayMs must be at least 0',
    )
    expect(refused('http://h/', { maxResponseBytes: 0 })).toThrow('maxResponseBytes')
  })
})
