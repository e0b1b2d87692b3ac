// The hand-checked reading of delta events (the hot path of every Responses upstream) reads exactly what the zod
// reading schema reads, and leaves anything unusual to it.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readDelta, readDeltaData, StreamEventIn } from '../../src/dialects/responses/reading.js'

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

/** What the decoder reads of a delta: the fast reading of its text must give exactly this, as JSON.parse would. */
const decoderView = (e: StreamEventIn | undefined) =>
  e && {
    type: e.type,
    item_id: (e as { item_id?: string }).item_id,
    delta: (e as { delta?: string }).delta,
    sequence_number: e.sequence_number,
  }

// Key orders seen on the wire: OpenAI's, this bridge's own face, aimock's.
const ORDERS = {
  openai: (e: Delta) => ({
    type: e.type,
    ...(e.seq === undefined ? {} : { sequence_number: e.seq }),
    item_id: e.itemId,
    output_index: e.index,
    ...(e.type === 'response.function_call_arguments.delta' ? {} : { content_index: 0 }),
    delta: e.delta,
    logprobs: [],
    obfuscation: 'Xy1',
  }),
  bridge: (e: Delta) => ({
    type: e.type,
    item_id: e.itemId,
    output_index: e.index,
    content_index: 0,
    delta: e.delta,
    logprobs: [],
    ...(e.seq === undefined ? {} : { sequence_number: e.seq }),
  }),
  aimock: (e: Delta) => ({ type: e.type, item_id: e.itemId, output_index: e.index, content_index: 0, delta: e.delta }),
}
interface Delta {
  type: string
  itemId: string
  index: number
  delta: string
  seq?: number
}

describe('readDeltaData (a delta read from its text, without JSON.parse)', () => {
  const delta = fc.record(
    {
      type: fc.constantFrom(...DELTAS),
      // Ids as servers make them (no character JSON escapes); any text at all in the delta.
      itemId: fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/),
      index: fc.nat(1000),
      delta: fc.string({ unit: 'binary' }),
      seq: fc.nat(),
    },
    { requiredKeys: ['type', 'itemId', 'index', 'delta'] },
  )

  it('reads deltas in the key orders servers write, as JSON.parse and the decoder would', () => {
    fc.assert(
      fc.property(delta, fc.constantFrom(...Object.values(ORDERS)), (e, order) => {
        const data = JSON.stringify(order(e))
        const fast = readDeltaData(data)
        expect(fast, data).toBeDefined()
        expect(decoderView(fast)).toEqual(decoderView(readDelta(JSON.parse(data))))
      }),
      { numRuns: 500 },
    )
  })

  it('reads escapes, quotes, surrogate pairs and line separators in the delta as JSON does', () => {
    const texts = [
      String.raw`a\nb`,
      String.raw`say \"hi\"`,
      String.raw`back\\slash`,
      String.raw`\u00e9t\u00e9`,
      String.raw`😀 \ud83d\ude00`,
      String.raw`\u2028\t\/`,
    ]
    for (const text of texts) {
      const data = `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"${text}"}`
      expect(readDeltaData(data)?.delta, data).toBe(JSON.parse(data).delta)
    }
  })

  it('leaves every other shape to the general reading, which still reads it', () => {
    const ok = '{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"x"'
    for (const data of [
      `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"x","logprobs":[{"token":"x","logprob":0}]}`,
      `${ok},"annotations":[]}`, // a field the pattern does not list
      `{"item_id":"msg_1","type":"response.output_text.delta","delta":"x"}`, // type not first
      `{ "type": "response.output_text.delta", "item_id": "msg_1", "delta": "x" }`, // spaces
      `{"type":"response.output_text.delta","sequence_number":07,"item_id":"msg_1","delta":"x"}`, // not JSON
      String.raw`{"type":"response.output_text.delta","item_id":"msg_\"1","delta":"x"}`, // an escaped id
      String.raw`{"type":"response.output_text.delta","item_id":"msg_1","delta":"bad \x escape"}`,
      `{"type":"response.output_text.delta","item_id":"msg_1","delta":"raw\ttab"}`, // a raw tab: not JSON either
      `{"type":"response.output_text.delta","sequence_number":1.5,"item_id":"msg_1","delta":"x"}`,
      `{"type":"response.output_text.delta","item_id":null,"delta":"x"}`,
      `{"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"x"}`,
      `{"type":"response.custom.delta","item_id":"msg_1","delta":"x"}`,
      `${ok}} `,
      ok,
    ]) {
      expect(readDeltaData(data), data).toBeUndefined()
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
