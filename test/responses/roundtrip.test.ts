import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { createDecoder, decode } from '../../src/dialects/responses/decode.js'
import { createEncoder, encode, openResponse } from '../../src/dialects/responses/encode.js'
import { ResponseErrorCode, ResponseStreamEvent } from '../../src/dialects/responses/wire.js'

/** What the Responses dialect carries of a canonical turn; the round trip must keep all of it. */
interface Carried {
  deltas: string[]
  messages: Record<string, { text: string; reasoning: string; commentary: boolean }>
  calls: string[]
  results: Record<string, { output: string; isError: boolean }>
  usage: [number, number, number, number]
  ending: string
}

function carried(events: AgentEvent[]): Carried {
  const c: Carried = { deltas: [], messages: {}, calls: [], results: {}, usage: [0, 0, 0, 0], ending: '' }
  const message = (id: string) => (c.messages[id] ??= { text: '', reasoning: '', commentary: false })
  for (const e of events) {
    switch (e.type) {
      case 'message.started':
        if (e.phase === 'commentary') message(e.messageId).commentary = true
        break
      case 'message.delta':
        c.deltas.push(`${e.channel}:${e.messageId}:${e.delta}`)
        break
      case 'message.completed': {
        const m = message(e.message.id)
        m.text += e.message.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')
        m.reasoning += e.message.reasoning ?? ''
        break
      }
      case 'tool.call.started':
        c.calls.push(
          `start:${e.callId}:${e.name}:${e.tool?.clientSide === false ? `server:${e.tool.server}` : 'client'}`,
        )
        break
      case 'tool.call.delta':
        c.calls.push(`delta:${e.callId}:${e.delta}`)
        break
      case 'tool.call.completed':
        c.calls.push(`done:${e.callId}:${e.name}:${e.arguments}`)
        break
      case 'tool.result':
        c.results[e.callId] = { output: typeof e.output === 'string' ? e.output : '', isError: e.isError ?? false }
        break
      case 'usage':
        c.usage = [
          c.usage[0] + e.inputTokens,
          c.usage[1] + e.outputTokens,
          c.usage[2] + (e.reasoningTokens ?? 0),
          c.usage[3] + (e.cachedTokens ?? 0),
        ]
        break
      case 'interrupt':
        c.ending = `interrupt:${e.reason}:${e.callIds.join(',')}`
        break
      case 'run.completed':
        c.ending = 'completed'
        break
      case 'run.failed':
        c.ending = `failed:${e.error.code}:${e.error.message}`
        break
    }
  }
  return c
}

const text = fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 })
const id = fc.stringMatching(/^[a-z0-9_]{1,10}$/)

const messageBlock = fc.record({
  kind: fc.constant('message' as const),
  id,
  reasoning: fc.option(text, { nil: undefined }),
  output: text,
  commentary: fc.boolean(),
})
const clientCall = fc.record({
  kind: fc.constant('client' as const),
  id,
  name: fc.stringMatching(/^[a-z_]{1,12}$/),
  args: fc.json(),
  chunks: fc.integer({ min: 1, max: 4 }),
})
const serverCall = fc.record({
  kind: fc.constant('server' as const),
  id,
  name: fc.stringMatching(/^[a-z_]{1,12}$/),
  server: fc.stringMatching(/^[a-z]{1,8}$/),
  args: fc.json(),
  output: fc.string(),
  isError: fc.boolean(),
})
const ending = fc.oneof(
  fc.constant({ kind: 'completed' as const }),
  fc.record({
    kind: fc.constant('failed' as const),
    code: fc.constantFrom(...ResponseErrorCode.options),
    message: fc.string({ minLength: 1 }),
  }),
)
const usage = fc.option(fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(100), fc.nat(100)), { nil: undefined })

