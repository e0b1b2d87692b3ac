// The encoder writes the deltas of a message's text in a row without looking its item up again: whatever comes in
// between (another message, reasoning, a tool call) sends the next delta back the long way, into the right item.
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { createEncoder, encode, openResponse } from '../../src/dialects/responses/encode.js'
import type { ResponseStreamEvent } from '../../src/dialects/responses/wire.js'

const text = (messageId: string, delta: string): AgentEvent => ({
  type: 'message.delta',
  messageId,
  delta,
  channel: 'output',
})

function run(events: AgentEvent[]): ResponseStreamEvent[] {
  const encoder = createEncoder({ responseId: 'resp_1', model: 'm', createdAt: 0 })
  const out = [...openResponse(encoder)]
  events.forEach((e, i) => {
    out.push(...encode(encoder, { ...e, runId: 'run_1', seq: i + 1, time: 0 } as RunEvent))
  })
  return out
}

/** Each output_text.delta as `item_id content_index: delta`. */
const deltas = (events: ResponseStreamEvent[]) =>
  events.flatMap((e) =>
    e.type === 'response.output_text.delta' ? [`${e.item_id} ${e.content_index}: ${e.delta}`] : [],
  )

const done = (events: ResponseStreamEvent[]) =>
  events.flatMap((e) =>
    e.type === 'response.output_item.done' && e.item.type === 'message'
      ? [
          `${e.item.id} @${e.output_index}: ${e.item.content.map((c) => (c.type === 'output_text' ? c.text : '?')).join('|')}`,
        ]
      : [],
  )

describe('Responses encoder: a run of text deltas', () => {
  it('deltas of two messages in turns each land in their own item, numbered in order', () => {
    const events = run([
      { type: 'run.status', status: 'working' },
      text('m1', 'a'),
      text('m1', 'b'),
      text('m2', 'x'),
      text('m1', 'c'),
      text('m2', 'y'),
      text('m2', 'z'),
      { type: 'message.completed', message: { id: 'm1', role: 'assistant', parts: [{ type: 'text', text: 'abc' }] } },
      { type: 'message.completed', message: { id: 'm2', role: 'assistant', parts: [{ type: 'text', text: 'xyz' }] } },
      { type: 'run.completed' },
    ])
    expect(deltas(events)).toEqual([
      'msg_m1 0: a',
      'msg_m1 0: b',
      'msg_m2 0: x',
      'msg_m1 0: c',
      'msg_m2 0: y',
      'msg_m2 0: z',
    ])
    expect(done(events)).toEqual(['msg_m1 @0: abc', 'msg_m2 @1: xyz'])
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
  })

  it('reasoning in between is its own item, closed before the text goes on in the message', () => {
    const events = run([
      { type: 'run.status', status: 'working' },
      text('m1', 'a'),
      { type: 'message.delta', messageId: 'm1', delta: 'hmm', channel: 'reasoning' },
      text('m1', 'b'),
      text('m1', 'c'),
      { type: 'run.completed' },
    ])
    const item = (e: ResponseStreamEvent) =>
      'item_id' in e ? ` ${e.item_id}` : 'item' in e && e.item.type !== 'message' ? ` ${e.item.id}` : ''
    expect(events.map((e) => `${e.type}${item(e)}${'delta' in e ? ` ${e.delta}` : ''}`).slice(2, -1)).toEqual([
      'response.output_item.added',
      'response.content_part.added msg_m1',
      'response.output_text.delta msg_m1 a',
      'response.output_item.added rs_m1',
      'response.content_part.added rs_m1',
      'response.reasoning_text.delta rs_m1 hmm',
      'response.reasoning_text.done rs_m1',
      'response.content_part.done rs_m1',
      'response.output_item.done rs_m1',
      'response.output_text.delta msg_m1 b',
      'response.output_text.delta msg_m1 c',
      'response.output_text.done msg_m1',
      'response.content_part.done msg_m1',
      'response.output_item.done',
    ])
    expect(done(events)).toEqual(['msg_m1 @0: abc'])
  })

  it('text after a refusal goes on in a new text part of the message, not lost', () => {
    const events = run([
      { type: 'run.status', status: 'working' },
      text('m1', 'a'),
      { type: 'message.delta', messageId: 'm1', delta: 'no', channel: 'refusal' },
      text('m1', 'b'),
      text('m1', 'c'),
      { type: 'run.completed' },
    ])
    expect(deltas(events)).toEqual(['msg_m1 0: a', 'msg_m1 2: b', 'msg_m1 2: c'])
    const item = events.findLast((e) => e.type === 'response.output_item.done')
    expect(item?.type === 'response.output_item.done' && item.item.type === 'message' && item.item.content).toEqual([
      { type: 'output_text', text: 'a', annotations: [], logprobs: [] },
      { type: 'refusal', refusal: 'no' },
      { type: 'output_text', text: 'bc', annotations: [], logprobs: [] },
    ])
  })

  it('the completed message after text, a refusal and more text adds only what was not streamed', () => {
    const completed = (text: string): AgentEvent => ({
      type: 'message.completed',
      message: { id: 'm1', role: 'assistant', parts: [{ type: 'text', text }] },
    })
    const refusal: AgentEvent = { type: 'message.delta', messageId: 'm1', delta: 'no', channel: 'refusal' }
    const whole = run([
      { type: 'run.status', status: 'working' },
      text('m1', 'OK. '),
      refusal,
      text('m1', 'OK'),
      completed('OK. OK'),
    ])
    expect(deltas(whole)).toEqual(['msg_m1 0: OK. ', 'msg_m1 2: OK'])
    const more = run([{ type: 'run.status', status: 'working' }, text('m1', 'a'), refusal, completed('a and b')])
    expect(deltas(more)).toEqual(['msg_m1 0: a', 'msg_m1 2:  and b'])
  })
})
