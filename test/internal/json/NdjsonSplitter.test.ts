import fc from 'fast-check'
import { isLeft, type Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Failure } from '../../../src/core/Failure.js'
import {
  INVALID_UTF8,
  NdjsonSplitter,
  type NdjsonOptions,
} from '../../../src/internal/json/NdjsonSplitter.js'

const defaults: NdjsonOptions = {
  stage: 'ndjson',
  byteLength: (text) => Buffer.byteLength(text),
  maxRecordBytes: 1 << 20,
  bigNumbers: 'fail',
  maxDepth: 100,
}

type Outcome = { value: unknown; line: number } | { failure: Failure; line: number }

/** What the splitter makes of `text` written in pieces cut at `cuts`, with each item's line. */
function split(
  text: string,
  cuts: readonly number[] = [],
  options: Partial<NdjsonOptions> = {},
  splitter = new NdjsonSplitter({ ...defaults, ...options }),
): Outcome[] {
  const found: Outcome[] = []
  const take = (items: Array<Either<Failure, unknown>>): void =>
    items.forEach((item, index) => {
      const line = splitter.lines[index] as number
      found.push(isLeft(item) ? { failure: item.left, line } : { value: item.right, line })
    })
  const at = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b)
  let from = 0
  for (const cut of [...at, text.length]) {
    take(splitter.write(text.slice(from, cut)))
    from = cut
  }
  take(splitter.end())
  return found
}

const failureOf = (outcome: Outcome | undefined): Failure | undefined =>
  outcome !== undefined && 'failure' in outcome ? outcome.failure : undefined

