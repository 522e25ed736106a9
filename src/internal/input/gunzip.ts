/**
 * Gzip input recognised by its magic bytes (`1f 8b`) and inflated on the way.
 *
 * @internal
 * @packageDocumentation
 */
import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { prepend, type ByteSource } from './ByteSource.js'
import { cannotRead } from './SourceReadError.js'
import { readableBytes } from './streamBytes.js'

/**
 * How gzip is recognised: `detect` inflates input that starts with gzip's magic bytes and passes
 * anything else; `require` makes other content an error (a `.gz` name, or `gzip: true`).
 *
 * @internal
 */
export type GzipMode = 'detect' | 'require'

/**
 * Looks at the first bytes: gzip is inflated on the way, anything else passes as it is (or, with
 * `require`, fails naming `where` and `why`: `the name ends in .gz`).
 *
 * @internal
 */
export async function gunzipIfCompressed(
  stage: string,
  where: string,
  source: ByteSource,
  signal: AbortSignal,
  mode: GzipMode,
  why: string,
): Promise<{ readonly bytes: ByteSource; readonly compressed: boolean }> {
  let head: Buffer = Buffer.alloc(0)
  let text: string | undefined
  for (;;) {
    let chunk: Buffer | string | undefined
    try {
      chunk = await source.read()
    } catch (error) {
      await source.close()
      throw error
    }
    if (chunk === undefined) break
    // A stream that gives strings gives text, never gzip data.
    if (typeof chunk === 'string') {
      text = chunk
      break
    }
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk])
    if (head.length >= 2) break
  }
  const compressed = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
  if (!compressed) {
    if (mode === 'require' && (head.length > 0 || text !== undefined)) {
      await source.close()
      throw cannotRead(stage, where, `${why} but it is not gzip data`)
    }
    const rest = text === undefined ? source : prepend(text, source)
    return { bytes: prepend(head, rest), compressed: false }
  }
  return { bytes: inflate(stage, where, prepend(head, source), signal), compressed: true }
}

function inflate(stage: string, where: string, raw: ByteSource, signal: AbortSignal): ByteSource {
  async function* rawChunks(): AsyncGenerator<Buffer | string> {
    for (;;) {
      const chunk = await raw.read()
      if (chunk === undefined) return
      yield chunk
    }
  }
  const input = Readable.from(rawChunks(), { objectMode: false })
  const gunzip = createGunzip()
  pipeline(input, gunzip, () => undefined)
  const inflated = readableBytes(stage, where, gunzip, signal)
  return {
    read: () => inflated.read(),
    async close() {
      await inflated.close()
      input.destroy()
      await raw.close()
    },
  }
}
