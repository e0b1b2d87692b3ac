import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { fromV03Event, toV03Event } from '../../src/dialects/a2a/compat.js'
import { createDecoder, decode } from '../../src/dialects/a2a/decode.js'
import { createEncoder, encode } from '../../src/dialects/a2a/encode.js'
import { StreamResponse, V03StreamEvent } from '../../src/dialects/a2a/wire.js'

/** JSON values as they come off the wire (JSON has no -0: it arrives as 0). */
const wireJson = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown)

/** What A2A carries of a canonical turn (see the A2A loss table): the round trip must keep all of it. */
function carried(events: AgentEvent[]) {
  const c = {
    deltas: [] as string[],
    texts: {} as Record<string, string>,
    reasoning: {} as Record<string, string>,
    commentary: {} as Record<string, string>,
    calls: [] as string[],
    results: {} as Record<string, string>,
    artifacts: [] as string[],
    agents: [] as string[],
    usage: [0, 0, 0, 0],
    ending: '',
  }
  const text = (parts: { type: string; text?: string }[]) => parts.map((p) => p.text ?? '').join('')
  // Commentary and reasoning travel whole in A2A status messages; only the answer's chunks keep their deltas.
  const whole = new Set<string>()
  for (const e of events) {
    switch (e.type) {
      case 'message.started':
        if (e.phase === 'commentary') whole.add(e.messageId)
        break
      case 'message.delta':
        if (e.channel === 'output' && !whole.has(e.messageId)) c.deltas.push(`${e.messageId}:${e.delta}`)
        break
      case 'message.completed': {
        const m = e.message
        if (m.reasoning) c.reasoning[m.id] = m.reasoning
        const t = text(m.parts)
        if (m.phase === 'commentary') c.commentary[m.id] = t
        else if (t) c.texts[m.id] = t
        break
      }
      case 'tool.call.completed':
        c.calls.push(
          `${e.callId}:${e.name}:${e.arguments}:${e.tool?.clientSide === false ? `server:${e.tool.server ?? ''}` : 'client'}`,
        )
        break
      case 'tool.result':
        c.results[e.callId] = `${typeof e.output === 'string' ? e.output : ''}:${e.isError ?? false}`
        break
      case 'artifact.delta':
        c.artifacts.push(`${e.artifactId}:${e.name ?? ''}:${e.append}:${e.lastChunk}:${text(e.parts)}`)
        break
      case 'agent.started':
      case 'agent.completed':
        c.agents.push(`${e.type}:${e.executionId}`)
        break
      case 'usage':
        c.usage = [
          c.usage[0]! + e.inputTokens,
          c.usage[1]! + e.outputTokens,
          c.usage[2]! + (e.reasoningTokens ?? 0),
          c.usage[3]! + (e.cachedTokens ?? 0),
        ]
        break
      case 'interrupt':
        c.ending = `interrupt:${e.interruptId}:${e.reason}:${e.callIds.join(',')}:${e.interruptType ?? ''}:${e.message ? text(e.message.parts) : ''}:${JSON.stringify(e.payload ?? null)}`
        break
      case 'run.completed':
        c.ending = `completed:${e.incomplete?.reason ?? ''}`
        break
      case 'run.failed':
        c.ending = `failed:${e.error.code}:${e.error.message}`
        break
      case 'run.canceled':
        c.ending = 'canceled'
        break
    }
  }
  return c
}

const chunks = fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 })
const word = fc.stringMatching(/^[a-z]{1,8}$/)

