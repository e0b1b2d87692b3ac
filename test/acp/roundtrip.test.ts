import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { createDecoder, decode, end } from '../../src/dialects/acp/decode.js'
import { createEncoder, encode } from '../../src/dialects/acp/encode.js'
import { RunOutputStreamData } from '../../src/dialects/acp/wire.js'

/** JSON values as they come off the wire (JSON has no -0: it arrives as 0). */
const wireJson = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown)

const chunks = fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 })
const word = fc.stringMatching(/^[a-z]{1,8}$/)

/** A turn: answers (each streamed), maybe an artifact, and an ending. */
const turn = fc
  .record({
    answers: fc.array(chunks, { maxLength: 3 }),
    ending: fc.oneof(
      fc.constant({ kind: 'completed' as const }),
      fc.record({ kind: fc.constant('failed' as const), message: fc.string({ minLength: 1 }) }),
      fc.record({ kind: fc.constant('input' as const), question: fc.string({ minLength: 1 }) }),
      fc.record({ kind: fc.constant('typed' as const), type: word, payload: fc.dictionary(word, wireJson) }),
      fc.constant({ kind: 'canceled' as const }),
    ),
    usage: fc.option(fc.tuple(fc.nat(100), fc.nat(100)), { nil: undefined }),
  })
  .map(({ answers, ending, usage }) => {
    const events: AgentEvent[] = [{ type: 'run.status', status: 'working' }]
    answers.forEach((deltas, i) => {
      const id = `m${i}`
      events.push({ type: 'message.started', messageId: id, role: 'assistant' })
      for (const d of deltas) events.push({ type: 'message.delta', messageId: id, delta: d, channel: 'output' })
      events.push({
        type: 'message.completed',
        message: { id, role: 'assistant', parts: [{ type: 'text', text: deltas.join('') }] },
      })
    })
    if (usage) events.push({ type: 'usage', inputTokens: usage[0], outputTokens: usage[1] })
    if (ending.kind === 'completed') events.push({ type: 'run.completed' })
    else if (ending.kind === 'failed')
      events.push({ type: 'run.failed', error: { code: 'agent_error', message: ending.message } })
    else if (ending.kind === 'canceled') events.push({ type: 'run.canceled' })
    else {
      const question =
        ending.kind === 'input'
          ? {
              message: {
                id: 'q',
                role: 'assistant' as const,
                parts: [{ type: 'text' as const, text: ending.question }],
              },
            }
          : {}
      const typed = ending.kind === 'typed' ? { interruptType: ending.type, payload: ending.payload } : {}
      events.push({ type: 'interrupt', interruptId: 'i', reason: 'input', callIds: [], ...question, ...typed })
      events.push({ type: 'run.status', status: 'input_required' })
    }
    return events
  })

const stamp = (events: AgentEvent[]) => events.map((e, i) => ({ ...e, runId: 'run', seq: i + 1, time: 0 }) as RunEvent)

function roundTrip(events: AgentEvent[], custom: boolean): AgentEvent[] {
  const encoder = createEncoder({ runId: 'run-uuid', modes: { values: !custom, custom } })
  const wire = stamp(events).flatMap((e) => encode(encoder, e))
  const decoder = createDecoder({ runId: 'run-uuid', output: { messages: '/messages' }, canonical: custom })
  const out = wire.flatMap((w) => decode(decoder, RunOutputStreamData.parse(JSON.parse(JSON.stringify(w)))))
  // A values stream that ends without a terminal event completes through /wait in the client.
  return decoder.done ? out : [...out, ...end(decoder)]
}

/** What the values mode carries: the answers' texts in order, and how the turn ended. */
function carried(events: AgentEvent[]) {
  const texts: string[] = []
  let ending = ''
  for (const e of events) {
    if (e.type === 'message.completed' && e.message.role === 'assistant') {
      const text = e.message.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')
      if (text) texts.push(text)
    }
    if (e.type === 'run.completed') ending = 'completed'
    if (e.type === 'run.failed') ending = `failed:${e.error.message}`
    if (e.type === 'run.canceled') ending = 'canceled'
    if (e.type === 'interrupt')
      ending = `interrupt:${e.interruptType ?? 'input'}:${JSON.stringify(e.payload ?? { question: e.message?.parts.map((p) => (p.type === 'text' ? p.text : '')).join('') })}`
  }
  return { texts, ending }
}

describe('round trip canonical → ACP → canonical', () => {
  it('custom mode carries every event as it is', () => {
    fc.assert(
      fc.property(turn, (events) => {
        expect(roundTrip(events, true)).toEqual(events)
      }),
      { numRuns: 300 },
    )
  })

  it('values mode keeps the answers (the last one in `text` of each snapshot) and how the turn ended', () => {
    fc.assert(
      fc.property(turn, (events) => {
        const back = carried(roundTrip(events, false))
        const sent = carried(events)
        // Values hold every answer; the decoder reads the latest, so it sees each answer as it grows.
        expect(back.ending).toBe(sent.ending)
        expect(back.texts.join('')).toBe(sent.texts.join(''))
      }),
      { numRuns: 300 },
    )
  })

  it('values mode: a new answer whose text extends the previous one is still a new answer', () => {
    const say = (id: string, text: string): AgentEvent[] => [
      { type: 'message.started', messageId: id, role: 'assistant' },
      { type: 'message.delta', messageId: id, delta: text, channel: 'output' },
      { type: 'message.completed', message: { id, role: 'assistant', parts: [{ type: 'text', text }] } },
    ]
    const events: AgentEvent[] = [
      { type: 'run.status', status: 'working' },
      ...say('m0', '2'),
      ...say('m1', '2  '),
      { type: 'run.completed' },
    ]
    expect(carried(roundTrip(events, false)).texts).toEqual(['2', '2  '])
  })
})
