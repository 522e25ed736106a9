import type { RunTimeline } from '../core/RunReport.js'
import type { RunContext } from './run/RunContext.js'

/** At most this many samples are kept; past it, every other one goes and the interval doubles. */
export const TIMELINE_MAX_SAMPLES = 240

/** What the timeline needs of a run: its stages' output counts. @internal */
export interface TimelineSource {
  readonly stages: ReadonlyArray<{ readonly name: string; readonly out: number }>
}

/**
 * Samples how many records have come out of each stage while a run goes on, for the report's
 * `timeline` (throughput over time). It starts every `intervalMs` (default 100 ms) and keeps at
 * most {@link TIMELINE_MAX_SAMPLES} samples whatever the run's length: when full, it drops every
 * other sample and samples half as often. Its timer never keeps the process alive.
 *
 * @internal
 */
export class TimelineSampler {
  private readonly samples: Array<{ atMs: number; stages: Record<string, number> }> = []
  private readonly started = performance.now()
  private timer: NodeJS.Timeout | undefined
  private stride = 1
  private tick = 0

  constructor(
    private readonly run: TimelineSource,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.sample()
    this.timer = setInterval(() => {
      this.tick += 1
      if (this.tick % this.stride === 0) this.sample()
    }, this.intervalMs)
    this.timer.unref()
    return this
  }

  /** Takes a last sample and stops. */
  stop(): void {
    if (this.timer === undefined) return
    clearInterval(this.timer)
    this.timer = undefined
    this.sample()
  }

  toReport(): RunTimeline {
    return { samples: this.samples.map((sample) => ({ ...sample, stages: { ...sample.stages } })) }
  }

  private sample(): void {
    const stages: Record<string, number> = Object.create(null) as Record<string, number>
    for (const stage of this.run.stages) stages[stage.name] = (stages[stage.name] ?? 0) + stage.out
    this.samples.push({ atMs: Math.round(performance.now() - this.started), stages })
    if (this.samples.length > TIMELINE_MAX_SAMPLES) {
      // Keep the first sample and every second one after it; sample half as often from now on.
      const kept = this.samples.filter((_, index) => index % 2 === 0)
      this.samples.splice(0, this.samples.length, ...kept)
      this.stride *= 2
    }
  }
}

/**
 * Starts sampling `run` and makes `report.timeline` its samples.
 *
 * @internal
 */
export function startTimeline(run: RunContext, intervalMs?: number): TimelineSampler {
  const sampler = new TimelineSampler(run, intervalMs).start()
  Object.defineProperty(run.sections, 'timeline', {
    enumerable: true,
    configurable: true,
    get: (): RunTimeline => sampler.toReport(),
  })
  return sampler
}