const block = fc.oneof(
  fc.record({
    kind: fc.constant('message' as const),
    output: chunks,
    reasoning: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
    commentary: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('server' as const),
    name: word,
    server: word,
    args: fc.json(),
    output: fc.string(),
    isError: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('artifact' as const), name: word, chunks }),
  fc.record({ kind: fc.constant('subagent' as const), name: word }),
)
const ending = fc.oneof(
  fc.record({
    kind: fc.constant('completed' as const),
    incomplete: fc.option(fc.constantFrom('max_output_tokens', 'content_filter'), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('failed' as const),
    code: fc.constantFrom('agent_error', 'rejected', 'upstream_failed'),
    message: fc.string({ minLength: 1 }),
  }),
  fc.record({
    kind: fc.constant('client_tool' as const),
    calls: fc.array(fc.record({ name: word, args: fc.json() }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('approval' as const),
    name: word,
    server: word,
    args: fc.json(),
    question: fc.string({ minLength: 1 }),
  }),
  fc.record({
    kind: fc.constant('input' as const),
    question: fc.string({ minLength: 1 }),
    payload: fc.option(wireJson, { nil: undefined }),
  }),
  fc.constant({ kind: 'canceled' as const }),
)

const turn = fc
  .record({
    blocks: fc.array(block, { maxLength: 5 }),
    ending,
    usage: fc.option(fc.tuple(fc.nat(500), fc.nat(500)), { nil: undefined }),
  })
  .map(({ blocks, ending, usage }) => {
    const events: AgentEvent[] = [{ type: 'run.status', status: 'working' }]
    blocks.forEach((b, i) => {
      const id = `b${i}`
      if (b.kind === 'message') {
        const phase = b.commentary ? { phase: 'commentary' as const } : {}
        events.push({ type: 'message.started', messageId: id, role: 'assistant', ...phase })
        if (b.reasoning) events.push({ type: 'message.delta', messageId: id, delta: b.reasoning, channel: 'reasoning' })
        for (const d of b.output) events.push({ type: 'message.delta', messageId: id, delta: d, channel: 'output' })
        events.push({
          type: 'message.completed',
          message: {
            id,
            role: 'assistant',
            parts: [{ type: 'text', text: b.output.join('') }],
            ...phase,
            ...(b.reasoning ? { reasoning: b.reasoning } : {}),
          },
        })
      } else if (b.kind === 'server') {
        const tool = { server: b.server, clientSide: false }
        events.push({ type: 'tool.call.started', callId: id, name: b.name, tool })
        events.push({ type: 'tool.call.completed', callId: id, name: b.name, arguments: b.args, tool })
        events.push({ type: 'tool.result', callId: id, output: b.output, ...(b.isError ? { isError: true } : {}) })
      } else if (b.kind === 'artifact') {
        b.chunks.forEach((t, j) =>
          events.push({
            type: 'artifact.delta',
            artifactId: id,
            name: b.name,
            parts: [{ type: 'text', text: t }],
            append: j > 0,
            lastChunk: j === b.chunks.length - 1,
          }),
        )
      } else {
        events.push({ type: 'agent.started', executionId: id, name: b.name })
        events.push({ type: 'agent.completed', executionId: id, name: b.name })
      }
    })
    if (usage) events.push({ type: 'usage', inputTokens: usage[0], outputTokens: usage[1] })
    const question = (text: string) => ({
      id: 'q',
      role: 'assistant' as const,
      parts: [{ type: 'text' as const, text }],
    })
    switch (ending.kind) {
      case 'completed':
        events.push({
          type: 'run.completed',
          ...(ending.incomplete ? { incomplete: { reason: ending.incomplete } } : {}),
        })
        break
      case 'failed':
        events.push({ type: 'run.failed', error: { code: ending.code, message: ending.message } })
        break
      case 'canceled':
        events.push({ type: 'run.canceled' })
        break
      case 'client_tool': {
        const ids = ending.calls.map((_, i) => `c${i}`)
        ending.calls.forEach((c, i) => {
          events.push({ type: 'tool.call.started', callId: `c${i}`, name: c.name, tool: { clientSide: true } })
          events.push({ type: 'tool.call.delta', callId: `c${i}`, delta: c.args })
          events.push({
            type: 'tool.call.completed',
            callId: `c${i}`,
            name: c.name,
            arguments: c.args,
            tool: { clientSide: true },
          })
        })
        events.push({
          type: 'interrupt',
          interruptId: 'i1',
          reason: 'client_tool',
          callIds: ids,
          interruptType: 'tools',
        })
        events.push({ type: 'run.status', status: 'input_required' })
        break
      }
      case 'approval': {
        const tool = { server: ending.server, clientSide: false, approvalRequired: true }
        events.push({ type: 'tool.call.started', callId: 'a1', name: ending.name, tool })
        events.push({ type: 'tool.call.completed', callId: 'a1', name: ending.name, arguments: ending.args, tool })
        events.push({
          type: 'interrupt',
          interruptId: 'i2',
          reason: 'approval',
          callIds: ['a1'],
          message: question(ending.question),
        })
        events.push({ type: 'run.status', status: 'input_required' })
        break
      }
      case 'input':
        events.push({
          type: 'interrupt',
          interruptId: 'i3',
          reason: 'input',
          callIds: [],
          message: question(ending.question),
          ...(ending.payload !== undefined ? { payload: ending.payload } : {}),
        })
        events.push({ type: 'run.status', status: 'input_required' })
        break
    }
    return events
  })

/** canonical → A2A (v1 JSON, or v0.3 JSON and back) → canonical, validating the wire with zod on the way. */
function roundTrip(events: AgentEvent[], version: '1.0' | '0.3'): AgentEvent[] {
  const encoder = createEncoder({ taskId: 'task', contextId: 'ctx' })
  const wire = events.flatMap((e, i) => encode(encoder, { ...e, runId: 'task', seq: i + 1, time: 0 } as RunEvent))
  const decoder = createDecoder()
  return wire.flatMap((w) => {
    const back =
      version === '1.0'
        ? StreamResponse.parse(JSON.parse(JSON.stringify(w)))
        : fromV03Event(V03StreamEvent.parse(JSON.parse(JSON.stringify(toV03Event(w)))))
    return decode(decoder, back)
  })
}

describe('round trip canonical → A2A → canonical', () => {
  it.each(['1.0', '0.3'] as const)('keeps everything A2A carries (v%s)', (version) => {
    fc.assert(
      fc.property(turn, (events) => {
        expect(carried(roundTrip(events, version))).toEqual(carried(events))
      }),
      { numRuns: 300 },
    )
  })
})
