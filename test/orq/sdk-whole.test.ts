// The official Orq SDK (@orq-ai/node) reads what an agent says whole (in its completed message only): reasoning, a
// refusal, text and a data part. The SDK zod-validates every event it reads, so a stream that iterates to its end is
// one a real Orq client accepts; the loss table (src/dialects/orq/loss.ts) says where each goes: reasoning on the
// thought's `choice.message.reasoning` (a `reasoning` part on /responses), the refusal as the message's text, data as
// a `data` part.
import { Orq } from '@orq-ai/node'
import type { ResponseStreamingEvent } from '@orq-ai/node/models/components/index.js'
import type { StreamAgentResponseBody } from '@orq-ai/node/models/operations/streamagent.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { scriptedAgent, startBridge } from '../helpers/bridge.js'

const REASONING = 'The user asks for something I must not do.'
const REFUSAL = "I can't help with that."
const TEXT = 'Policy 7 forbids it.'

const wholeAgent = scriptedAgent('whole', async function* (): AsyncGenerator<AgentEvent> {
  yield { type: 'run.status', status: 'working' }
  yield {
    type: 'message.completed',
    message: {
      id: 'm1',
      role: 'assistant',
      parts: [
        { type: 'text', text: TEXT },
        { type: 'data', data: { policy: 7 } },
      ],
      refusal: REFUSAL,
      reasoning: REASONING,
    },
  }
  yield { type: 'run.completed' }
})

type Event = StreamAgentResponseBody['data']
const userMessage = (text: string) => ({ role: 'user' as const, parts: [{ kind: 'text' as const, text }] })

describe('@orq-ai/node: what an agent says whole', () => {
  let bridge: RunningBridge
  let orq: Orq
  beforeAll(async () => {
    bridge = await startBridge({ agents: [wholeAgent] })
    orq = new Orq({ serverURL: `${bridge.url}/orq`, apiKey: 'k' })
  })
  afterAll(() => bridge.close())

  it('agents.stream: a thought carries the reasoning, the refusal and the text, and the data part', async () => {
    const events: Event[] = []
    for await (const e of await orq.agents.stream({ message: userMessage('may I?') }, 'whole')) events.push(e.data)
    const thoughts = events.flatMap((e) => (e.type === 'event.agents.thought' ? [e.data] : []))
    expect(thoughts.map((t) => t.choice?.message.reasoning)).toContain(REASONING)
    const parts = thoughts.flatMap((t) => Object.values(t.messageDifference).flatMap((m) => m.parts))
    const texts = parts.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join(' ')
    expect(texts).toContain(REFUSAL)
    expect(texts).toContain(TEXT)
    expect(parts).toContainEqual(expect.objectContaining({ kind: 'data', data: { policy: 7 } }))
    expect(events.at(-1)?.type).toBe('event.agents.inactive')
  })

  it('agents.responses.create (streamed): a reasoning part, the refusal and the text as text, the data part', async () => {
    const stream = await orq.agents.responses.create({ message: userMessage('may I?'), stream: true }, 'whole')
    const events: ResponseStreamingEvent[] = []
    for await (const e of stream as AsyncIterable<{ data?: ResponseStreamingEvent }>) if (e.data) events.push(e.data)
    const done = events.flatMap((e) => (e.type === 'part.done' ? [e.data.part] : []))
    expect(done).toContainEqual(expect.objectContaining({ kind: 'reasoning', reasoning: REASONING }))
    const texts = done.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join(' ')
    expect(texts).toContain(REFUSAL)
    expect(texts).toContain(TEXT)
    expect(done).toContainEqual(expect.objectContaining({ kind: 'data', data: { policy: 7 } }))
    expect(events.at(-1)?.type).toBe('response.done')
  })
})
