// Nothing an agent says is lost on the way out: for any run of assistant messages (text, a refusal, reasoning, a data
// part; each streamed or whole, each maybe followed by a tool the agent runs and an artifact) and any ending (completed,
// or paused on a client tool, an approval or a question), every face's stream holds every text, refusal (as a refusal,
// or as text where its loss table says so), data and artifact text and, where its loss table carries them, every
// reasoning, tool call (name, arguments, result) and what the pause asks; each stream is valid for the face's spec. The
// same stream read back by the upstream client of that dialect keeps all of it. Markers are distinct words, each
// streamed as one delta, so "holds" is a plain substring check.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { createDecoder as createA2ADecoder, decode as decodeA2A } from '../../src/dialects/a2a/decode.js'
import { createEncoder as createA2A, encode as encodeA2A } from '../../src/dialects/a2a/encode.js'
import { createDecoder as createAcpDecoder, decode as decodeAcp } from '../../src/dialects/acp/decode.js'
import { createEncoder as createAcp, encode as encodeAcp, valuesSnapshot } from '../../src/dialects/acp/encode.js'
import { RunOutputStreamData } from '../../src/dialects/acp/wire.js'
import { createDecoder as createOrqDecoder, decode as decodeOrq } from '../../src/dialects/orq/decode.js'
import { encode as encodeOrq, openTask } from '../../src/dialects/orq/encode.js'
import { createResponseEncoder, encodeResponse, openAgentResponse } from '../../src/dialects/orq/response-encode.js'
import {
  createEncoder as createResponses,
  encode as encodeResponses,
  openResponse,
} from '../../src/dialects/responses/encode.js'
import {
  createDecoder as createResponsesDecoder,
  decode as decodeResponses,
} from '../../src/dialects/responses/decode.js'
import { StreamEventIn } from '../../src/dialects/responses/reading.js'
import {
  createResponsesDecoder as createTfResponsesDecoder,
  decodeResponseEvent,
} from '../../src/dialects/truefoundry/responses-decode.js'
import { createResponseStream, encodeResponseStream } from '../../src/dialects/truefoundry/responses-encode.js'
import { AgentResponseStreamEvent } from '../../src/dialects/truefoundry/responses-wire.js'
import { createTurnDecoder, decodeTurnEvent } from '../../src/dialects/truefoundry/sessions-decode.js'
import { encodeTurn } from '../../src/dialects/truefoundry/sessions-encode.js'
import { TurnStreamingEvent } from '../../src/dialects/truefoundry/sessions-wire.js'
import { readWire } from '../../src/upstream/index.js'
import { StreamResponse } from '../../src/dialects/a2a/wire.js'
import { AgentStreamEvent } from '../../src/dialects/orq/wire.js'
import { specValidator } from '../helpers/contract.js'
import { orqTaskEncoder, tfTurnEncoder } from '../helpers/encoders.js'

interface Said {
  text?: string
  refusal?: string
  reasoning?: string
  data?: string
  /** A tool the agent runs itself, after the message: its name, a word in its arguments, its result. */
  tool?: { name: string; argument: string; result: string; declared: boolean }
  /** An artifact after the message, with one text part. */
  artifact?: string
  streamed: boolean
}

const word = (prefix: string) => fc.stringMatching(/^[a-z]{4,8}$/).map((w) => `${prefix}${w}`)
const said = (i: number): fc.Arbitrary<Said> =>
  fc.record(
    {
      text: word(`text${i}`),
      refusal: word(`refusal${i}`),
      reasoning: word(`reasoning${i}`),
      data: word(`data${i}`),
      tool: fc.record({
        name: word(`tool${i}`),
        argument: word(`argument${i}`),
        result: word(`result${i}`),
        declared: fc.boolean(),
      }),
      artifact: word(`artifact${i}`),
      streamed: fc.boolean(),
    },
    { requiredKeys: ['streamed'] },
  )
/** How the turn ends: completed, or paused on a client tool, on an approval of the agent's own tool, or a question. */
type Ending =
  | { kind: 'completed' }
  | { kind: 'client_tool' | 'approval'; name: string; argument: string }
  | { kind: 'input'; question: string }
