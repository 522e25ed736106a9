import { describe, expect, it } from 'vitest'
import { textKind, valueKind } from '../../../src/internal/profile/valueKind.js'

describe('valueKind', () => {
  it.each([
    ['42', 'integer'],
    ['-7', 'integer'],
    ['+3', 'integer'],
    ['0012', 'integer'],
    ['3.14', 'number'],
    ['.5', 'number'],
    ['1e5', 'number'],
    ['-2.5E-3', 'number'],
    ['true', 'boolean'],
    ['FALSE', 'boolean'],
    ['2026-03-01', 'date'],
    ['2026-03-01T10:00:00Z', 'datetime'],
    ['2026-03-01 10:00', 'datetime'],
    ['2026-03-01T10:00:00.123+02:00', 'datetime'],
    ['ada@example.com', 'email'],
    ['1ada@example.com', 'email'],
    ['12,5OO', 'string'],
    ['1.2.3', 'string'],
    ['-', 'string'],
    ['.', 'string'],
    ['e5', 'string'],
    ['1e', 'string'],
    ['2026-13', 'string'],
    ['not@an', 'string'],
    ['Acme, Inc.', 'string'],
  ])('reads %j as %s', (text, kind) => {
    expect(textKind(text)).toBe(kind)
  })

  it('types values that are not text by their own type', () => {
    expect(valueKind(3)).toBe('integer')
    expect(valueKind(3.5)).toBe('number')
    expect(valueKind(10n)).toBe('integer')
    expect(valueKind(false)).toBe('boolean')
    expect(valueKind(new Date(0))).toBe('datetime')
    expect(valueKind({ a: 1 })).toBe('object')
    expect(valueKind([1])).toBe('object')
  })
})