const turn = fc
  .record({ blocks: fc.array(fc.oneof(messageBlock, clientCall, serverCall), { maxLength: 6 }), ending, usage })
  .map(({ blocks, ending, usage }) => {
    const events: AgentEvent[] = [{ type: 'run.status', status: 'working' }]
    const clientCalls: string[] = []
    blocks.forEach((b, i) => {
      const uid = `${b.id}${i}`
      if (b.kind === 'message') {
        events.push({
          type: 'message.started',
          messageId: uid,
          role: 'assistant',
          ...(b.commentary ? { phase: 'commentary' as const } : {}),
        })
        for (const d of b.reasoning ?? [])
          events.push({ type: 'message.delta', messageId: uid, delta: d, channel: 'reasoning' })
        for (const d of b.output) events.push({ type: 'message.delta', messageId: uid, delta: d, channel: 'output' })
        const reasoning = b.reasoning?.join('')
        events.push({
          type: 'message.completed',
          message: {
            id: uid,
            role: 'assistant',
            parts: [{ type: 'text', text: b.output.join('') }],
            ...(reasoning ? { reasoning } : {}),
            ...(b.commentary ? { phase: 'commentary' as const } : {}),
          },
        })
      } else {
        const args = b.args
        const tool = b.kind === 'client' ? { clientSide: true } : { server: b.server, clientSide: false }
        events.push({ type: 'tool.call.started', callId: uid, name: b.name, tool })
        const size = Math.ceil(args.length / (b.kind === 'client' ? b.chunks : 1)) || 1
        for (let at = 0; at < args.length; at += size)
          events.push({ type: 'tool.call.delta', callId: uid, delta: args.slice(at, at + size) })
        events.push({ type: 'tool.call.completed', callId: uid, name: b.name, arguments: args, tool })
        if (b.kind === 'server')
          events.push({ type: 'tool.result', callId: uid, output: b.output, ...(b.isError ? { isError: true } : {}) })
        else clientCalls.push(uid)
      }
    })
    if (usage)
      events.push({
        type: 'usage',
        inputTokens: usage[0],
        outputTokens: usage[1],
        reasoningTokens: usage[2],
        cachedTokens: usage[3],
      })
    if (ending.kind === 'failed')
      events.push({ type: 'run.failed', error: { code: ending.code, message: ending.message } })
    else if (clientCalls.length) {
      events.push({ type: 'interrupt', interruptId: 'int', reason: 'client_tool', callIds: clientCalls })
      events.push({ type: 'run.status', status: 'input_required' })
    } else events.push({ type: 'run.completed' })
    return events
  })

/** canonical → Responses wire (through JSON, validated by zod) → canonical. */
function roundTrip(events: AgentEvent[]): AgentEvent[] {
  const encoder = createEncoder({ responseId: 'resp_x', model: 'm', createdAt: 0 })
  const wire = [...openResponse(encoder)]
  events.forEach((e, i) => wire.push(...encode(encoder, { ...e, runId: 'run', seq: i + 1, time: 0 } as RunEvent)))
  const decoder = createDecoder()
  return wire.flatMap((w) => decode(decoder, ResponseStreamEvent.parse(JSON.parse(JSON.stringify(w)))))
}

describe('round trip canonical → Responses → canonical', () => {
  it('keeps everything Responses carries', () => {
    fc.assert(
      fc.property(turn, (events) => {
        expect(carried(roundTrip(events))).toEqual(carried(events))
      }),
      { numRuns: 500 },
    )
  })

  it('keeps argument strings byte for byte (no re-serialisation)', () => {
    const args = '{ "b" : 1,\n  "a":[2,  3] }'
    const events: AgentEvent[] = [
      { type: 'run.status', status: 'working' },
      { type: 'tool.call.started', callId: 'c1', name: 'f', tool: { clientSide: true } },
      { type: 'tool.call.completed', callId: 'c1', name: 'f', arguments: args, tool: { clientSide: true } },
      { type: 'interrupt', interruptId: 'i', reason: 'client_tool', callIds: ['c1'] },
      { type: 'run.status', status: 'input_required' },
    ]
    const back = roundTrip(events).find((e) => e.type === 'tool.call.completed')
    expect(back).toMatchObject({ arguments: args })
  })
})