const ending: fc.Arbitrary<Ending> = fc.oneof(
  fc.constant({ kind: 'completed' as const }),
  fc.record({
    kind: fc.constantFrom('client_tool' as const, 'approval' as const),
    name: word('pausetool'),
    argument: word('pauseargument'),
  }),
  fc.record({ kind: fc.constant('input' as const), question: word('question') }),
)
const runs = fc.tuple(
  fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => said(i)))),
  ending,
)

/** The run as canonical events: streamed messages open, send one delta per channel, then complete. */
function events(messages: Said[], end: Ending): RunEvent[] {
  let seq = 0
  const stamp = (e: object) => ({ ...e, runId: 'run_1', seq: ++seq, time: 0 }) as RunEvent
  const out = [stamp({ type: 'run.status', status: 'working' })]
  messages.forEach((m, i) => {
    const messageId = `m${i}`
    if (m.streamed) {
      out.push(stamp({ type: 'message.started', messageId, role: 'assistant' }))
      if (m.reasoning) out.push(stamp({ type: 'message.delta', messageId, delta: m.reasoning, channel: 'reasoning' }))
      if (m.refusal) out.push(stamp({ type: 'message.delta', messageId, delta: m.refusal, channel: 'refusal' }))
      if (m.text) out.push(stamp({ type: 'message.delta', messageId, delta: m.text, channel: 'output' }))
    }
    const parts = [
      ...(m.text ? [{ type: 'text', text: m.text }] : []),
      ...(m.data ? [{ type: 'data', data: { value: m.data } }] : []),
    ]
    const message = {
      id: messageId,
      role: 'assistant',
      parts,
      ...(m.refusal ? { refusal: m.refusal } : {}),
      ...(m.reasoning ? { reasoning: m.reasoning } : {}),
    }
    out.push(stamp({ type: 'message.completed', message }))
    if (m.tool) {
      const callId = `call_${i}`
      const args = JSON.stringify({ q: m.tool.argument })
      // Declared as the agent's own, or not said (a backend in code may leave `tool` out): its result says who ran it.
      const tool = m.tool.declared ? { tool: { server: 'tools', clientSide: false } } : {}
      if (m.streamed) {
        out.push(stamp({ type: 'tool.call.started', callId, name: m.tool.name, ...tool }))
        out.push(stamp({ type: 'tool.call.delta', callId, delta: args }))
      }
      out.push(stamp({ type: 'tool.call.completed', callId, name: m.tool.name, arguments: args, ...tool }))
      out.push(stamp({ type: 'tool.result', callId, output: m.tool.result }))
    }
    if (m.artifact) {
      const artifact = { artifactId: `a${i}`, name: 'notes', parts: [{ type: 'text', text: m.artifact }] }
      if (m.streamed) out.push(stamp({ type: 'artifact.delta', ...artifact, append: false, lastChunk: false }))
      out.push(stamp({ type: 'artifact.completed', artifact }))
    }
  })
  if (end.kind === 'completed') out.push(stamp({ type: 'run.completed' }))
  else if (end.kind === 'input') {
    const message = { id: 'q', role: 'assistant', parts: [{ type: 'text', text: end.question }] }
    out.push(stamp({ type: 'interrupt', interruptId: 'int_1', reason: 'input', callIds: [], message }))
    out.push(stamp({ type: 'run.status', status: 'input_required' }))
  } else {
    const callId = 'call_paused'
    const tool = end.kind === 'client_tool' ? { clientSide: true } : { clientSide: false, approvalRequired: true }
    const args = JSON.stringify({ q: end.argument })
    out.push(stamp({ type: 'tool.call.started', callId, name: end.name, tool }))
    out.push(stamp({ type: 'tool.call.completed', callId, name: end.name, arguments: args, tool }))
    out.push(stamp({ type: 'interrupt', interruptId: 'int_1', reason: end.kind, callIds: [callId] }))
    out.push(stamp({ type: 'run.status', status: 'input_required' }))
  }
  return out
}

