// Reasoning from an Orq upstream (`choice.message.reasoning` on a thought) reaches the canonical run even when the
// message it belongs to has no text yet: a message of reasoning alone is not lost, and a message whose reasoning comes
// before its text stays one message (found by the chain property in test/unit/conservation.test.ts: Orq → ACP).
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { createDecoder, decode } from '../../src/dialects/orq/decode.js'
import { encode, openTask } from '../../src/dialects/orq/encode.js'
import { AgentStreamEvent } from '../../src/dialects/orq/wire.js'
import { readWire } from '../../src/upstream/index.js'
import { orqTaskEncoder } from '../helpers/encoders.js'

/** The run through the Orq face's encoder (a thought per change), then back through the Orq client's decoder. */
function roundTrip(events: object[]): AgentEvent[] {
  let seq = 0
  const run = events.map((e) => ({ ...e, runId: 'run_1', seq: ++seq, time: 0 }) as RunEvent)
  const encoder = orqTaskEncoder({ thoughts: 'change' })
  const wire = [...openTask(encoder), ...run.flatMap((e) => encode(encoder, e))]
  const decoder = createDecoder()
  return wire.flatMap((w) =>
    decode(decoder, readWire('test', AgentStreamEvent, JSON.parse(JSON.stringify(w)), 'event')),
  )
}

const completed = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'message.completed' ? [e.message] : []))
const started = (events: AgentEvent[]) => events.filter((e) => e.type === 'message.started')

describe('reasoning from an Orq upstream', () => {
  it('a message of reasoning alone comes back with its reasoning', () => {
    const events = roundTrip([
      { type: 'run.status', status: 'working' },
      {
        type: 'message.completed',
        message: { id: 'm0', role: 'assistant', parts: [], reasoning: 'Thinking it over.' },
      },
      { type: 'run.completed' },
    ])
    expect(completed(events)).toEqual([{ id: 'm0', role: 'assistant', parts: [], reasoning: 'Thinking it over.' }])
  })

  it('reasoning streamed before the text: one message, started once, with its reasoning and its text', () => {
    const events = roundTrip([
      { type: 'run.status', status: 'working' },
      { type: 'message.started', messageId: 'm0', role: 'assistant' },
      { type: 'message.delta', messageId: 'm0', delta: 'Think', channel: 'reasoning' },
      { type: 'message.delta', messageId: 'm0', delta: ' harder', channel: 'reasoning' },
      { type: 'message.delta', messageId: 'm0', delta: 'Hi', channel: 'output' },
      {
        type: 'message.completed',
        message: { id: 'm0', role: 'assistant', parts: [{ type: 'text', text: 'Hi' }], reasoning: 'Think harder' },
      },
      { type: 'run.completed' },
    ])
    expect(started(events)).toHaveLength(1)
    const reasoning = events.flatMap((e) => (e.type === 'message.delta' && e.channel === 'reasoning' ? [e.delta] : []))
    expect(reasoning.join('')).toBe('Think harder')
    expect(completed(events)).toEqual([
      { id: 'm0', role: 'assistant', parts: [{ type: 'text', text: 'Hi' }], reasoning: 'Think harder' },
    ])
  })
})
