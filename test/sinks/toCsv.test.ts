import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { createWriteStream, existsSync } from 'node:fs'
import { PassThrough, Writable } from 'node:stream'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import Papa from 'papaparse'
import { pipe } from 'fp-ts/lib/function.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { failFast } from '../../src/policies/failFast.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { expectBalanced, rejection } from '../support/ledger.js'
import { canMountSmallDisk, withSmallDisk } from '../support/smallDisk.js'

let directory: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-toCsv-'))
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

const text = (name: string): Promise<string> => readFile(join(directory, name), 'utf8')

describe('toCsv', () => {
  it('writes a header from the first record and quotes fields per RFC 4180', async () => {
    const records = [
      { id: '1', value: 'plain' },
      { id: '2', value: 'a,b' },
      { id: '3', value: 'say "hi"' },
      { id: '4', value: 'line\nbreak' },
      { id: '5', value: 'carriage\rreturn' },
      { id: '6', value: 'crlf\r\nhere' },
      { id: '7', value: 'ünïcødé 日本 🎉' },
      { id: '8', value: '' },
      { id: '9', value: '=SUM(A1)' },
      { id: '10', value: ' padded ' },
    ]
    const path = join(directory, 'out.csv')
    const report = await pipe(fromGenerator(records), toCsv(path))
    expect(await text('out.csv')).toBe(
      'id,value\r\n1,plain\r\n2,"a,b"\r\n3,"say ""hi"""\r\n4,"line\nbreak"\r\n' +
        '5,"carriage\rreturn"\r\n6,"crlf\r\nhere"\r\n7,ünïcødé 日本 🎉\r\n8,\r\n9,=SUM(A1)\r\n' +
        '10," padded "\r\n',
    )
    expect(Papa.parse(await text('out.csv'), { header: true, skipEmptyLines: true }).data).toEqual(
      records,
    )
    expect(report).toMatchObject({ status: 'completed', read: 10, written: 10, failed: 0 })
    expect(report['file']).toEqual({
      path,
      bytes: Buffer.byteLength(await text('out.csv')),
      committed: true,
    })
    expectBalanced(report)
  })

  it('writes the given columns in their order, leaving missing values empty', async () => {
    await pipe(
      fromGenerator([{ a: 1, b: 2, c: 3 }, { c: 6 }]),
      toCsv(join(directory, 'out.csv'), { columns: ['c', 'a', 'b'], extraColumns: 'error' }),
    )
    expect(await text('out.csv')).toBe('c,a,b\r\n3,1,2\r\n6,,\r\n')
  })

  it('makes a record with keys outside the columns a SinkError naming it and the keys, and goes on', async () => {
    const report = await pipe(
      fromGenerator([{ a: 1 }, { a: 2, b: 'x', c: 'y' }, { a: 3 }]),
      toCsv(join(directory, 'out.csv'), { lineEnding: '\n' }),
    )
    expect(await text('out.csv')).toBe('a\n1\n3\n')
    expect(report).toMatchObject({ status: 'completed', written: 2, failed: 1 })
    expect(report.failures[0]).toMatchObject({
      _tag: 'SinkError',
      record: { a: 2, b: 'x', c: 'y' },
      location: { row: 2 },
      details: { extraKeys: ['b', 'c'] },
    })
    expect(report.failures[0]?.message).toMatch(
      /^toCsv .*out\.csv row 2: keys not in the columns: b, c/,
    )
    expectBalanced(report)
  })

  it('leaves extra keys out with extraColumns ignore', async () => {
    const report = await pipe(
      fromGenerator([{ a: 1 }, { b: 'x', a: 2 }]),
      toCsv(join(directory, 'out.csv'), { lineEnding: '\n', extraColumns: 'ignore' }),
    )
    expect(await text('out.csv')).toBe('a\n1\n2\n')
    expect(report.written).toBe(2)
  })

  it('adds extra keys as new last columns with extraColumns append, widening the header and earlier rows', async () => {
    const report = await pipe(
      fromGenerator([
        { a: 'multi\nline, "quoted"' },
        { a: '2', b: 'B' },
        { a: '3' },
        { c: 'C\r\n', a: '4' },
      ]),
      toCsv(join(directory, 'out.csv'), { extraColumns: 'append', bom: true }),
    )
    const written = await text('out.csv')
    expect(written).toBe(
      '\uFEFFa,b,c\r\n"multi\nline, ""quoted""",,\r\n2,B,\r\n3,,\r\n4,,"C\r\n"\r\n',
    )
    expect(report).toMatchObject({ written: 4, failed: 0 })
    expect(report['file']).toMatchObject({ bytes: Buffer.byteLength(written) })
    expect(await readdir(directory)).toEqual(['out.csv'])
  })

  it('widens gzipped output too', async () => {
    await pipe(
      fromGenerator([{ a: '1' }, { a: '2', b: 'B' }]),
      toCsv(join(directory, 'out.csv.gz'), { extraColumns: 'append', lineEnding: '\n' }),
    )
    const raw = await readFile(join(directory, 'out.csv.gz'))
    expect(gunzipSync(raw).toString('utf8')).toBe('a,b\n1,\n2,B\n')
  })

  it('starts with a UTF-8 byte order mark when bom is set', async () => {
    await pipe(fromGenerator([{ a: 'é' }]), toCsv(join(directory, 'out.csv'), { bom: true }))
    const raw = await readFile(join(directory, 'out.csv'))
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(raw.subarray(3).toString('utf8')).toBe('a\r\né\r\n')
  })

  it('uses the given delimiter and line ending, quoting fields that contain the delimiter', async () => {
    await pipe(
      fromGenerator([{ a: 'x;y', b: 'p,q' }]),
      toCsv(join(directory, 'semi.csv'), { delimiter: ';', lineEnding: '\n' }),
    )
    expect(await text('semi.csv')).toBe('a;b\n"x;y";p,q\n')
    await pipe(
      fromGenerator([{ a: 'x\ty', b: 'z' }]),
      toCsv(join(directory, 'tab.tsv'), { delimiter: '\t', lineEnding: '\r' }),
    )
    expect(await text('tab.tsv')).toBe('a\tb\r"x\ty"\tz\r')
  })

  it('refuses a delimiter that would make the output ambiguous', () => {
    expect(() => toCsv(join(directory, 'x.csv'), { delimiter: '"' })).toThrow(/delimiter/)
    expect(() => toCsv(join(directory, 'x.csv'), { delimiter: '' })).toThrow(/delimiter/)
  })

  it('writes nested values as JSON, null and undefined as empty, Dates as ISO 8601', async () => {
    await pipe(
      fromGenerator([
        {
          nested: { x: 1, y: [1, 'two'] },
          list: [1, 2],
          none: null,
          missing: undefined,
          when: new Date(Date.UTC(2024, 0, 31, 12, 30)),
          n: -1.5,
          yes: true,
          big: 12n,
        },
      ]),
      toCsv(join(directory, 'out.csv'), { lineEnding: '\n' }),
    )
    expect(await text('out.csv')).toBe(
      'nested,list,none,missing,when,n,yes,big\n' +
        '"{""x"":1,""y"":[1,""two""]}","[1,2]",,,2024-01-31T12:30:00.000Z,-1.5,true,12\n',
    )
  })

  it('prefixes cells a spreadsheet would run as formulas with a quote when formulaEscape is set', async () => {
    await pipe(
      fromGenerator([
        { v: '=1+1' },
        { v: '+1' },
        { v: '-1' },
        { v: '@SUM(A1)' },
        { v: '\tx' },
        { v: '\rx' },
        { v: 'safe=1' },
        { v: -5 },
      ]),
      toCsv(join(directory, 'out.csv'), { formulaEscape: true, lineEnding: '\n' }),
    )
    expect(await text('out.csv')).toBe(
      "v\n'=1+1\n'+1\n'-1\n'@SUM(A1)\n'\tx\n\"'\rx\"\nsafe=1\n-5\n",
    )
  })

  it('writes a row of one empty cell as "" so readers do not skip it as an empty line', async () => {
    await pipe(
      fromGenerator([{ a: '' }, { a: 'x' }]),
      toCsv(join(directory, 'out.csv'), { lineEnding: '\n' }),
    )
    expect(await text('out.csv')).toBe('a\n""\nx\n')
  })

  it('writes array records as rows, with no header unless columns are given', async () => {
    await pipe(
      fromGenerator([
        ['a', 'b,c'],
        ['d', 'e'],
      ]),
      toCsv(join(directory, 'arrays.csv'), { lineEnding: '\n' }),
    )
    expect(await text('arrays.csv')).toBe('a,"b,c"\nd,e\n')
  })

  it('makes a record that is not an object a SinkError and goes on', async () => {
    const report = await pipe(
      fromGenerator<object>([{ a: 1 }, null as unknown as object, { a: 2 }]),
      toCsv(join(directory, 'out.csv'), { lineEnding: '\n' }),
    )
    expect(await text('out.csv')).toBe('a\n1\n2\n')
    expect(report.failures[0]).toMatchObject({ _tag: 'SinkError', location: { row: 2 } })
    expectBalanced(report)
  })

  it('writes the header only for no records with columns, and an empty file without', async () => {
    await pipe(
      fromGenerator<{ a: string }>([]),
      toCsv(join(directory, 'cols.csv'), { columns: ['a', 'b'] }),
    )
    expect(await text('cols.csv')).toBe('a,b\r\n')
    const report = await pipe(
      fromGenerator<{ a: string }>([]),
      toCsv(join(directory, 'none.csv'), { bom: true }),
    )
    expect(await text('none.csv')).toBe('')
    expect(report).toMatchObject({
      status: 'completed',
      written: 0,
      file: { bytes: 0, committed: true },
    })
  })

  it('gzips output whose path ends in .gz', async () => {
    await pipe(fromGenerator([{ a: 1 }]), toCsv(join(directory, 'out.csv.gz')))
    expect(gunzipSync(await readFile(join(directory, 'out.csv.gz'))).toString('utf8')).toBe(
      'a\r\n1\r\n',
    )
  })

  it('appends to the target with append, writing the header only into an empty file', async () => {
    const path = join(directory, 'log.csv')
    await pipe(fromGenerator([{ a: 1, b: 2 }]), toCsv(path, { append: true, lineEnding: '\n' }))
    const report = await pipe(
      fromGenerator([{ a: 3, b: 4 }]),
      toCsv(path, { append: true, lineEnding: '\n' }),
    )
    expect(await text('log.csv')).toBe('a,b\n1,2\n3,4\n')
    expect(report).toMatchObject({ written: 1, file: { bytes: 4, committed: true } })
    expect(await readdir(directory)).toEqual(['log.csv'])
    expect(() => toCsv(path, { append: true, extraColumns: 'append' })).toThrow(/append/)
  })

  it('appends in the column order of the existing file, read from its header', async () => {
    const path = join(directory, 'log.csv')
    await writeFile(path, '\uFEFF"b,1";a\n"x";y\n')
    const report = await pipe(
      fromGenerator([{ a: 'A', 'b,1': 'B' }]),
      toCsv(path, { append: true, delimiter: ';', lineEnding: '\n', bom: true }),
    )
    expect(await text('log.csv')).toBe('\uFEFF"b,1";a\n"x";y\nB;A\n')
    expect(report.written).toBe(1)
  })

  it('fails the run when appending to a non-empty file with no header row it can read', async () => {
    const path = join(directory, 'log.csv')
    await writeFile(path, 'no line ending')
    const error = await rejection(pipe(fromGenerator([{ a: 1 }]), toCsv(path, { append: true })))
    expect(error.message).toMatch(/cannot append to .*log\.csv: no header row .*give the columns/)
    expect(await text('log.csv')).toBe('no line ending')
  })

  // A real full disk: a 256 KiB tmpfs (needs root; skipped elsewhere). The run fails; the file
  // holds exactly the rows the report counts as written, each whole, and nothing after them.
  it.skipIf(!canMountSmallDisk)(
    'keeps whole rows only, as many as written, when the disk fills up in append mode',
    async () => {
      await withSmallDisk('256k', async (disk) => {
        const path = join(disk, 'log.csv')
        await writeFile(path, 'id,name\r\n0,seed\r\n')
        const error = await rejection(
          pipe(
            fromGenerator(function* () {
              for (let id = 1; id < 200_000; id++) yield { id, name: `row number ${id}` }
            }),
            toCsv(path, { append: true, highWaterMark: 100 }),
          ),
        )
        expect(error.message).toMatch(/toCsv log\.csv: cannot write .*log\.csv: .*ENOSPC/)
        const report = error.report as RunReport
        expectBalanced(report)
        const content = await readFile(path, 'utf8')
        expect(content.endsWith('\r\n')).toBe(true)
        const rows = content.split('\r\n').slice(2, -1)
        expect(report.written).toBeGreaterThan(0)
        expect(rows).toHaveLength(report.written)
        rows.forEach((row, index) => expect(row).toBe(`${index + 1},row number ${index + 1}`))
        expect(report['file']).toMatchObject({
          bytes: Buffer.byteLength(content) - 'id,name\r\n0,seed\r\n'.length,
        })
      })
    },
  )

  // Where no tmpfs can be mounted: a real file-size limit (RLIMIT_FSIZE, `ulimit -f`) on a child
  // process makes the kernel refuse the write that crosses it (EFBIG), part of a row written.
  it('keeps whole rows only, as many as written, when the file size limit is hit in append mode', async () => {
    const path = join(directory, 'limited.csv')
    await writeFile(path, 'id,name\r\n')
    const script = join(directory, 'limited-run.mts')
    const source = (module: string): string =>
      JSON.stringify(fileURLToPath(new URL(`../../src/${module}.ts`, import.meta.url)))
    await writeFile(
      script,
      [
        `import { pipe } from ${JSON.stringify(fileURLToPath(import.meta.resolve('fp-ts/lib/function.js')))}`,
        `import { toCsv } from ${source('sinks/toCsv')}`,
        `import { fromGenerator } from ${source('sources/fromGenerator')}`,
        'const rows = function* () { for (let id = 1; id < 100_000; id++) yield { id, name: `row number ${id}` } }',
        `await pipe(fromGenerator(rows), toCsv(${JSON.stringify(path)}, { append: true, highWaterMark: 100 }))`,
        '  .then(() => console.log(JSON.stringify({ completed: true })))',
        '  .catch((error) => console.log(JSON.stringify({ message: error.message, written: error.report?.written })))',
      ].join('\n'),
    )
    const output = await new Promise<string>((resolve, reject) => {
      // 256 blocks of 512 bytes: 128 KiB, well under the rows the run would write.
      const child = spawn('sh', [
        '-c',
        `ulimit -f 256 && exec "$0" --import tsx "$1"`,
        process.execPath,
        script,
      ])
      let text = ''
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      child.once('error', reject)
      child.once('exit', () => resolve(text))
    })
    const result = JSON.parse(output) as { message: string; written: number }
    expect(result.message).toMatch(/toCsv limited\.csv: cannot write .*limited\.csv: EFBIG/)
    const content = await text('limited.csv')
    expect(content.endsWith('\r\n')).toBe(true)
    const rows = content.split('\r\n').slice(1, -1)
    expect(result.written).toBeGreaterThan(0)
    expect(rows).toHaveLength(result.written)
    rows.forEach((row, index) => expect(row).toBe(`${index + 1},row number ${index + 1}`))
  })

  it('removes the temporary files of runs that were killed, and says so in its report', async () => {
    const path = join(directory, 'out.csv')
    // A real run in a child process, killed with SIGKILL while its temporary file is open.
    const script = join(directory, 'killed-run.mts')
    const toCsvModule = fileURLToPath(new URL('../../src/sinks/toCsv.js', import.meta.url))
    const fromGeneratorModule = fileURLToPath(
      new URL('../../src/sources/fromGenerator.js', import.meta.url),
    )
    const functionModule = fileURLToPath(import.meta.resolve('fp-ts/lib/function.js'))
    await writeFile(
      script,
      [
        `import { pipe } from ${JSON.stringify(functionModule)}`,
        `import { toCsv } from ${JSON.stringify(toCsvModule.replace(/\.js$/, '.ts'))}`,
        `import { fromGenerator } from ${JSON.stringify(fromGeneratorModule.replace(/\.js$/, '.ts'))}`,
        'await pipe(fromGenerator(async function* () {',
        '  for (let id = 0; ; id++) { yield { id }; await new Promise((r) => setTimeout(r, 5)) }',
        `}), toCsv(${JSON.stringify(path)}, { highWaterMark: 2 }))`,
      ].join('\n'),
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'ignore' })
    let running = true
    const exited = new Promise((resolve) => child.once('exit', resolve)).finally(() => {
      running = false
    })
    const litter = (): Promise<string[]> =>
      readdir(directory).then((names) => names.filter((name) => name.endsWith('.tmp')))
    while (running && (await litter()).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(running, 'the child run is still going').toBe(true)
    child.kill('SIGKILL')
    await exited
    const left = await litter()
    expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.out\\.csv\\.${child.pid}\\.`))])

    const report = await pipe(fromGenerator([{ id: 1 }]), toCsv(path))
    expect(report['file']).toMatchObject({
      committed: true,
      removedTemporaryFiles: [join(directory, left[0] as string)],
    })
    expect((await readdir(directory)).sort()).toEqual(['killed-run.mts', 'out.csv'])
  })

  it('leaves the temporary files of live processes alone', async () => {
    const path = join(directory, 'out.csv')
    const mine = join(directory, `.out.csv.${process.pid}.0123456789ab.tmp`)
    const parents = join(directory, `.out.csv.${process.ppid}.0123456789ab.tmp`)
    await writeFile(mine, 'x')
    await writeFile(parents, 'x')
    const report = await pipe(fromGenerator([{ id: 1 }]), toCsv(path))
    expect(report['file']).not.toHaveProperty('removedTemporaryFiles')
    expect(existsSync(mine) && existsSync(parents)).toBe(true)
  })

  it('writes keys named like Object.prototype members as data, and never an inherited value', async () => {
    const path = join(directory, 'proto.csv')
    const records = [
      JSON.parse('{"__proto__": "x", "constructor": "y", "a": 2}') as object,
      JSON.parse('{"a": 3, "__proto__": "z"}') as object,
    ]
    const report = await pipe(fromGenerator(records), toCsv(path, { lineEnding: '\n' }))
    expect(await text('proto.csv')).toBe('__proto__,constructor,a\nx,y,2\nz,,3\n')
    expect(report.written).toBe(2)
    await pipe(
      fromGenerator([{ a: 1 }]),
      toCsv(path, { columns: ['a', 'toString', 'hasOwnProperty'], lineEnding: '\n' }),
    )
    expect(await text('proto.csv')).toBe('a,toString,hasOwnProperty\n1,,\n')
  })

  it('writes no header row with header false', async () => {
    await pipe(
      fromGenerator([{ a: 1, b: 2 }]),
      toCsv(join(directory, 'out.csv'), { header: false, lineEnding: '\n' }),
    )
    expect(await text('out.csv')).toBe('1,2\n')
  })

  it.runIf(existsSync('/dev/full'))(
    'fails the run, naming the path, when a write fails (a full disk)',
    async () => {
      const error = await rejection(
        pipe(fromGenerator([{ a: 1 }]), toCsv('/dev/full', { append: true, fsync: false })),
      )
      expect(error.name).toBe('RunError')
      expect(error.message).toMatch(/^toCsv full: cannot write \/dev\/full: .*ENOSPC/)
      expect(error.report).toMatchObject({ status: 'failed', written: 0 })
      expectBalanced(error.report as RunReport)
    },
  )

  it('replaces an existing target only when the run completes', async () => {
    await writeFile(join(directory, 'out.csv'), 'old\r\n')
    await pipe(fromGenerator([{ a: 'new' }]), toCsv(join(directory, 'out.csv')))
    expect(await text('out.csv')).toBe('a\r\nnew\r\n')
    expect(await readdir(directory)).toEqual(['out.csv'])
  })

  it('leaves an existing target untouched and removes its temporary file when the run is aborted', async () => {
    const path = join(directory, 'out.csv')
    await writeFile(path, 'old\r\n')
    const controller = new AbortController()
    let duringRun: string[] = []
    const run = pipe(
      fromGenerator(async function* () {
        for (let n = 0; n < 10; n++) yield { n }
        // Let the sink write what it has to its temporary file, then abort mid-run.
        await new Promise((resolve) => setTimeout(resolve, 5))
        duringRun = await readdir(directory)
        controller.abort()
        await new Promise((resolve) => setTimeout(resolve, 1_000))
        yield { n: 10 }
      }),
      toCsv(path, { signal: controller.signal, highWaterMark: 4 }),
    )
    const error = await rejection(run)
    expect(error.name).toBe('AbortError')
    expect(duringRun).toHaveLength(2)
    expect(duringRun.find((name) => name !== 'out.csv')).toMatch(/^\.out\.csv\..*\.tmp$/)
    expect(await text('out.csv')).toBe('old\r\n')
    expect(await readdir(directory)).toEqual(['out.csv'])
    expect(error.report).toMatchObject({
      status: 'aborted',
      read: 10,
      written: 0,
      dropped: 10,
      droppedByReason: { aborted: 10 },
      file: { committed: false },
    })
    expectBalanced(error.report as RunReport)
  })

  it('leaves the target untouched when a fail-fast run stops', async () => {
    const path = join(directory, 'out.csv')
    await writeFile(path, 'old\r\n')
    const error = await rejection(
      pipe(
        fromGenerator(function* () {
          for (let n = 0; n < 5_000; n++) yield n
        }),
        map((n: number) => {
          if (n === 4_000) throw new Error('bad record')
          return { n }
        }),
        failFast(),
        toCsv(path, { highWaterMark: 100 }),
      ),
    )
    expect(error.name).toBe('RunError')
    expect(await text('out.csv')).toBe('old\r\n')
    expect(await readdir(directory)).toEqual(['out.csv'])
    expect(error.report).toMatchObject({ status: 'failed', written: 0, failed: 1 })
    expect(error.report?.droppedByReason['aborted']).toBeGreaterThan(3_000)
    expectBalanced(error.report as RunReport)
  })

  it('fails the run at once, naming the path, when the directory does not exist', async () => {
    const path = join(directory, 'missing', 'out.csv')
    const error = await rejection(pipe(fromGenerator([{ a: 1 }]), toCsv(path)))
    expect(error.message).toBe(
      `toCsv out.csv: cannot write ${path}: the directory ${join(directory, 'missing')} does not exist`,
    )
    expect(error.report).toMatchObject({ status: 'failed', written: 0 })
  })

  it('fails the run at once when the target is a directory', async () => {
    await mkdir(join(directory, 'taken'))
    const error = await rejection(pipe(fromGenerator([{ a: 1 }]), toCsv(join(directory, 'taken'))))
    expect(error.message).toMatch(/cannot write .*taken: it is a directory/)
  })

  it('keeps records in flight within the high-water mark while writing many', async () => {
    const count = 20_000
    const report = await pipe(
      fromGenerator(function* () {
        for (let n = 0; n < count; n++) yield { n, name: `name ${n}`, note: 'x'.repeat(n % 50) }
      }),
      toCsv(join(directory, 'many.csv'), { highWaterMark: 100 }),
    )
    expect(report.written).toBe(count)
    expect(report.maxInFlight).toBeLessThanOrEqual(100 + 50)
    const lines = (await text('many.csv')).split('\r\n')
    expect(lines).toHaveLength(count + 2)
    expect(lines[count]).toBe(`${count - 1},name ${count - 1},${'x'.repeat((count - 1) % 50)}`)
  })

  it('makes the source wait while the file stream drains', async () => {
    // With a budget too large to matter, only the stream's backpressure bounds read-ahead:
    // about 512 KiB queued plus one 64 KiB chunk, here well under 2,000 records of 1 KiB.
    const count = 10_000
    const report = await pipe(
      fromGenerator(function* () {
        for (let n = 0; n < count; n++) yield { n, pad: 'p'.repeat(1_024) }
      }),
      toCsv(join(directory, 'big.csv'), { highWaterMark: 1_000_000, fsync: false }),
    )
    expect(report.written).toBe(count)
    expect(report.maxInFlight).toBeLessThan(2_000)
  })
})

describe('toCsv to a stream', () => {
  const collect = (stream: PassThrough): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      stream.on('error', reject)
    })

  it('writes to a Writable, ends it, and counts the rows the stream accepted', async () => {
    const stream = new PassThrough()
    const text = collect(stream)
    const report = await pipe(
      fromGenerator([
        { id: 1, name: 'Acme, Inc.' },
        { id: 2, name: 'Globex' },
      ]),
      toCsv(stream, { lineEnding: '\n' }),
    )
    expect(await text).toBe('id,name\n1,"Acme, Inc."\n2,Globex\n')
    expect(report).toMatchObject({
      name: 'toCsv stream',
      written: 2,
      stream: { name: 'stream', bytes: 32, ended: true },
    })
    expect(report['file']).toBeUndefined()
    expectBalanced(report)
  })

  it('writes to a file stream, named after its path, with no temporary file', async () => {
    const path = join(directory, 'direct.csv')
    const stream = createWriteStream(path)
    const report = await pipe(
      fromGenerator(function* () {
        for (let id = 0; id < 20_000; id++) yield { id }
      }),
      toCsv(stream, { highWaterMark: 100 }),
    )
    if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()))
    expect(report).toMatchObject({ name: 'toCsv direct.csv', written: 20_000 })
    expect((await text('direct.csv')).split('\r\n')).toHaveLength(20_002)
    expect(await readdir(directory)).toEqual(['direct.csv'])
  })

  it('honours the backpressure of a slow stream: sources wait while it drains', async () => {
    const received: string[] = []
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString('utf8'))
        setTimeout(callback, 1)
      },
    })
    const report = await pipe(
      fromGenerator(function* () {
        for (let id = 0; id < 3_000; id++) yield { id, padding: 'x'.repeat(100) }
      }),
      toCsv(slow, { highWaterMark: 50, end: false }),
    )
    expect(report.written).toBe(3_000)
    expect(report.maxInFlight).toBeLessThanOrEqual(50)
    expect(received.join('').split('\r\n')).toHaveLength(3_002)
    expect(slow.writableEnded).toBe(false)
  })

  it('fails the run naming the stream when it errors, counting only the rows it accepted', async () => {
    let accepted = 0
    const failing = new Writable({
      write(_chunk: Buffer, _encoding, callback) {
        if (accepted >= 2) callback(new Error('socket hang up'))
        else {
          accepted += 1
          callback()
        }
      },
    })
    const error = await rejection(
      pipe(
        fromGenerator(function* () {
          for (let id = 0; id < 10_000; id++) yield { id }
        }),
        toCsv(failing, { highWaterMark: 10 }),
      ),
    )
    expect(error.message).toBe('toCsv stream: cannot write to stream: socket hang up')
    const report = error.report as RunReport
    expect(report.written).toBe(10)
    expectBalanced(report)
  })

  it('never ends stdout, and refuses file options for a stream', async () => {
    const report = await pipe(fromGenerator([] as { id: number }[]), toCsv(process.stdout))
    expect(report).toMatchObject({ name: 'toCsv stdout', written: 0, stream: { name: 'stdout' } })
    expect(process.stdout.writableEnded).toBe(false)
    expect(() => toCsv(new PassThrough(), { append: true, gzip: true })).toThrow(
      'toCsv stream: append, gzip apply to files, not to a stream',
    )
    expect(() => toCsv(new PassThrough(), { extraColumns: 'append' })).toThrow(/a stream cannot do/)
  })
})
