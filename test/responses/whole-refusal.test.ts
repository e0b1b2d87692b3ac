// A message.completed that carries a refusal the stream did not (all of it, or its end) puts it in the message's
// refusal part, next to the text and data that came with it: neither one is dropped for the other.
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createEncoder, encode, openResponse } from '../../src/dialects/responses/encode.js'
import type { ResponseStreamEvent } from '../../src/dialects/responses/wire.js'
import { specValidator } from '../helpers/contract.js'

let seq = 0
const stamp = <E extends object>(e: E) => ({ ...e, runId: 'run_1', seq: ++seq, time: 0 }) as unknown as RunEvent
const working = stamp({ type: 'run.status', status: 'working' })
const done = stamp({ type: 'run.completed' })
const completed = (message: object) =>
  stamp({ type: 'message.completed', message: { id: 'm1', role: 'assistant', ...message } })
const delta = (text: string, channel: 'output' | 'refusal') =>
  stamp({ type: 'message.delta', messageId: 'm1', delta: text, channel })

function run(events: RunEvent[]) {
  const spec = specValidator('responses')
  const encoder = createEncoder({ responseId: 'resp_1', model: 'demo', createdAt: 0 })
  const out: ResponseStreamEvent[] = [...openResponse(encoder), ...events.flatMap((e) => encode(encoder, e))]
  for (const e of out) expect(spec.errors('ResponseStreamEvent', e)).toBe('')
  const last = out.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>
  expect(last.type).toBe('response.completed')
  // What streamed adds up to what the final response holds, part by part.
  const parts = new Map<number, string>()
  for (const e of out) {
    if (e.type === 'response.output_text.delta' || e.type === 'response.refusal.delta')
      parts.set(e.content_index, (parts.get(e.content_index) ?? '') + e.delta)
  }
  return { out, content: (last.response.output[0] as { content: unknown[] }).content, parts }
}

describe('Responses face: a whole message with a refusal', () => {
  it('refusal and text: a refusal part, then a text part', () => {
    const { content, parts } = run([
      working,
      completed({ parts: [{ type: 'text', text: 'Here is why.' }], refusal: 'No.' }),
      done,
    ])
    expect(content).toEqual([
      { type: 'refusal', refusal: 'No.' },
      { type: 'output_text', text: 'Here is why.', annotations: [], logprobs: [] },
    ])
    expect([...parts.values()]).toEqual(['No.', 'Here is why.'])
  })

  it('refusal and data: the data is a text part after the refusal', () => {
    const { content } = run([working, completed({ parts: [{ type: 'data', data: { a: 1 } }], refusal: 'No.' }), done])
    expect(content).toEqual([
      { type: 'refusal', refusal: 'No.' },
      { type: 'output_text', text: '{"a":1}', annotations: [], logprobs: [] },
    ])
  })

  it('streamed text, a refusal only in the completed message: it follows the text', () => {
    const { content } = run([
      working,
      delta('Partly ', 'output'),
      completed({ parts: [{ type: 'text', text: 'Partly ' }], refusal: 'No more.' }),
      done,
    ])
    expect(content).toEqual([
      { type: 'output_text', text: 'Partly ', annotations: [], logprobs: [] },
      { type: 'refusal', refusal: 'No more.' },
    ])
  })

  it('a refusal streamed in part: the completed message adds what is missing, once', () => {
    const { content, out } = run([
      working,
      delta("I can't ", 'refusal'),
      completed({ parts: [], refusal: "I can't help with that." }),
      done,
    ])
    expect(content).toEqual([{ type: 'refusal', refusal: "I can't help with that." }])
    const deltas = out.filter((e) => e.type === 'response.refusal.delta').map((e) => (e as { delta: string }).delta)
    expect(deltas).toEqual(["I can't ", 'help with that.'])
  })

  it('a refusal streamed whole is not repeated', () => {
    const { content, out } = run([working, delta('No.', 'refusal'), completed({ parts: [], refusal: 'No.' }), done])
    expect(content).toEqual([{ type: 'refusal', refusal: 'No.' }])
    expect(out.filter((e) => e.type === 'response.refusal.delta')).toHaveLength(1)
  })
})
