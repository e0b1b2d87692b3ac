// Canonical events → TrueFoundry's agent responses stream (Surface A). One table row per canonical event.
//
// `agent.message` events are fragments of model messages, per execution (the root agent's, or a sub-agent's): the
// first fragment of a message says `role: "assistant"`, the last carries `finish_reason`. A pause ends the stream
// with its `*_required` event and no `response.done`, as TrueFoundry's does.
import type { EventOf, RunEvent, RunEventType, ToolCall } from '../../core/index.js'
import { isObject, textAndDataOf, textOf } from '../../core/index.js'
import type { AgentResponseStreamEvent } from './responses-wire.js'
import { ASK_USER } from './sessions-encode.js'

export interface ResponseStreamInit {
  responseId: string
  /** The root agent's execution id (stable for the run, so an answer names the execution that paused). */
  rootExecution: string
  /** When the response was created (epoch ms). */
  createdAt: number
  /** The agent: the server of its own tools. */
  agentId: string
  /** A response that answers a pause: the calls it answers. */
  priorCalls?: ToolCall[]
}

export interface ResponseStreamState extends ResponseStreamInit {
  done: boolean
  sequence: number
  /** Messages whose first fragment went out (the next ones carry no role). */
  started: Set<string>
  /** Each call's execution, and whether its arguments went out. */
  calls: Map<string, { call: ToolCall; execution: string; argued: boolean }>
  /** Sub-agents: their parent execution and the call that spawned them. */
  children: Map<string, { execution_id: string; tool_call_id: string }>
  /** Each execution's text so far (a sub-agent's `agent.done` output). */
  texts: Map<string, string>
  /** Each open message's content streamed so far: its completion adds what the deltas did not carry. */
  sent: Map<string, string>
  paused: boolean
}

export const createResponseStream = (init: ResponseStreamInit): ResponseStreamState => ({
  ...init,
  done: false,
  sequence: 0,
  started: new Set(),
  calls: new Map(
    (init.priorCalls ?? []).map((call) => [call.callId, { call, execution: init.rootExecution, argued: true }]),
  ),
  children: new Map(),
  texts: new Map(),
  sent: new Map(),
  paused: false,
})

type Out = AgentResponseStreamEvent[]
/** An event before its `sequence_id`: `stamp` numbers it. */
type Unnumbered = AgentResponseStreamEvent extends infer E
  ? E extends unknown
    ? Omit<E, 'sequence_id'>
    : never
  : never

function stamp(s: ResponseStreamState, event: Unnumbered, out: Out) {
  s.sequence += 1
  out.push({ ...event, sequence_id: s.sequence } as AgentResponseStreamEvent)
}

/** `response.created`: the stream's first event. */
export function openResponseStream(s: ResponseStreamState): AgentResponseStreamEvent[] {
  const out: Out = []
  stamp(
    s,
    { type: 'response.created', response_id: s.responseId, created_at: new Date(s.createdAt).toISOString() },
    out,
  )
  return out
}

type Handler<T extends RunEventType> = (s: ResponseStreamState, e: EventOf<T>, out: Out) => void

export function encodeResponseStream(state: ResponseStreamState, event: RunEvent): AgentResponseStreamEvent[] {
  if (state.done) return []
  const out: Out = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  return out
}

const executionOf = (s: ResponseStreamState, executionId?: string) => executionId ?? s.rootExecution

/** A fragment of a model message; its first says `role: "assistant"`. */
function fragment(s: ResponseStreamState, key: string, execution: string, fields: Record<string, unknown>, out: Out) {
  const first = !s.started.has(key)
  s.started.add(key)
  stamp(
    s,
    {
      type: 'agent.message',
      execution_id: execution,
      ...(first ? { role: 'assistant' } : {}),
      ...fields,
    } as Unnumbered,
    out,
  )
}

const toolInfo = (s: ResponseStreamState, call: ToolCall) => {
  // A question to the user goes to TrueFoundry's own pseudo-server for it.
  const asks = call.name === ASK_USER && call.tool?.clientSide
  const server = asks ? 'ask-user-question' : call.tool?.clientSide ? 'client' : (call.tool?.server ?? s.agentId)
  return {
    mcp_server_id: server,
    mcp_server_name: server,
    original_tool_name: call.name,
    ...(call.tool?.approvalRequired ? { is_approval_required: true } : {}),
    ...(call.tool?.clientSide ? { is_client_side: true } : {}),
  }
}

