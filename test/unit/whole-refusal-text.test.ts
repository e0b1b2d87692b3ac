// Dialects with no refusal part (A2A, ACP, Orq) carry a refusal as the answer's text (their loss tables say so):
// a refusal that arrives whole, in the completed message only, is that text too, not lost.
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createEncoder as createA2A, encode as encodeA2A } from '../../src/dialects/a2a/encode.js'
import { createEncoder as createAcp, encode as encodeAcp, valuesSnapshot } from '../../src/dialects/acp/encode.js'
import { encode as encodeOrq, openTask } from '../../src/dialects/orq/encode.js'
import { orqTaskEncoder } from '../helpers/encoders.js'

const REFUSAL = 'I decline to answer that.'
let seq = 0
const stamp = <E extends object>(e: E) => ({ ...e, runId: 'run_1', seq: ++seq, time: 0 }) as unknown as RunEvent
const whole = [
  stamp({ type: 'run.status', status: 'working' }),
  stamp({ type: 'message.completed', message: { id: 'm1', role: 'assistant', parts: [], refusal: REFUSAL } }),
  stamp({ type: 'run.completed' }),
]
const streamed = [
  whole[0] as RunEvent,
  stamp({ type: 'message.started', messageId: 'm1', role: 'assistant' }),
  stamp({ type: 'message.delta', messageId: 'm1', delta: REFUSAL, channel: 'refusal' }),
  ...whole.slice(1),
]

describe('a refusal that came whole, where the dialect has no refusal part', () => {
  it('A2A: the answer text', () => {
    const encoder = createA2A({ taskId: 't1', contextId: 'c1' })
    const out = whole.flatMap((e) => encodeA2A(encoder, e))
    expect(JSON.stringify(out)).toContain(REFUSAL)
  })

  it('ACP values: the answer text, whole or streamed (the completed message does not wipe it)', () => {
    for (const events of [whole, streamed]) {
      const encoder = createAcp({ runId: 'r1' })
      for (const e of events) encodeAcp(encoder, e)
      expect(JSON.stringify(valuesSnapshot(encoder))).toContain(REFUSAL)
    }
  })

  it('Orq: the agent message text', () => {
    const encoder = orqTaskEncoder({ thoughts: 'change' })
    const out = [...openTask(encoder), ...whole.flatMap((e) => encodeOrq(encoder, e))]
    expect(JSON.stringify(out)).toContain(REFUSAL)
  })
})
