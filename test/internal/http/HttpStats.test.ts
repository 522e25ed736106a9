import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HttpStats } from '../../../src/internal/http/HttpStats.js'

describe('HttpStats', () => {
  it('counts requests, bytes and retries, and status codes by code', () => {
    const stats = new HttpStats()
    stats.request(100, 1)
    stats.response(503, 10)
    stats.request(100, 2)
    stats.response(200, 20)
    stats.request(50, 1)
    stats.response(200, 30)
    stats.batches = 2
    stats.networkErrors = 1
    expect(stats.toReport()).toEqual({
      requests: 3,
      batches: 2,
      retries: 1,
      statusCodes: { '200': 2, '503': 1 },
      networkErrors: 1,
      bytesSent: 250,
      latencyMs: { p50: 20, p95: 30, p99: 30 },
    })
  })

  it('gives nearest-rank percentiles of the latencies, as a sorted Array does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 300 }),
        (latencies) => {
          const stats = new HttpStats()
          for (const latency of latencies) stats.response(200, latency)
          const sorted = [...latencies].sort((a, b) => a - b)
          const rank = (p: number): number =>
            sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number
          expect(stats.toReport().latencyMs).toEqual({
            p50: rank(0.5),
            p95: rank(0.95),
            p99: rank(0.99),
          })
        },
      ),
    )
  })

  it('gives 0 percentiles when no response came, and rounds them to hundredths', () => {
    expect(new HttpStats().toReport().latencyMs).toEqual({ p50: 0, p95: 0, p99: 0 })
    const stats = new HttpStats()
    stats.response(200, 1.23456)
    expect(stats.toReport().latencyMs.p50).toBe(1.23)
  })

  it('keeps its report apart from later counting', () => {
    const stats = new HttpStats()
    stats.response(200, 1)
    const first = stats.toReport()
    stats.response(200, 1)
    expect(first.statusCodes).toEqual({ '200': 1 })
  })
})
