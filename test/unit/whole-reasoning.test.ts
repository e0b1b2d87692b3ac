// Reasoning that comes with a completed message only (no reasoning deltas before it) goes out where the dialect's
// reasoning deltas go: TrueFoundry's `reasoning_content` on the message's fragment, Orq's `choice.message.reasoning`
// on the next thought and its `/responses` reasoning part. Reasoning that was streamed is not sent twice. (Orq's
// `/responses` also carries a refusal that came whole, as text.)
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { encode as encodeOrq, openTask } from '../../src/dialects/orq/encode.js'
import { createResponseEncoder, encodeResponse, openAgentResponse } from '../../src/dialects/orq/response-encode.js'
import { createResponseStream, encodeResponseStream } from '../../src/dialects/truefoundry/responses-encode.js'
import { specValidator } from '../helpers/contract.js'
import { orqTaskEncoder } from '../helpers/encoders.js'

const REASONING = 'Because the user asked twice.'
let seq = 0
const stamp = <E extends object>(e: E) => ({ ...e, runId: 'run_1', seq: ++seq, time: 0 }) as unknown as RunEvent
const completed = stamp({
  type: 'message.completed',
  message: { id: 'm1', role: 'assistant', parts: [{ type: 'text', text: 'Answer.' }], reasoning: REASONING },
})
const whole = [stamp({ type: 'run.status', status: 'working' }), completed, stamp({ type: 'run.completed' })]
const streamed = [
  whole[0] as RunEvent,
  stamp({ type: 'message.started', messageId: 'm1', role: 'assistant' }),
  stamp({ type: 'message.delta', messageId: 'm1', delta: REASONING, channel: 'reasoning' }),
  stamp({ type: 'message.delta', messageId: 'm1', delta: 'Answer.', channel: 'output' }),
  completed,
  whole[2] as RunEvent,
]
const count = (text: string) => text.split(REASONING).length - 1

const orq = (events: RunEvent[]) => {
  const encoder = orqTaskEncoder()
  const out = [...openTask(encoder), ...events.flatMap((e) => encodeOrq(encoder, e))]
  for (const e of out) expect(specValidator('orq').errors('AgentStreamEvent', e)).toBe('')
  return out
}

describe('reasoning that came whole, with the completed message', () => {
  it('TrueFoundry responses stream: reasoning_content on the message’s fragment', () => {
    const spec = specValidator('truefoundry-responses')
    const stream = createResponseStream({ responseId: 'r1', rootExecution: 'e1', createdAt: 0, agentId: 'demo' })
    const fragments = whole.flatMap((e) => encodeResponseStream(stream, e))
    for (const e of fragments) expect(spec.errors('AgentResponseStreamEvent', e)).toBe('')
    const reasoning = fragments.map((e) => (e as { reasoning_content?: string }).reasoning_content ?? '').join('')
    expect(reasoning).toBe(REASONING)
  })

  it('Orq: on the next thought’s choice.message.reasoning; streamed reasoning is not added again', () => {
    const thought = (out: ReturnType<typeof orq>) =>
      out.filter((e) => e.type === 'event.agents.thought').at(-1) as { data: { choice: { message: object } } }
    expect(thought(orq(whole)).data.choice.message).toMatchObject({ reasoning: REASONING })
    expect(count(JSON.stringify(thought(orq(streamed)).data.choice.message))).toBe(1)
  })

  it('Orq /responses: a reasoning part (part.delta, part.done); a refusal that came whole is the message text', () => {
    const run = (events: RunEvent[]) => {
      const encoder = createResponseEncoder({ responseId: 'r1', taskId: 't1', workflowRunId: 'w1', model: 'm' })
      const out = [...openAgentResponse(encoder), ...events.flatMap((e) => encodeResponse(encoder, e))]
      for (const e of out) expect(specValidator('orq').errors('ResponseStreamEvent', e)).toBe('')
      return out
    }
    const parts = (out: ReturnType<typeof run>, kind: string) =>
      out.flatMap((e) => {
        const part = e.type === 'part.done' ? (e.data as { part: { kind: string } }).part : undefined
        return part?.kind === kind ? [part] : []
      })
    expect(parts(run(whole), 'reasoning')).toEqual([expect.objectContaining({ reasoning: REASONING })])
    expect(count(JSON.stringify(run(streamed)))).toBe(2) // its one delta and its part.done
    const refused = run([
      whole[0] as RunEvent,
      stamp({ type: 'message.completed', message: { id: 'm2', role: 'assistant', parts: [], refusal: 'No.' } }),
      whole[2] as RunEvent,
    ])
    expect(parts(refused, 'text')).toEqual([expect.objectContaining({ text: 'No.' })])
  })
})
