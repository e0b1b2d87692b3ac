// The reading form of a wire schema (README "Upstream clients": tolerant reading): what real servers send — explicit
// nulls for unset fields, fields of their own, a missing free-form object — is read; what a field truly needs is not
// made up.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { readWire, tolerant } from '../../src/upstream/index.js'
import { readsAsIs } from '../../src/upstream/tolerant.js'

const Run = z.object({
  run_id: z.string(),
  status: z.enum(['pending', 'success']),
  thread_id: z.string().optional(),
  mode: z.enum(['values', 'custom']).default('values'),
  config: z.record(z.string(), z.unknown()),
  output: z.object({ text: z.string().optional() }).optional(),
  parts: z.array(z.object({ kind: z.literal('text'), text: z.string(), note: z.string().optional() })).optional(),
})
const read = (value: unknown) => tolerant(Run).safeParse(value)

describe('tolerant reading', () => {
  it('reads an explicit null in an optional field as absent, at any depth', () => {
    const r = read({
      run_id: 'r',
      status: 'pending',
      thread_id: null,
      config: {},
      output: { text: null },
      parts: [{ kind: 'text', text: 'hi', note: null }],
    })
    expect(r.success && r.data).toEqual({
      run_id: 'r',
      status: 'pending',
      mode: 'values',
      config: {},
      output: {},
      parts: [{ kind: 'text', text: 'hi' }],
    })
  })

  it('gives a defaulted field its default for null as for absent', () => {
    expect(read({ run_id: 'r', status: 'pending', config: {}, mode: null }).data?.mode).toBe('values')
    expect(read({ run_id: 'r', status: 'pending', config: {} }).data?.mode).toBe('values')
    expect(read({ run_id: 'r', status: 'pending', config: {}, mode: 'custom' }).data?.mode).toBe('custom')
  })

  it('keeps fields the schema does not name', () => {
    const r = read({ run_id: 'r', status: 'pending', config: {}, created_by: 'pydantic', output: { score: 1 } })
    expect(r.data).toMatchObject({ created_by: 'pydantic', output: { score: 1 } })
  })

  it('reads a required free-form object that is null or missing as {}, and leaves nulls inside one alone', () => {
    expect(read({ run_id: 'r', status: 'pending', config: null }).data?.config).toEqual({})
    expect(read({ run_id: 'r', status: 'pending' }).data?.config).toEqual({})
    expect(read({ run_id: 'r', status: 'pending', config: { tz: null } }).data?.config).toEqual({ tz: null })
  })

  it('still refuses a required field that is missing, null or of another kind', () => {
    expect(read({ status: 'pending', config: {} }).success).toBe(false)
    expect(read({ run_id: null, status: 'pending', config: {} }).success).toBe(false)
    expect(read({ run_id: 'r', status: 'done', config: {} }).success).toBe(false)
  })
})

describe('a value that reads as itself is not parsed', () => {
  const reading = tolerant(Run)
  const ok = {
    run_id: 'r',
    status: 'success',
    mode: 'custom',
    config: { tz: 'UTC' },
    output: { text: 'done', score: 1 },
    parts: [{ kind: 'text', text: 'hi' }],
    created_by: 'pydantic',
  }
  const cases: [string, unknown, boolean][] = [
    ['well formed, with fields of its own', ok, true],
    ['an optional field absent', { ...ok, output: undefined, parts: undefined }, true],
    ['a null in an optional field', { ...ok, thread_id: null }, true],
    ['a default to fill in', { ...ok, mode: undefined }, false],
    ['a null free-form object', { ...ok, config: null }, false],
    ['a null at depth', { ...ok, output: { text: null }, parts: [{ kind: 'text', text: 'hi', note: null }] }, true],
    ['a null in a required field', { ...ok, run_id: null }, false],
    ['a required field missing', { ...ok, run_id: undefined }, false],
    ['a value out of its enum', { ...ok, status: 'done' }, false],
    ['not an object', ['r'], false],
  ]

  it.each(cases)('%s: as is %s', (_, value, asIs) => {
    const sent = structuredClone(value)
    expect(readsAsIs(reading, value)).toBe(asIs)
    // Whatever it says, reading what was sent gives what a parse gives: the value itself (its nulls made absent) when
    // it reads as itself.
    const parsed = reading.safeParse(sent)
    if (asIs) expect(value).toEqual(parsed.data)
  })

  it('readWire hands back the very value when it reads as itself (its optional nulls made absent), a parsed copy when not', () => {
    expect(readWire('Server', Run, ok, 'run')).toBe(ok)
    const withNull = { ...ok, thread_id: null, output: { text: null } }
    const read = readWire('Server', Run, withNull, 'run')
    expect(read).toBe(withNull)
    expect(read.thread_id).toBeUndefined()
    expect(read.output).toEqual({})
    const withDefault = { ...ok, mode: null }
    expect(readWire('Server', Run, withDefault, 'run')).toMatchObject({ mode: 'values' })
    expect(() => readWire('Server', Run, { ...ok, status: 'done' }, 'run')).toThrow(/status/)
  })

  it('takes the option a discriminated union names; a check zod keeps (min, url) leaves it to the parse', () => {
    const Event = tolerant(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('a'), n: z.number().int() }),
        z.object({ type: z.literal('b'), s: z.string().min(1) }),
      ]),
    )
    expect(readsAsIs(Event, { type: 'a', n: 1 })).toBe(true)
    expect(readsAsIs(Event, { type: 'a', n: 1.5 })).toBe(false)
    expect(readsAsIs(Event, { type: 'c', n: 1 })).toBe(false)
    expect(readsAsIs(Event, { type: 'b', s: 'x' })).toBe(false)
    expect(Event.safeParse({ type: 'b', s: 'x' }).success).toBe(true)
  })
})
