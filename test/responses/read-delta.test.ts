// The hand-checked reading of delta events (the hot path of every Responses upstream) reads exactly what the zod
// reading schema reads, and leaves anything unusual to it.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readDelta, StreamEventIn } from '../../src/dialects/responses/reading.js'

const DELTAS = [
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.reasoning_text.delta',
  'response.reasoning_summary_text.delta',
  'response.mcp_call_arguments.delta',
]

describe('readDelta', () => {
  it('reads well-formed deltas as StreamEventIn does, extra fields and all', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DELTAS),
        fc.string(),
        fc.string(),
        fc.option(fc.nat(), { nil: undefined }),
        fc.dictionary(
          // zod drops a `__proto__` key; the fast path leaves it an inert field of the event's own, which no one reads.
          fc.string().filter((k) => !['type', 'item_id', 'delta', 'sequence_number', '__proto__'].includes(k)),
          fc.jsonValue(),
        ),
        (type, itemId, delta, seq, extra) => {
          const raw = { ...extra, type, item_id: itemId, delta, ...(seq === undefined ? {} : { sequence_number: seq }) }
          const fast = readDelta(JSON.parse(JSON.stringify(raw)))
          expect(fast).toBeDefined()
          expect(fast).toEqual(StreamEventIn.parse(JSON.parse(JSON.stringify(raw))))
        },
      ),
    )
  })

  it('leaves to zod what needs more than a look: nulls, missing or mistyped fields, other events', () => {
    const base = { type: 'response.output_text.delta', item_id: 'i', delta: 'x' }
    for (const raw of [
      { ...base, sequence_number: null },
      { ...base, sequence_number: 1.5 },
      { ...base, sequence_number: '3' },
      { type: base.type, delta: 'x' },
      { ...base, delta: null },
      { ...base, item_id: 7 },
      { type: 'response.output_text.done', item_id: 'i', text: 'x' },
      { type: 'response.custom.delta', item_id: 'i', delta: 'x' },
      null,
      'text',
    ]) {
      expect(readDelta(raw), JSON.stringify(raw)).toBeUndefined()
    }
  })
})

describe('lifecycle events the decoder takes only a sequence number from', () => {
  it('are read whatever their response holds (a partial one, null, none): the run goes on', () => {
    for (const type of ['response.queued', 'response.in_progress']) {
      for (const response of [{ status: 'in_progress' }, null, undefined]) {
        const raw = { type, sequence_number: 2, ...(response === undefined ? {} : { response }) }
        expect(StreamEventIn.safeParse(raw).success).toBe(true)
      }
    }
  })

  it('response.created still needs its response id (the resume cursor is read from it)', () => {
    expect(StreamEventIn.safeParse({ type: 'response.created', response: { status: 'queued' } }).success).toBe(false)
    expect(StreamEventIn.safeParse({ type: 'response.created', response: { id: 'resp_1' } }).success).toBe(true)
  })
})
