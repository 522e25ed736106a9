import { describe, expect, it } from 'vitest'
import {
  checkpointIn,
  settledAt,
  type SavedCheckpoint,
} from '../../../src/internal/checkpoint/savedCheckpoint.js'

const checkpoint: SavedCheckpoint = {
  version: 1,
  at: '2026-12-05T12:00:00.000Z',
  final: false,
  ledger: {
    read: 10,
    created: 0,
    written: 0,
    dropped: 2,
    droppedByReason: { duplicate: 2 },
    merged: 0,
    failed: 1,
    uncommitted: 7,
  },
  stages: {},
  sources: { source: { file: { offset: 120 } } },
  sinks: {},
  journal: { path: '/tmp/journal', bytes: 0 },
}

describe('checkpointIn', () => {
  it('finds the checkpoint beside the positions, or none', () => {
    expect(checkpointIn({ version: 1, positions: {}, checkpoint }, 'k')).toEqual(checkpoint)
    expect(checkpointIn({ version: 1, positions: {} }, 'k')).toBeUndefined()
    expect(checkpointIn(undefined, 'k')).toBeUndefined()
  })

  it('names the key when what is there is not a checkpoint', () => {
    expect(() => checkpointIn({ checkpoint: { version: 2 } }, 'deals')).toThrow(
      'the state "deals" holds a checkpoint this version cannot read',
    )
  })
})

describe('settledAt', () => {
  it('counts the records with an outcome and those in the durable part of the file', () => {
    expect(settledAt(checkpoint)).toBe(10)
  })
})
