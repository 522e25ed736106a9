import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { inputLabel, inputPlace, isReadable } from '../../../src/internal/input/SourceInput.js'

describe('isReadable', () => {
  it('tells a stream from { text } and other values', () => {
    expect(isReadable(Readable.from(['a']))).toBe(true)
    expect(isReadable({ text: 'a' })).toBe(false)
    expect(isReadable(null)).toBe(false)
    expect(isReadable('path.csv')).toBe(false)
  })
})

describe('inputLabel and inputPlace', () => {
  it('name a file by its base name in stage names and by its path in messages', () => {
    expect(inputLabel('/data/in.csv')).toBe('in.csv')
    expect(inputPlace('/data/in.csv')).toBe('/data/in.csv')
    expect([inputLabel(Readable.from([])), inputPlace(Readable.from([]))]).toEqual([
      'stream',
      'the stream',
    ])
    expect([inputLabel({ text: '' }), inputPlace({ text: '' })]).toEqual(['text', 'the text'])
  })
})