/** A call whole, in one fragment with its finish reason (a call announced without deltas, an asked question). */
function wholeCall(s: ResponseStreamState, call: ToolCall, execution: string, out: Out) {
  s.calls.set(call.callId, { call, execution, argued: true })
  fragment(
    s,
    `call:${call.callId}`,
    execution,
    {
      tool_calls: [
        {
          index: 0,
          id: call.callId,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
          tool_info: toolInfo(s, call),
        },
      ],
      finish_reason: 'tool_calls',
    },
    out,
  )
}

function responseDone(s: ResponseStreamState, event: Unnumbered, out: Out) {
  stamp(s, event, out)
  s.done = true
}

const handlers: { [T in RunEventType]: Handler<T> } = {
  'run.created': () => {},
  'run.status': (s, e) => {
    // The pause's `*_required` event already went out: the stream ends with it.
    if (e.status === 'input_required') s.done = true
  },
  'message.started': () => {},
  'message.delta': (s, e, out) => {
    const execution = executionOf(s, e.executionId)
    if (e.channel === 'output') {
      s.texts.set(execution, (s.texts.get(execution) ?? '') + e.delta)
      s.sent.set(e.messageId, (s.sent.get(e.messageId) ?? '') + e.delta)
    }
    const field = e.channel === 'reasoning' ? 'reasoning_content' : e.channel === 'refusal' ? 'refusal' : 'content'
    fragment(s, e.messageId, execution, { [field]: e.delta }, out)
  },
  'message.completed': (s, e, out) => {
    const { message } = e
    if (message.role !== 'assistant') return
    const execution = executionOf(s, e.executionId ?? message.executionId)
    // Text and data (as JSON): a model message holds text only.
    const text = textAndDataOf(message.parts)
    if (!s.started.has(message.id)) {
      // Whole at once: one fragment with the text (its reasoning and refusal too) and the finish reason.
      s.texts.set(execution, (s.texts.get(execution) ?? '') + text)
      const fields = {
        content: text,
        ...(message.reasoning ? { reasoning_content: message.reasoning } : {}),
        ...(message.refusal ? { refusal: message.refusal } : {}),
        finish_reason: 'stop',
      }
      fragment(s, message.id, execution, fields, out)
      return
    }
    // The last fragment carries what the deltas did not: text they never had, data parts.
    const sent = s.sent.get(message.id) ?? ''
    s.sent.delete(message.id)
    const rest = text.startsWith(sent) ? text.slice(sent.length) : ''
    if (rest) s.texts.set(execution, (s.texts.get(execution) ?? '') + rest)
    fragment(s, message.id, execution, { ...(rest ? { content: rest } : {}), finish_reason: 'stop' }, out)
  },
  'tool.call.started': (s, e, out) => {
    const call: ToolCall = { callId: e.callId, name: e.name, arguments: '', tool: e.tool }
    const execution = executionOf(s, e.executionId)
    s.calls.set(e.callId, { call, execution, argued: false })
    const chunk = {
      index: 0,
      id: e.callId,
      type: 'function',
      function: { name: e.name, arguments: '' },
      tool_info: toolInfo(s, call),
    }
    fragment(s, `call:${e.callId}`, execution, { tool_calls: [chunk] }, out)
  },
  'tool.call.delta': (s, e, out) => {
    const known = s.calls.get(e.callId)
    if (!known) return
    known.argued = true
    known.call = { ...known.call, arguments: known.call.arguments + e.delta }
    fragment(
      s,
      `call:${e.callId}`,
      known.execution,
      { tool_calls: [{ index: 0, function: { arguments: e.delta } }] },
      out,
    )
  },
  'tool.call.completed': (s, e, out) => {
    const call: ToolCall = { callId: e.callId, name: e.name, arguments: e.arguments, tool: e.tool }
    const known = s.calls.get(e.callId)
    if (!known) return wholeCall(s, call, executionOf(s, e.executionId), out)
    const sent = known.call.arguments
    known.call = call
    const rest = e.arguments.startsWith(sent) ? e.arguments.slice(sent.length) : ''
    const args = rest ? { tool_calls: [{ index: 0, function: { arguments: rest } }] } : {}
    fragment(s, `call:${e.callId}`, known.execution, { ...args, finish_reason: 'tool_calls' }, out)
  },
  'tool.result': (s, e, out) => {
    const execution = s.calls.get(e.callId)?.execution ?? executionOf(s, e.executionId)
    const content = typeof e.output === 'string' ? e.output : textOf(e.output)
    stamp(s, { type: 'agent.message', role: 'tool', tool_call_id: e.callId, content, execution_id: execution }, out)
  },
  interrupt: (s, e, out) => {
    const execution = executionOf(s, e.executionId)
    if (e.reason === 'auth') {
      const payload = (e.payload ?? {}) as { auth_url?: unknown; url?: unknown; server?: unknown }
      const url =
        typeof payload.auth_url === 'string' ? payload.auth_url : typeof payload.url === 'string' ? payload.url : ''
      const server = typeof payload.server === 'string' ? payload.server : s.agentId
      stamp(
        s,
        {
          type: 'mcp.auth_required',
          servers: [{ mcp_server_id: server, mcp_server_name: server, auth_url: url, execution_ids: [execution] }],
        },
        out,
      )
      return
    }
    let callIds = e.callIds
    if (!callIds.length) {
      // A question (or a typed interrupt) without a call: the client-side `ask_user_question` TrueFoundry agents use.
      const question = e.message ? textOf(e.message.parts) : ''
      const name = e.interruptType && e.reason !== 'input' ? e.interruptType : ASK_USER
      const payload = isObject(e.payload) ? e.payload : {}
      const args = name === ASK_USER ? { question, ...payload } : (e.payload ?? {})
      wholeCall(
        s,
        { callId: e.interruptId, name, arguments: JSON.stringify(args), tool: { clientSide: true } },
        execution,
        out,
      )
      callIds = [e.interruptId]
    }
    const byExecution = new Map<string, string[]>()
    for (const id of callIds) {
      const at = s.calls.get(id)?.execution ?? execution
      byExecution.set(at, [...(byExecution.get(at) ?? []), id])
    }
    for (const [at, ids] of byExecution) {
      stamp(
        s,
        {
          type: e.reason === 'approval' ? 'tool.approval_required' : 'tool.response_required',
          execution_id: at,
          tool_calls: ids.map((id) => ({ id })),
        },
        out,
      )
    }
  },
  'artifact.delta': (s, e, out) => {
    const execution = executionOf(s, e.executionId)
    const text = textOf(e.parts)
    if (text) {
      s.texts.set(execution, (s.texts.get(execution) ?? '') + text)
      fragment(s, `artifact:${e.artifactId}`, execution, { content: text }, out)
    }
    if (e.lastChunk) fragment(s, `artifact:${e.artifactId}`, execution, { finish_reason: 'stop' }, out)
  },
  'artifact.completed': (s, e, out) => {
    if (s.started.has(`artifact:${e.artifact.artifactId}`)) return
    const execution = executionOf(s, e.executionId)
    fragment(
      s,
      `artifact:${e.artifact.artifactId}`,
      execution,
      { content: textOf(e.artifact.parts), finish_reason: 'stop' },
      out,
    )
  },
  'agent.started': (s, e, out) => {
    const parent = { tool_call_id: e.callId ?? '', execution_id: executionOf(s, e.parentExecutionId) }
    s.children.set(e.executionId, parent)
    const input = typeof e.input === 'string' ? e.input : JSON.stringify(e.input ?? '')
    stamp(
      s,
      {
        type: 'agent.created',
        execution_id: e.executionId,
        parent,
        agent_info: { type: 'agent-defined', name: e.name, input },
      },
      out,
    )
  },
  'agent.completed': (s, e, out) => {
    const parent = s.children.get(e.executionId)
    const content = e.output ? textOf(e.output.parts) : (s.texts.get(e.executionId) ?? '')
    const output = {
      type: 'agent.message' as const,
      role: 'assistant' as const,
      execution_id: e.executionId,
      content,
      finish_reason: 'stop',
    }
    if (e.error) {
      stamp(
        s,
        {
          type: 'agent.error',
          execution_id: e.executionId,
          message: e.error.message,
          ...(parent ? { parent } : {}),
          output,
        },
        out,
      )
    } else {
      stamp(s, { type: 'agent.done', execution_id: e.executionId, output, ...(parent ? { parent } : {}) }, out)
    }
  },
  usage: () => {},
  'upstream.event': () => {},
  'run.completed': (s, e, out) => {
    for (const m of e.output ?? []) {
      if (s.started.has(m.id) || m.role !== 'assistant') continue
      fragment(s, m.id, executionOf(s, m.executionId), { content: textOf(m.parts), finish_reason: 'stop' }, out)
    }
    responseDone(s, { type: 'response.done', status: 'done' }, out)
  },
  'run.failed': (s, e, out) =>
    responseDone(s, { type: 'response.done', status: 'error', message: e.error.message }, out),
  'run.canceled': (s, e, out) => {
    const reason = e.reason === 'server-execution-timeout' ? 'server-execution-timeout' : 'client-cancelled'
    responseDone(s, { type: 'response.done', status: 'cancelled', cancellation_reason: reason }, out)
  },
}