describe('NdjsonSplitter', () => {
  it('reads one value a line, LF or CRLF, skipping blank lines, with each line number', () => {
    expect(split('{"a":1}\r\n\n  \t\r\n[2]\n"x"\n3')).toEqual([
      { value: { a: 1 }, line: 1 },
      { value: [2], line: 4 },
      { value: 'x', line: 5 },
      { value: 3, line: 6 },
    ])
    expect(split('')).toEqual([])
    expect(split('\n\r\n')).toEqual([])
  })

  it('gives the same values, failures and lines however the text is cut', () => {
    const line = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
      fc.constantFrom('', ' ', '{oops', '[1,]', '"é😀', '{"a":1} 2'),
    )
    fc.assert(
      fc.property(
        fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 10 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, lastEnded, cuts) => {
          let text = lines.map(([each, ending]) => each + ending).join('')
          if (!lastEnded) text = text.replace(/\r?\n$/, '')
          expect(split(text, cuts)).toEqual(split(text))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('fails a malformed line with its column, line, byte offset and raw text, and reads on', () => {
    const text = '{"é":1}\n{"a":tru}\n{"b":2}\n'
    const [, bad, last] = split(text, [], { file: 'events.ndjson' })
    expect(failureOf(bad)).toMatchObject({
      _tag: 'ParseError',
      message:
        "ndjson events.ndjson line 2: invalid JSON at column 6: unexpected 't': expected a value",
      raw: '{"a":tru}',
      location: { file: 'events.ndjson', line: 2, offset: 9 },
    })
    expect(last).toEqual({ value: { b: 2 }, line: 3 })
  })

  it('counts a byte order mark at the start in offsets, and strips it', () => {
    const [first, second] = split('\uFEFF{"a":1}\n{', [1])
    expect(first).toEqual({ value: { a: 1 }, line: 1 })
    expect(failureOf(second)?.location).toEqual({ line: 2, offset: 11 })
    expect(split('x\n\uFEFF1\n').length).toBe(2)
  })

  it('fails a line longer than maxRecordBytes once, skips it across chunks, and goes on', () => {
    const long = `{"x":"${'y'.repeat(40)}"}`
    const text = `1\n${long}\n2\n`
    for (const cuts of [[], [5], [5, 15, 30], [text.indexOf('\n2')]]) {
      const outcomes = split(text, cuts, { maxRecordBytes: 20 })
      expect(outcomes.map((each) => ('value' in each ? each.value : each.failure.message))).toEqual(
        [1, 'ndjson line 2: line longer than maxRecordBytes (20); skipped', 2],
      )
      expect(outcomes.map((each) => each.line)).toEqual([1, 2, 3])
      expect(failureOf(outcomes[1])?.location).toEqual({ line: 2, offset: 2 })
    }
  })

  it('measures maxRecordBytes in bytes of the encoding, not characters', () => {
    const outcomes = split(`"${'é'.repeat(8)}"\n`, [], { maxRecordBytes: 12 })
    expect(failureOf(outcomes[0])?.message).toContain('line longer than maxRecordBytes (12)')
    expect(split(`"${'e'.repeat(8)}"\n`, [], { maxRecordBytes: 12 })).toEqual([
      { value: 'e'.repeat(8), line: 1 },
    ])
  })

  it('fails a line holding undecodable bytes, wherever the chunks cut', () => {
    const splitter = new NdjsonSplitter(defaults)
    const first = splitter.write('{"a":1}\n{"b":"x\uFFFD', [14])
    const second = splitter.write('"}\n{"c":3}\n')
    expect(first).toHaveLength(1)
    expect(second).toHaveLength(2)
    expect(second[0]).toMatchObject({
      _tag: 'Left',
      left: {
        message: `ndjson line 2: ${INVALID_UTF8}`,
        location: { line: 2, offset: 8 },
      },
    })
    expect(second[1]).toEqual({ _tag: 'Right', right: { c: 3 } })
    // A replacement character that stands for itself is not a problem.
    expect(split('"\uFFFD"\n')).toEqual([{ value: '\uFFFD', line: 1 }])
  })

  it('fails nesting deeper than maxDepth, counting brackets outside strings only', () => {
    const deep = `${'['.repeat(6)}${']'.repeat(6)}`
    expect(failureOf(split(`${deep}\n`, [], { maxDepth: 5 })[0])?.message).toBe(
      'ndjson line 1: nesting deeper than maxDepth (5)',
    )
    expect(split(`${'['.repeat(5)}"[[[{{{"${']'.repeat(5)}\n`, [], { maxDepth: 5 })).toHaveLength(1)
    expect(
      split(`${'['.repeat(5)}"[[[{{{"${']'.repeat(5)}\n`, [], { maxDepth: 5 })[0],
    ).toHaveProperty('value')
  })

  it('refuses, or keeps as strings or bigints, numbers JSON.parse would change', () => {
    const text = '{"id":9007199254740993,"n":[1,1e400]}\n{"small":12345678901234567}\n'
    const [refused] = split(text)
    expect(failureOf(refused)).toMatchObject({
      location: { line: 1, offset: 0, field: 'id' },
    })
    expect(failureOf(refused)?.message).toContain(
      'the number 9007199254740993 at id is beyond 2^53 and would read as 9007199254740992',
    )
    expect(
      split(text, [], { bigNumbers: 'string' }).map((each) => 'value' in each && each.value),
    ).toEqual([{ id: '9007199254740993', n: [1, '1e400'] }, { small: '12345678901234567' }])
    expect(
      split(text, [], { bigNumbers: 'bigint' }).map((each) => 'value' in each && each.value),
    ).toEqual([{ id: 9007199254740993n, n: [1, '1e400'] }, { small: 12345678901234567n }])
  })

  it('continues the line count and offsets from a saved position', () => {
    const splitter = new NdjsonSplitter({ ...defaults, resumeAt: { line: 10, offset: 100 } })
    const outcomes = split('\uFEFF\n{x\n', [], {}, splitter)
    // No byte order mark is looked for mid-file: U+FEFF is the (malformed) content of line 10.
    expect(outcomes.map((each) => [each.line, failureOf(each)?.location?.offset])).toEqual([
      [10, 100],
      [11, 104],
    ])
    expect(splitter.position).toEqual({ line: 12, offset: 107 })
  })

  it('ends at the next line and the bytes read, to continue an appended file there', () => {
    const splitter = new NdjsonSplitter(defaults)
    split('{"id":1}\n{"id":2}\n', [], {}, splitter)
    expect(splitter.position).toEqual({ line: 3, offset: 18 })
  })

  it('counts a last line without a line feed as read, so an appended file does not give it twice', () => {
    const first = new NdjsonSplitter(defaults)
    expect(split('{"id":1}\n{"id":2}', [], {}, first).map((each) => each.line)).toEqual([1, 2])
    expect(first.position).toEqual({ line: 2, offset: 17 })
    // The file grows: the next run starts at the saved position and reads only what was added.
    const next = new NdjsonSplitter({ ...defaults, resumeAt: first.position })
    expect(split('\n{"id":3}\n', [], {}, next)).toEqual([{ value: { id: 3 }, line: 3 }])
  })

  it('has a record boundary between chunks, but none while it skips an over-long line', () => {
    const splitter = new NdjsonSplitter({ ...defaults, maxRecordBytes: 10 })
    splitter.write('1\n{"a"')
    expect(splitter.boundary).toEqual({ line: 2, offset: 2 })
    splitter.write(`:"${'x'.repeat(20)}`)
    expect(splitter.boundary).toBeUndefined()
    splitter.write('"}\n2')
    expect(splitter.boundary).toEqual({ line: 3, offset: 31 })
  })
})
