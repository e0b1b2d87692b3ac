// The JSON Schemas the bridge publishes in its ACP descriptors: what `input` and `values` look like, the custom
// stream update (a canonical event), and the generic interrupt types any agent may raise.
import type { AgentInfo, InterruptReason } from '../../core/index.js'
import { agentUuid } from './ids.js'
import type { AgentACPDescriptor } from './wire.js'

const MESSAGE = {
  type: 'object',
  properties: {
    role: { type: 'string', description: 'user, assistant (also human/ai) or system' },
    content: {
      oneOf: [
        { type: 'string' },
        { type: 'array', items: { type: 'object', properties: { type: { type: 'string' } }, required: ['type'] } },
      ],
    },
    id: { type: 'string' },
  },
  required: ['role', 'content'],
}

/** `input`: the conversation, or just the new user message(s); earlier turns may be left to a thread. */
export const INPUT_SCHEMA = {
  type: 'object',
  properties: { messages: { type: 'array', items: MESSAGE } },
  required: ['messages'],
}

/** `values`: the agent's messages of the run so far, the latest answer's text, and any artifacts. */
export const OUTPUT_SCHEMA = {
  type: 'object',
  properties: {
    messages: { type: 'array', items: MESSAGE },
    text: { type: 'string', description: 'The text of the latest answer.' },
    artifacts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          artifact_id: { type: 'string' },
          name: { type: 'string' },
          parts: { type: 'array', items: { type: 'object' } },
        },
        required: ['artifact_id', 'parts'],
      },
    },
  },
  required: ['messages', 'text'],
}

/** Marks the custom stream update as a dialect-bridge canonical event, so a bridge upstream is read losslessly. */
export const CANONICAL_EVENT_MARKER = 'x-dialect-bridge-event'

export const CUSTOM_UPDATE_SCHEMA = {
  type: 'object',
  [CANONICAL_EVENT_MARKER]: 'v1',
  description: 'One dialect-bridge canonical RunEvent (without its seq and time), as README describes.',
  properties: { event: { type: 'object', properties: { type: { type: 'string' } }, required: ['type'] } },
  required: ['event'],
}

export const THREAD_STATE_SCHEMA = {
  type: 'object',
  properties: { messages: { type: 'array', items: MESSAGE } },
}

const CALLS = {
  type: 'array',
  items: {
    type: 'object',
    properties: { call_id: { type: 'string' }, name: { type: 'string' }, arguments: { type: 'string' } },
    required: ['call_id', 'name', 'arguments'],
  },
}

/** The interrupt type name for each reason, when the agent names none of its own. */
export const GENERIC_TYPE: Record<InterruptReason, string> = {
  client_tool: 'function_call',
  approval: 'approval',
  input: 'input',
  auth: 'auth',
}

export const GENERIC_INTERRUPTS = [
  {
    interrupt_type: GENERIC_TYPE.client_tool,
    interrupt_payload: { type: 'object', properties: { calls: CALLS }, required: ['calls'] },
    resume_payload: {
      type: 'object',
      properties: {
        outputs: {
          type: 'array',
          items: {
            type: 'object',
            properties: { call_id: { type: 'string' }, output: { type: 'string' } },
            required: ['call_id', 'output'],
          },
        },
      },
      required: ['outputs'],
    },
  },
  {
    interrupt_type: GENERIC_TYPE.approval,
    interrupt_payload: {
      type: 'object',
      properties: { calls: CALLS, message: { type: 'string' } },
      required: ['calls'],
    },
    resume_payload: {
      type: 'object',
      properties: { approved: { type: 'boolean' }, reason: { type: 'string' } },
      required: ['approved'],
    },
  },
  {
    interrupt_type: GENERIC_TYPE.input,
    interrupt_payload: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
    resume_payload: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
  },
  {
    interrupt_type: GENERIC_TYPE.auth,
    // `auth_url` and `server` when the upstream names where to authorize (TrueFoundry's MCP OAuth).
    interrupt_payload: {
      type: 'object',
      properties: { message: { type: 'string' }, auth_url: { type: 'string' }, server: { type: 'string' } },
    },
    resume_payload: { type: 'object', properties: { answer: { type: 'string' } } },
  },
]

/** The agent's ACP descriptor, from its AgentInfo: our schemas, its config schema, its interrupts and ours. */
export function descriptor(info: AgentInfo): AgentACPDescriptor {
  const declared = (info.interrupts ?? []).map((i) => ({
    interrupt_type: i.type,
    interrupt_payload: i.payloadSchema ?? { type: 'object' },
    resume_payload: i.resumeSchema ?? { type: 'object' },
  }))
  const names = new Set(declared.map((i) => i.interrupt_type))
  return {
    metadata: { ref: { name: info.id, version: info.version ?? '1.0.0' }, description: info.description ?? info.name },
    specs: {
      capabilities: { threads: true, interrupts: true, callbacks: true, streaming: { values: true, custom: true } },
      input: INPUT_SCHEMA,
      output: OUTPUT_SCHEMA,
      config: info.configSchema ?? { type: 'object' },
      custom_streaming_update: CUSTOM_UPDATE_SCHEMA,
      thread_state: THREAD_STATE_SCHEMA,
      interrupts: [...declared, ...GENERIC_INTERRUPTS.filter((g) => !names.has(g.interrupt_type))],
    },
  }
}

export const agentObject = (info: AgentInfo) => ({
  agent_id: agentUuid(info.id),
  metadata: { ref: { name: info.id, version: info.version ?? '1.0.0' }, description: info.description ?? info.name },
})
