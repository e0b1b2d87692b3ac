// The template the Responses face writes text deltas with gives the very text JSON.stringify would.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEncoder, encode, eventText, openResponse } from '../../src/dialects/responses/encode.js'
import type { ResponseStreamEvent } from '../../src/dialects/responses/wire.js'

describe('eventText', () => {
  it('writes a text delta exactly as JSON.stringify does, whatever its text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), fc.nat(), fc.nat(), fc.nat(), (delta, id, o, c, n) => {
        const event = {
          type: 'response.output_text.delta',
          item_id: id,
          output_index: o,
          content_index: c,
          delta,
          logprobs: [],
          sequence_number: n,
        } as ResponseStreamEvent
        expect(eventText(event)).toBe(JSON.stringify(event))
      }),
    )
  })

  it('writes deltas of items and parts taking turns as JSON.stringify does (what it remembers of the last one)', () => {
    const events: ResponseStreamEvent[] = []
    for (let n = 0; n < 24; n++)
      events.push({
        type: 'response.output_text.delta',
        item_id: ['msg_a', 'msg_b', 'msg_"c"'][Math.floor(n / 4) % 3] as string,
        output_index: Math.floor(n / 2) % 2,
        content_index: n % 3 === 0 ? 1 : 0,
        delta: `d${n}`,
        logprobs: [],
        sequence_number: n,
      } as ResponseStreamEvent)
    for (const e of [...events, ...events.reverse()]) expect(eventText(e)).toBe(JSON.stringify(e))
  })

  it('writes a delta with its keys in another order, or with one more, as JSON.stringify does', () => {
    const base = { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'hi', logprobs: [], sequence_number: 4 }
    const reordered = { ...base, type: 'response.output_text.delta' } as ResponseStreamEvent
    const more = { type: 'response.output_text.delta', ...base, obfuscation: 'x' } as ResponseStreamEvent
    for (const e of [reordered, more]) expect(eventText(e)).toBe(JSON.stringify(e))
  })

  it('writes the deltas the encoder makes as JSON.stringify does, and other events by it', () => {
    const encoder = createEncoder({ responseId: 'resp_1', model: 'm', createdAt: 0 })
    const events: ResponseStreamEvent[] = [...openResponse(encoder)]
    const stamp = (seq: number) => ({ runId: 'r', seq, time: 0 })
    events.push(...encode(encoder, { type: 'message.started', messageId: 'm', role: 'assistant', ...stamp(1) }))
    for (const [i, d] of ['a "quoted"', 'line\nbreak', '\u2028', 'é✓', ''].entries())
      events.push(
        ...encode(encoder, { type: 'message.delta', messageId: 'm', delta: d, channel: 'output', ...stamp(i + 2) }),
      )
    const deltas = events.filter((e) => e.type === 'response.output_text.delta')
    expect(deltas.length).toBeGreaterThan(3)
    for (const e of events) expect(eventText(e)).toBe(JSON.stringify(e))
  })
})
