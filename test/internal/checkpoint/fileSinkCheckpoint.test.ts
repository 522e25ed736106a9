import { describe, expect, it } from 'vitest'
import { RunContext } from '../../../src/internal/run/RunContext.js'
import { checkpointsOf, startCheckpoints } from '../../../src/internal/checkpoint/Checkpointer.js'
import {
  FileSinkCheckpoint,
  type FileSinkAccess,
} from '../../../src/internal/checkpoint/fileSinkCheckpoint.js'
import { memoryStateStore } from '../../support/stateRun.js'

function newRun(checkpoints: boolean): RunContext {
  const run = new RunContext({
    name: 'test',
    highWaterMark: 10,
    highWaterBytes: Number.POSITIVE_INFINITY,
    failureCap: 10,
    stallTimeoutMs: 1_000,
    hooks: {},
  })
  if (checkpoints)
    startCheckpoints(run, { state: { store: memoryStateStore(), key: 'k' }, checkpoint: {} })
  return run
}

const access: FileSinkAccess = {
  flush: () => undefined,
  recordsInWrites: () => 0,
  counters: () => ({ received: 0, accepted: 0, uncommitted: 0 }),
  restoreCounters: () => undefined,
  output: () => undefined,
  format: () => undefined,
  openFile: () => Promise.reject(new Error('not opened in this test')),
}

describe('FileSinkCheckpoint.of', () => {
  it('takes part only in a run with checkpoints, for a plain file whose format saves its state', () => {
    const settings = { stage: 'toCsv out.csv', path: 'out.csv', checkpointable: true }
    expect(FileSinkCheckpoint.of(checkpointsOf(newRun(false)), settings, access)).toBeUndefined()
    expect(FileSinkCheckpoint.of(checkpointsOf(newRun(true)), settings, access)).toBeDefined()
    for (const other of [
      { ...settings, gzip: true },
      { ...settings, append: true },
      { ...settings, stream: process.stdout },
      { ...settings, checkpointable: false },
    ]) {
      const run = newRun(true)
      expect(FileSinkCheckpoint.of(checkpointsOf(run), other, access)).toBeUndefined()
    }
  })

  it('leaves the sink unregistered when it cannot take part, so the run refuses at start', () => {
    const run = newRun(true)
    FileSinkCheckpoint.of(
      checkpointsOf(run),
      { stage: 'toCsv out.csv.gz', path: 'out.csv.gz', gzip: true },
      access,
    )
    expect(checkpointsOf(run)?.verify('toCsv out.csv.gz')?.message).toContain(
      'the sink toCsv out.csv.gz cannot be checkpointed',
    )
  })
})
