// Nothing an agent says is lost on the way out: for any run of assistant messages (text, a refusal, reasoning, a data
// part; each streamed or whole, each maybe followed by a tool the agent runs and an artifact), every face's stream
// holds every text, refusal (as a refusal, or as text where its loss table says so), data and artifact text and, where
// its loss table carries them, every reasoning and every tool call's name, arguments and result. Each stream is also valid for the
// face's spec. Markers are distinct words, each streamed as one delta, so "holds" is a plain substring check.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { createEncoder as createA2A, encode as encodeA2A } from '../../src/dialects/a2a/encode.js'
import { createEncoder as createAcp, encode as encodeAcp, valuesSnapshot } from '../../src/dialects/acp/encode.js'
import { createEncoder as createOrq, encode as encodeOrq, openTask } from '../../src/dialects/orq/encode.js'
import { createResponseEncoder, encodeResponse, openAgentResponse } from '../../src/dialects/orq/response-encode.js'
import {
  createEncoder as createResponses,
  encode as encodeResponses,
  openResponse,
} from '../../src/dialects/responses/encode.js'
import { createResponseStream, encodeResponseStream } from '../../src/dialects/truefoundry/responses-encode.js'
import { createTurnEncoder, encodeTurn } from '../../src/dialects/truefoundry/sessions-encode.js'
import { specValidator } from '../helpers/contract.js'

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
  /** The face's whole stream for the run (and, for a face whose stream is snapshots, its last one), as JSON. */
  stream: (run: RunEvent[]) => string
  /** Its loss table carries reasoning, and tools the agent runs itself. */
  reasoning: boolean
  tools: boolean
}

/** Each spec compiled once for the whole suite. */
const validators = new Map<string, ReturnType<typeof specValidator>>()
const valid = (spec: string, schema: string, out: unknown[]) => {
  const validator = validators.get(spec) ?? validators.set(spec, specValidator(spec)).get(spec)
  for (const e of out) expect(validator?.errors(schema, e)).toBe('')
  return JSON.stringify(out)
}

const faces: Record<string, Face> = {
  responses: {
    reasoning: true,
    tools: true,
    stream: (run) => {
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
    stream: (run) => {
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
    stream: (run) => {
      const encoder = createAcp({ runId: 'r1' })
      for (const e of run) encodeAcp(encoder, e)
      return JSON.stringify(valuesSnapshot(encoder))
    },
  },
  orq: {
    reasoning: true,
    tools: true,
    stream: (run) => {
      const encoder = createOrq({
        taskId: 't1',
        workflowRunId: 'w1',
        agentId: 'a1',
        input: { role: 'user', parts: [{ kind: 'text', text: 'hi' }] },
        continuation: false,
        firstIndex: 1,
        startedAt: 0,
      })
      return valid('orq', 'AgentStreamEvent', [...openTask(encoder), ...run.flatMap((e) => encodeOrq(encoder, e))])
    },
  },
  'orq /responses': {
    reasoning: true,
    tools: true,
    stream: (run) => {
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
        stream: (run: RunEvent[]) => {
          const turn = createTurnEncoder({
            turnId: 't1',
            previousTurnId: null,
            input: [],
            createdBy: { subject_id: 'a', subject_type: 'user', subject_slug: 'a' },
            startedAt: 0,
            agentId: 'demo',
            deltas,
          })
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
    stream: (run) => {
      const stream = createResponseStream({ responseId: 'r1', rootExecution: 'e1', createdAt: 0, agentId: 'demo' })
      return valid(
        'truefoundry-responses',
        'AgentResponseStreamEvent',
        run.flatMap((e) => encodeResponseStream(stream, e)),
      )
    },
  },
}

describe('what an agent says reaches every face', () => {
  for (const [name, face] of Object.entries(faces)) {
    it(name, () => {
      fc.assert(
        fc.property(runs, ([messages, end]) => {
          const out = face.stream(events(messages, end))
          // What the pause asks for (ACP values: the run's await, not in values).
          const asked = end.kind === 'input' ? [end.question] : end.kind === 'completed' ? [] : [end.name, end.argument]
          if (face.tools) for (const said of asked) expect(out, `${said} in ${name}`).toContain(said)
          for (const m of messages) {
            const tool = face.tools && m.tool ? [m.tool.name, m.tool.argument, m.tool.result] : []
            for (const said of [
              m.text,
              m.refusal,
              m.data,
              m.artifact,
              face.reasoning ? m.reasoning : undefined,
              ...tool,
            ])
              if (said) expect(out, `${said} in ${name}`).toContain(said)
          }
        }),
        { numRuns: 60 },
      )
    })
  }
})
