// A refusal is its own canonical channel: the model declining is not its answer's text. Each dialect that has a
// place for it carries it there (Responses' refusal content part, TrueFoundry's `refusal`); a Responses upstream's
// refusal comes in on that channel.
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createDecoder as createOrqDecoder, decode as decodeOrq } from '../../src/dialects/orq/decode.js'
import { createDecoder, decode } from '../../src/dialects/responses/decode.js'
import { createEncoder, encode, openResponse } from '../../src/dialects/responses/encode.js'
import type { ResponseStreamEvent } from '../../src/dialects/responses/wire.js'
import { createResponseStream, encodeResponseStream } from '../../src/dialects/truefoundry/responses-encode.js'
import { encodeTurn } from '../../src/dialects/truefoundry/sessions-encode.js'
import { specValidator } from '../helpers/contract.js'
import { tfTurnEncoder } from '../helpers/encoders.js'

let seq = 0
const stamp = <E extends object>(e: E) => ({ ...e, runId: 'run_1', seq: ++seq, time: 0 }) as unknown as RunEvent
const REFUSAL = "I can't help with that."

const refusing: RunEvent[] = [
  stamp({ type: 'run.status', status: 'working' }),
  stamp({ type: 'message.started', messageId: 'm1', role: 'assistant' }),
  stamp({ type: 'message.delta', messageId: 'm1', delta: "I can't ", channel: 'refusal' }),
  stamp({ type: 'message.delta', messageId: 'm1', delta: 'help with that.', channel: 'refusal' }),
  stamp({
    type: 'message.completed',
    message: { id: 'm1', role: 'assistant', parts: [], refusal: REFUSAL },
  }),
  stamp({ type: 'run.completed' }),
]

describe('a refusal', () => {
  it('Responses face: a refusal content part with refusal deltas, valid for the spec', () => {
    const spec = specValidator('responses')
    const encoder = createEncoder({ responseId: 'resp_1', model: 'demo', createdAt: 0 })
    const events: ResponseStreamEvent[] = [...openResponse(encoder), ...refusing.flatMap((e) => encode(encoder, e))]
    for (const e of events) expect(spec.errors('ResponseStreamEvent', e)).toBe('')
    const types = events.map((e) => e.type)
    expect(types).toContain('response.refusal.delta')
    expect(types).toContain('response.refusal.done')
    expect(types).not.toContain('response.output_text.delta')
    const done = events.find((e) => e.type === 'response.completed') as Extract<
      ResponseStreamEvent,
      { type: 'response.completed' }
    >
    expect(done.response.output).toEqual([
      expect.objectContaining({ type: 'message', content: [{ type: 'refusal', refusal: REFUSAL }] }),
    ])
  })

  it('Responses face: a refusal that came whole is the message’s refusal part', () => {
    const encoder = createEncoder({ responseId: 'resp_1', model: 'demo', createdAt: 0 })
    openResponse(encoder)
    const whole = [refusing[0], refusing[4], refusing[5]] as RunEvent[]
    const events = whole.flatMap((e) => encode(encoder, e))
    const done = events.find((e) => e.type === 'response.completed') as Extract<
      ResponseStreamEvent,
      { type: 'response.completed' }
    >
    expect(done.response.output).toEqual([
      expect.objectContaining({ content: [{ type: 'refusal', refusal: REFUSAL }] }),
    ])
  })

  it('Responses upstream: response.refusal.delta comes in on the refusal channel', () => {
    const decoder = createDecoder()
    const out = decode(decoder, {
      type: 'response.refusal.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'No.',
      sequence_number: 3,
    } as never)
    expect(out.filter((e) => e.type === 'message.delta')).toEqual([
      expect.objectContaining({ type: 'message.delta', delta: 'No.', channel: 'refusal' }),
    ])
  })

  it('TrueFoundry face: `refusal` on the deltas and on the turn’s output (sessions), and on the fragments (responses)', () => {
    const spec = specValidator('truefoundry-sessions')
    const turn = tfTurnEncoder()
    const events = refusing.flatMap((e) => encodeTurn(turn, e))
    for (const e of events) expect(spec.errors('TurnStreamingEvent', e)).toBe('')
    const deltas = events.filter((e) => e.type === 'model.message.delta' && 'refusal' in e && e.refusal)
    expect(deltas.map((e) => (e as { refusal: string }).refusal).join('')).toBe(REFUSAL)
    const done = events.at(-1) as { state: { output: { refusal?: string } } }
    expect(done.state.output.refusal).toBe(REFUSAL)

    const responses = specValidator('truefoundry-responses')
    const stream = createResponseStream({ responseId: 'r1', rootExecution: 'e1', createdAt: 0, agentId: 'demo' })
    const fragments = refusing.flatMap((e) => encodeResponseStream(stream, e))
    for (const e of fragments) expect(responses.errors('AgentResponseStreamEvent', e)).toBe('')
    const refusal = fragments.map((e) => (e as { refusal?: string }).refusal ?? '').join('')
    expect(refusal).toBe(REFUSAL)
  })

  it('TrueFoundry face: a refusal that came whole (in the completed message only) is the message’s `refusal`, next to its text', () => {
    const whole = [
      refusing[0],
      stamp({
        type: 'message.completed',
        message: { id: 'm1', role: 'assistant', parts: [{ type: 'text', text: 'Why: policy.' }], refusal: REFUSAL },
      }),
      refusing[5],
    ] as RunEvent[]
    const spec = specValidator('truefoundry-sessions')
    for (const deltas of [true, false]) {
      const turn = tfTurnEncoder({ deltas })
      const events = whole.flatMap((e) => encodeTurn(turn, e))
      for (const e of events) expect(spec.errors('TurnStreamingEvent', e)).toBe('')
      const done = events.at(-1) as { state: { output: { refusal?: string; content?: string } } }
      expect(done.state.output).toMatchObject({ refusal: REFUSAL, content: 'Why: policy.' })
    }

    const responses = specValidator('truefoundry-responses')
    const stream = createResponseStream({ responseId: 'r1', rootExecution: 'e1', createdAt: 0, agentId: 'demo' })
    const fragments = whole.flatMap((e) => encodeResponseStream(stream, e))
    for (const e of fragments) expect(responses.errors('AgentResponseStreamEvent', e)).toBe('')
    expect(fragments.map((e) => (e as { refusal?: string }).refusal ?? '').join('')).toBe(REFUSAL)
  })

  it('Orq upstream: choice.message.refusal comes in on the refusal channel, a message of its own when no text holds it', () => {
    const decoder = createOrqDecoder()
    const thought = (refusal: string) =>
      decodeOrq(decoder, {
        type: 'event.agents.thought',
        timestamp: '2026-01-01T00:00:00Z',
        data: {
          agent_id: 'a1',
          message_difference: {},
          choice: { finish_reason: null, message: { role: 'assistant', refusal } },
          iteration: 1,
          accumulated_execution_time: 0,
        },
      })
    const first = thought("I can't ")
    const second = thought("I can't help with that.")
    const deltas = [...first, ...second].filter((e) => e.type === 'message.delta')
    expect(deltas.map((e) => (e as { delta: string; channel: string }).channel)).toEqual(['refusal', 'refusal'])
    expect(deltas.map((e) => (e as { delta: string }).delta).join('')).toBe(REFUSAL)
    expect(first[0]).toMatchObject({ type: 'message.started', role: 'assistant' })
  })
})
