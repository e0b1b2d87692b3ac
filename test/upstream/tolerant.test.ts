// The reading form of a wire schema (README "Upstream clients": tolerant reading): what real servers send — explicit
// nulls for unset fields, fields of their own, a missing free-form object — is read; what a field truly needs is not
// made up.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { tolerant } from '../../src/upstream/index.js'

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
