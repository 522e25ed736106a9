import { PassThrough, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { StreamOutput } from '../../src/internal/streamOutput.js'

function collecting(): { stream: Writable; text: () => string; ended: () => boolean } {
  let text = ''
  let ended = false
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
    final(done) {
      ended = true
      done()
    },
  })
  return { stream, text: () => text, ended: () => ended }
}

const write = (output: StreamOutput, chunk: string): Promise<Error | null | undefined> =>
  new Promise((resolve) => output.write(chunk, resolve))

describe('StreamOutput', () => {
  it('writes chunks in order and counts the bytes the stream accepted', async () => {
    const target = collecting()
    const output = new StreamOutput(target.stream, {
      stage: 'toCsv stdout',
      label: 'stdout',
      end: false,
    })
    expect(output.path).toBe('stdout')
    expect(output.writesInPlace).toBe(true)
    expect(await write(output, 'a,b\r\n')).toBeFalsy()
    expect(await write(output, 'é\r\n')).toBeFalsy()
    expect(output.keptBytes).toBe(5 + Buffer.byteLength('é\r\n'))
    expect(await output.commit()).toBe(output.keptBytes)
    expect(target.text()).toBe('a,b\r\né\r\n')
    expect(target.ended()).toBe(false)
  })

  it('ends the stream at the commit when it owns its end', async () => {
    const target = collecting()
    const output = new StreamOutput(target.stream, { stage: 's', label: 'file', end: true })
    output.write('x', () => undefined)
    expect(await output.commit()).toBe(1)
    expect(target.ended()).toBe(true)
  })

  it('keeps what was written and gives undefined when the commit may not proceed', async () => {
    const target = collecting()
    const output = new StreamOutput(target.stream, { stage: 's', label: 'l', end: true })
    output.write('kept', () => undefined)
    expect(await output.commit(undefined, () => false)).toBeUndefined()
    expect(target.text()).toBe('kept')
  })

  it('refuses a stream that has already ended, naming the stage and the stream', () => {
    const stream = new PassThrough()
    stream.end()
    expect(
      () => new StreamOutput(stream, { stage: 'toJson', label: 'stderr', end: false }),
    ).toThrow('toJson: cannot write to stderr: the stream has ended')
  })

  it('reports a write error once to its listeners, naming the stage and the stream, and the commit rejects with it', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
      },
    })
    const output = new StreamOutput(broken, { stage: 'toConsole', label: 'stdout', end: false })
    const seen: string[] = []
    output.onError((error) => seen.push(error.message))
    const error = await write(output, 'x')
    expect(error?.message).toBe('write EPIPE')
    expect(seen).toEqual(['toConsole: cannot write to stdout: write EPIPE'])
    await expect(output.commit()).rejects.toThrow('toConsole: cannot write to stdout: write EPIPE')
    expect(output.keptBytes).toBe(0)
    // Done with the stream, the output still listens so a late error cannot crash the process.
    expect(broken.listenerCount('error')).toBeGreaterThan(0)
    broken.emit('error', new Error('late'))
  })

  it('calls onDrain when the stream drains after saying to wait', async () => {
    const slow = new PassThrough({ highWaterMark: 4 })
    const output = new StreamOutput(slow, { stage: 's', label: 'l', end: false })
    expect(output.write('0123456789', () => undefined)).toBe(false)
    const drained = new Promise<void>((resolve) => output.onDrain(resolve))
    slow.resume()
    await drained
    await output.discard()
  })
})
