// TrueFoundry's agent responses stream (Surface A) → canonical events: the bridge as a client of a TrueFoundry agent.
// One table row per event type.
//
// `agent.message` fragments merge per `execution_id` (`mergeAssistantMessage`): one accumulator per execution, a
// fragment with `finish_reason` ends its model message. Tool calls carry `tool_info` with `is_client_side` and
// `is_approval_required`, so they go out as they stream. A pause (`tool.approval_required`, `tool.response_required`,
// `mcp.auth_required`) ends the turn even with no `response.done` after it.
import type { AgentEvent, InterruptReason, Message, ToolInfo } from '../../core/index.js'
import { newId } from '../../core/index.js'
import type { AgentResponseStreamEvent } from './responses-wire.js'

interface Accumulator {
  messageId: string
  started: boolean
  text: string
  reasoning: string
  refusal: string
  /** Calls by index: the canonical call id once known, and whether it went out. */
  calls: Map<number, { id?: string; name?: string; arguments: string; tool?: ToolInfo; started: boolean }>
}

export interface ResponsesDecoderState {
  done: boolean
  responseId?: string
  /** The root execution (the first to speak that no `agent.created` announced). */
  root?: string
  children: Set<string>
  open: Map<string, Accumulator>
  /** Each call's execution: answers name it. */
  executions: Map<string, string>
  /** The calls the response paused on (their answers continue it). */
  paused: string[]
  /** Each sub-agent's name, from its `agent.created` (`agent.done` does not repeat it). */
  names: Map<string, string>
}

export const createResponsesDecoder = (): ResponsesDecoderState => ({
  done: false,
  children: new Set(),
  open: new Map(),
  executions: new Map(),
  paused: [],
  names: new Map(),
})

type Out = AgentEvent[]
type Handler<T extends AgentResponseStreamEvent['type']> = (
  s: ResponsesDecoderState,
  e: Extract<AgentResponseStreamEvent, { type: T }>,
  out: Out,
) => void

export function decodeResponseEvent(state: ResponsesDecoderState, event: AgentResponseStreamEvent): AgentEvent[] {
  if (state.done) return []
  const out: Out = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  return out
}

const executionOf = (s: ResponsesDecoderState, execution: string) => {
  s.root ??= s.children.has(execution) ? undefined : execution
  return execution === s.root ? {} : { executionId: execution }
}

const nameOf = (s: ResponsesDecoderState, execution: string) => {
  const name = s.names.get(execution)
  return name ? { name } : {}
}

function accumulator(s: ResponsesDecoderState, execution: string): Accumulator {
  let a = s.open.get(execution)
  if (!a) {
    a = { messageId: newId(), started: false, text: '', reasoning: '', refusal: '', calls: new Map() }
    s.open.set(execution, a)
  }
  return a
}

function text(
  s: ResponsesDecoderState,
  execution: string,
  a: Accumulator,
  delta: string,
  channel: 'output' | 'reasoning' | 'refusal',
  out: Out,
) {
  if (!delta) return
  const ex = executionOf(s, execution)
  if (!a.started) {
    a.started = true
    out.push({ type: 'message.started', messageId: a.messageId, role: 'assistant', ...ex })
  }
  if (channel === 'output') a.text += delta
  else if (channel === 'reasoning') a.reasoning += delta
  else a.refusal += delta
  out.push({ type: 'message.delta', messageId: a.messageId, delta, channel, ...ex })
}

/** The execution's model message ends: its text completes, its calls complete. */
function finish(s: ResponsesDecoderState, execution: string, out: Out) {
  const a = s.open.get(execution)
  if (!a) return
  s.open.delete(execution)
  const ex = executionOf(s, execution)
  if (a.started) {
    const message: Message = {
      id: a.messageId,
      role: 'assistant',
      parts: a.text ? [{ type: 'text', text: a.text }] : [],
      ...(a.reasoning ? { reasoning: a.reasoning } : {}),
      ...(a.refusal ? { refusal: a.refusal } : {}),
      ...ex,
    }
    out.push({ type: 'message.completed', message, ...ex })
  }
  for (const call of a.calls.values()) {
    if (!call.id) continue
    const name = call.name ?? 'function'
    if (!call.started)
      out.push({ type: 'tool.call.started', callId: call.id, name, ...(call.tool ? { tool: call.tool } : {}), ...ex })
    out.push({
      type: 'tool.call.completed',
      callId: call.id,
      name,
      arguments: call.arguments,
      ...(call.tool ? { tool: call.tool } : {}),
      ...ex,
    })
  }
}

function pause(
  s: ResponsesDecoderState,
  reason: InterruptReason,
  callIds: string[],
  out: Out,
  extra: Partial<Extract<AgentEvent, { type: 'interrupt' }>> = {},
) {
  for (const execution of [...s.open.keys()]) finish(s, execution, out)
  s.paused.push(...callIds)
  out.push({ type: 'interrupt', interruptId: newId('int'), reason, callIds, ...extra })
  out.push({ type: 'run.status', status: 'input_required' })
  s.done = true
}