interface Face {
  /** The face's whole stream for the run (for a face whose stream is snapshots, its last one), checked by its spec. */
  wire: (run: RunEvent[]) => unknown[]
  /** Its loss table carries reasoning, and tools the agent runs itself. */
  reasoning: boolean
  tools: boolean
}

/** ACP run ids are UUIDs. */
const ACP_RUN = '00000000-0000-4000-8000-000000000001'

/** Each spec compiled once for the whole suite. */
const validators = new Map<string, ReturnType<typeof specValidator>>()
const valid = (spec: string, schema: string, out: unknown[]) => {
  const validator = validators.get(spec) ?? validators.set(spec, specValidator(spec)).get(spec)
  for (const e of out) expect(validator?.errors(schema, e)).toBe('')
  return out
}

const faces: Record<string, Face> = {
  responses: {
    reasoning: true,
    tools: true,
    wire: (run) => {
      const encoder = createResponses({ responseId: 'resp_1', model: 'demo', createdAt: 0 })
      return valid('responses', 'ResponseStreamEvent', [
        ...openResponse(encoder),
        ...run.flatMap((e) => encodeResponses(encoder, e)),
      ])
    },
  },
  a2a: {
    reasoning: true,
    tools: true,
    wire: (run) => {
      const encoder = createA2A({ taskId: 't1', contextId: 'c1' })
      return valid(
        'a2a',
        'StreamResponse',
        run.flatMap((e) => encodeA2A(encoder, e)),
      )
    },
  },
  'acp values': {
    reasoning: false,
    tools: false,
    wire: (run) => {
      const encoder = createAcp({ runId: ACP_RUN })
      for (const e of run) encodeAcp(encoder, e)
      return valid('acp', 'RunOutputStreamData', [valuesSnapshot(encoder)])
    },
  },
  'acp custom': {
    reasoning: true,
    tools: true,
    wire: (run) => {
      const encoder = createAcp({ runId: ACP_RUN, modes: { values: false, custom: true } })
      return valid(
        'acp',
        'RunOutputStreamData',
        run.flatMap((e) => encodeAcp(encoder, e)),
      )
    },
  },
  orq: {
    reasoning: true,
    tools: true,
    wire: (run) => {
      const encoder = orqTaskEncoder()
      return valid('orq', 'AgentStreamEvent', [...openTask(encoder), ...run.flatMap((e) => encodeOrq(encoder, e))])
    },
  },
  'orq /responses': {
    reasoning: true,
    tools: true,
    wire: (run) => {
      const encoder = createResponseEncoder({ responseId: 'r1', taskId: 't1', workflowRunId: 'w1', model: 'm' })
      return valid('orq', 'ResponseStreamEvent', [
        ...openAgentResponse(encoder),
        ...run.flatMap((e) => encodeResponse(encoder, e)),
      ])
    },
  },
  ...Object.fromEntries(
    [true, false].map((deltas) => [
      `truefoundry turns${deltas ? '' : ' (assembled)'}`,
      {
        reasoning: true,
        tools: true,
        wire: (run: RunEvent[]) => {
          const turn = tfTurnEncoder({ deltas })
          return valid(
            'truefoundry-sessions',
            'TurnStreamingEvent',
            run.flatMap((e) => encodeTurn(turn, e)),
          )
        },
      },
    ]),
  ),
  'truefoundry responses': {
    reasoning: true,
    tools: true,
    wire: (run) => {
      const stream = createResponseStream({ responseId: 'r1', rootExecution: 'e1', createdAt: 0, agentId: 'demo' })
      return valid(
        'truefoundry-responses',
        'AgentResponseStreamEvent',
        run.flatMap((e) => encodeResponseStream(stream, e)),
      )
    },
  },
}

/** What every marker of the run is that `face` should hold. */
function expected(messages: Said[], end: Ending, face: { reasoning: boolean; tools: boolean }): string[] {
  // What the pause asks for (ACP values: the run's await, not in values).
  const asked = end.kind === 'input' ? [end.question] : end.kind === 'completed' ? [] : [end.name, end.argument]
  return [
    ...(face.tools ? asked : []),
    ...messages.flatMap((m) => [
      ...[m.text, m.refusal, m.data, m.artifact, face.reasoning ? m.reasoning : undefined].filter(
        (x) => x !== undefined,
      ),
      ...(face.tools && m.tool ? [m.tool.name, m.tool.argument, m.tool.result] : []),
    ]),
  ]
}

