// A Responses upstream sends a message with reasoning as two items, `rs_X` then `msg_X` (as the bridge's own face
// does): the decoder makes them one canonical message, completed once with its reasoning and its text. A reasoning
// item followed by anything else is a message of its own, completed before what follows.
import { describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import { createDecoder, decode } from '../../src/dialects/responses/decode.js'
import { StreamEventIn } from '../../src/dialects/responses/reading.js'

let seq = 0
const read = (events: object[]): AgentEvent[] => {
  const decoder = createDecoder()
  return events.flatMap((e) => decode(decoder, StreamEventIn.parse({ ...e, sequence_number: ++seq })))
}
const created = { type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } }
const reasoningItem = (status: string, text = '') => ({
  type: status === 'done' ? 'response.output_item.done' : 'response.output_item.added',
  output_index: 0,
  item: {
    type: 'reasoning',
    id: 'rs_X',
    summary: [],
    ...(text ? { content: [{ type: 'reasoning_text', text }] } : {}),
  },
})
const messageItem = (status: string, text = '') => ({
  type: status === 'done' ? 'response.output_item.done' : 'response.output_item.added',
  output_index: 1,
  item: {
    type: 'message',
    id: 'msg_X',
    role: 'assistant',
    status: status === 'done' ? 'completed' : 'in_progress',
    content: text ? [{ type: 'output_text', text, annotations: [] }] : [],
  },
})
const completed = { type: 'response.completed', response: { id: 'resp_1', status: 'completed' } }
const completions = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'message.completed' ? [e.message] : []))

describe('Responses upstream: a reasoning item', () => {
  it('followed by the message item of the same message: one message, completed once', () => {
    const events = read([
      created,
      reasoningItem('added'),
      { type: 'response.reasoning_text.delta', item_id: 'rs_X', output_index: 0, content_index: 0, delta: 'Think.' },
      reasoningItem('done', 'Think.'),
      messageItem('added'),
      { type: 'response.output_text.delta', item_id: 'msg_X', output_index: 1, content_index: 0, delta: 'Answer.' },
      messageItem('done', 'Answer.'),
      completed,
    ])
    expect(completions(events)).toEqual([
      { id: 'X', role: 'assistant', parts: [{ type: 'text', text: 'Answer.' }], reasoning: 'Think.' },
    ])
    expect(events.at(-1)).toEqual({ type: 'run.completed' })
  })

  it('followed by anything else: its own message, completed before what follows', () => {
    const events = read([created, reasoningItem('added'), reasoningItem('done', 'Think.'), completed])
    expect(completions(events)).toEqual([{ id: 'X', role: 'assistant', parts: [], reasoning: 'Think.' }])
    const types = events.map((e) => e.type)
    expect(types.indexOf('message.completed')).toBeLessThan(types.indexOf('run.completed'))
  })
})