const handlers: { [T in AgentResponseStreamEvent['type']]: Handler<T> } = {
  'response.created': (s, e, out) => {
    s.responseId = e.response_id
    out.push({ type: 'run.status', status: 'working' })
  },
  'agent.message': (s, e, out) => {
    if (e.role === 'tool') {
      finish(s, e.execution_id, out)
      out.push({ type: 'tool.result', callId: e.tool_call_id, output: e.content, ...executionOf(s, e.execution_id) })
      return
    }
    const a = accumulator(s, e.execution_id)
    // `reasoning_content` is the stream's own; a fragment with only `thinking_blocks` carries the same text there.
    const thinking = (e.thinking_blocks ?? []).map((b) => (b.type === 'thinking' ? b.thinking : '')).join('')
    text(s, e.execution_id, a, e.reasoning_content ?? thinking, 'reasoning', out)
    text(s, e.execution_id, a, e.content ?? '', 'output', out)
    if (e.refusal) text(s, e.execution_id, a, e.refusal, 'refusal', out)
    for (const chunk of e.tool_calls ?? []) {
      const call = a.calls.get(chunk.index) ?? { arguments: '', started: false }
      call.id ??= chunk.id || undefined
      call.name ??= chunk.function?.name || undefined
      if (chunk.tool_info && !call.tool) {
        const info = chunk.tool_info
        call.tool = {
          server: info.mcp_server_name,
          clientSide: info.is_client_side === true,
          ...(info.is_approval_required ? { approvalRequired: true } : {}),
        }
      }
      const piece = chunk.function?.arguments ?? ''
      call.arguments += piece
      a.calls.set(chunk.index, call)
      if (call.id) s.executions.set(call.id, e.execution_id)
      // A call streams once its id and name are known.
      if (call.id && call.name && !call.started) {
        call.started = true
        const ex = executionOf(s, e.execution_id)
        // No `tool_info` on the call's first fragments: the agent's own tool.
        call.tool ??= { server: 'truefoundry', clientSide: false }
        out.push({ type: 'tool.call.started', callId: call.id, name: call.name, tool: call.tool, ...ex })
        if (call.arguments) out.push({ type: 'tool.call.delta', callId: call.id, delta: call.arguments, ...ex })
      } else if (call.started && piece && call.id) {
        out.push({ type: 'tool.call.delta', callId: call.id, delta: piece, ...executionOf(s, e.execution_id) })
      }
    }
    if (e.finish_reason) finish(s, e.execution_id, out)
  },
  'agent.created': (s, e, out) => {
    // A child announced before its parent said anything: the parent is the root unless it is a child itself.
    if (!s.children.has(e.parent.execution_id)) s.root ??= e.parent.execution_id
    s.children.add(e.execution_id)
    s.names.set(e.execution_id, e.agent_info.name)
    out.push({
      type: 'agent.started',
      executionId: e.execution_id,
      ...(e.parent.execution_id !== s.root ? { parentExecutionId: e.parent.execution_id } : {}),
      ...(e.parent.tool_call_id ? { callId: e.parent.tool_call_id } : {}),
      name: e.agent_info.name,
      input: e.agent_info.input,
    })
  },
  'agent.done': (s, e, out) => {
    finish(s, e.execution_id, out)
    const content =
      typeof e.output.content === 'string'
        ? e.output.content
        : (e.output.content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('')
    out.push({
      type: 'agent.completed',
      executionId: e.execution_id,
      ...nameOf(s, e.execution_id),
      output: { id: newId(), role: 'assistant', parts: [{ type: 'text', text: content }], executionId: e.execution_id },
    })
  },
  'agent.error': (s, e, out) => {
    finish(s, e.execution_id, out)
    out.push({
      type: 'agent.completed',
      executionId: e.execution_id,
      ...nameOf(s, e.execution_id),
      error: { code: 'agent_error', message: e.message },
    })
  },
  'mcp.initialize': (s, e, out) => {
    out.push({ type: 'upstream.event', name: e.type, ...executionOf(s, e.execution_id), ext: { truefoundry: e } })
  },
  'sandbox.created': (_s, e, out) => {
    out.push({ type: 'upstream.event', name: e.type, ext: { truefoundry: e } })
  },
  'mcp.auth_required': (s, e, out) => {
    const server = e.servers[0]
    const url = server?.auth_url ?? ''
    const name = server?.mcp_server_name ?? 'truefoundry'
    pause(s, 'auth', [], out, {
      payload: { auth_url: url, server: name },
      message: {
        id: newId(),
        role: 'assistant',
        parts: [{ type: 'text', text: `Authorize ${name} at ${url}, then send the next message.` }],
      },
    })
  },
  'tool.approval_required': (s, e, out) =>
    pause(
      s,
      'approval',
      e.tool_calls.map((c) => c.id),
      out,
    ),
  'tool.response_required': (s, e, out) =>
    pause(
      s,
      'client_tool',
      e.tool_calls.map((c) => c.id),
      out,
    ),
  'response.done': (s, e, out) => {
    for (const execution of [...s.open.keys()]) finish(s, execution, out)
    if (e.status === 'done') out.push({ type: 'run.completed' })
    else if (e.status === 'cancelled') out.push({ type: 'run.canceled', reason: e.cancellation_reason })
    else out.push({ type: 'run.failed', error: { code: 'upstream_failed', message: e.message } })
    s.done = true
  },
}