describe('what an agent says reaches every face', () => {
  for (const [name, face] of Object.entries(faces)) {
    it(name, () => {
      fc.assert(
        fc.property(runs, ([messages, end]) => {
          const out = JSON.stringify(face.wire(events(messages, end)))
          for (const said of expected(messages, end, face)) expect(out, `${said} in ${name}`).toContain(said)
        }),
        { numRuns: 40 },
      )
    })
  }
})

/** A face's stream read back as the upstream client of its dialect reads it: JSON, the client's reading schema. */
const json = (wire: unknown[]) => wire.map((w) => JSON.parse(JSON.stringify(w)))
const clients: Record<string, { face: string; decode: (wire: unknown[]) => AgentEvent[] }> = {
  responses: {
    face: 'responses',
    decode: (wire) => {
      const decoder = createResponsesDecoder()
      return json(wire).flatMap((w) => decodeResponses(decoder, readWire('test', StreamEventIn, w, 'event')))
    },
  },
  a2a: {
    face: 'a2a',
    decode: (wire) => {
      const decoder = createA2ADecoder()
      return json(wire).flatMap((w) => decodeA2A(decoder, readWire('test', StreamResponse, w, 'event')))
    },
  },
  'acp custom': {
    face: 'acp custom',
    decode: (wire) => {
      const decoder = createAcpDecoder({ runId: ACP_RUN, output: { messages: '/messages' }, canonical: true })
      return json(wire).flatMap((w) => decodeAcp(decoder, readWire('test', RunOutputStreamData, w, 'event')))
    },
  },
  orq: {
    face: 'orq',
    decode: (wire) => {
      const decoder = createOrqDecoder()
      return json(wire).flatMap((w) => decodeOrq(decoder, readWire('test', AgentStreamEvent, w, 'event')))
    },
  },
  'truefoundry turns': {
    face: 'truefoundry turns',
    decode: (wire) => {
      const decoder = createTurnDecoder()
      return json(wire).flatMap((w) => decodeTurnEvent(decoder, readWire('test', TurnStreamingEvent, w, 'event')))
    },
  },
  'truefoundry responses': {
    face: 'truefoundry responses',
    decode: (wire) => {
      const decoder = createTfResponsesDecoder()
      return json(wire).flatMap((w) =>
        decodeResponseEvent(decoder, readWire('test', AgentResponseStreamEvent, w, 'event')),
      )
    },
  },
}

describe('…and comes back whole through the upstream client of the same dialect', () => {
  for (const [name, client] of Object.entries(clients)) {
    it(name, () => {
      const face = faces[client.face] as Face
      fc.assert(
        fc.property(runs, ([messages, end]) => {
          const back = JSON.stringify(client.decode(face.wire(events(messages, end))))
          for (const said of expected(messages, end, face)) expect(back, `${said} back from ${name}`).toContain(said)
        }),
        { numRuns: 40 },
      )
    })
  }
})

describe('…and through a chain: any upstream dialect behind any face', () => {
  it('keeps what both dialects carry', () => {
    const pairs = Object.entries(clients).flatMap(([upstream, client]) =>
      Object.keys(faces).map((face) => ({ upstream, client, face })),
    )
    fc.assert(
      fc.property(runs, fc.constantFrom(...pairs), ([messages, end], { upstream, client, face }) => {
        const first = faces[client.face] as Face
        const last = faces[face] as Face
        let seq = 0
        const decoded = client.decode(first.wire(events(messages, end)))
        const relayed = decoded.map((e) => ({ ...e, runId: 'run_2', seq: ++seq, time: 0 }) as RunEvent)
        const out = JSON.stringify(last.wire(relayed))
        const both = { reasoning: first.reasoning && last.reasoning, tools: first.tools && last.tools }
        for (const said of expected(messages, end, both)) expect(out, `${said}: ${upstream} → ${face}`).toContain(said)
      }),
      { numRuns: 200 },
    )
  })
})
