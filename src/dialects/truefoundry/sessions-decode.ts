// TrueFoundry turn events (Surface B) → canonical events: the bridge as a client of a TrueFoundry agent. One table row
// per event type.
//
// Deltas merge into their base by id (`mergeEventDelta`): text and reasoning go out as canonical deltas as they come.
// A tool call is held until TrueFoundry says whose it is — `tool.approval_required` (a call awaiting approval),
// `tool.response_required` (a client-side tool), `tool.response` or a sub-agent's `thread.created` (a tool the agent
// runs) — since turn events, unlike the older responses stream, carry no client-side or approval flag on the call.
import type { AgentEvent, InterruptReason, Message, ToolInfo } from '../../core/index.js'
import { newId } from '../../core/index.js'
import type { ToolInfo as TrueFoundryToolInfo, TurnStreamingEvent } from './sessions-wire.js'
import { MAIN_THREAD } from './sessions-encode.js'

interface SeenMessage {
  /** The canonical message id (the event id), once text started. */
  started: boolean
  text: string
  reasoning: string
  /** What came as `content` and as `refusal` (both are output text): an assembled message repeats them. */
  content: string
  refusal: string
  thread: string
  done: boolean
  calls: Map<number, { id?: string; name?: string; arguments: string; info?: TrueFoundryToolInfo }>
}

interface HeldCall {
  name: string
  arguments: string
  thread: string
  server: string
}

export interface TurnDecoderState {
  done: boolean
  turnId?: string
  /** The last SSE sequence number read: where a subscribe resumes. */
  lastSequence: number
  messages: Map<string, SeenMessage>
  held: Map<string, HeldCall>
  announced: Set<string>
  /** The calls each pause waits on, and why. */
  pending: { reason: InterruptReason; callIds: string[] }[]
  auth?: { url: string; server: string }
  sawUsage: boolean
  /** Each call's thread: answers name it (`user.tool_approval.thread_id`). */
  threads: Map<string, string>
}

export const createTurnDecoder = (): TurnDecoderState => ({
  done: false,
  lastSequence: 0,
  messages: new Map(),
  held: new Map(),
  announced: new Set(),
  pending: [],
  sawUsage: false,
  threads: new Map(),
})

type Out = AgentEvent[]
type EventOf<T extends TurnStreamingEvent['type']> = Extract<TurnStreamingEvent, { type: T }>
type Handler<T extends TurnStreamingEvent['type']> = (s: TurnDecoderState, e: EventOf<T>, out: Out) => void

export function decodeTurnEvent(state: TurnDecoderState, event: TurnStreamingEvent): AgentEvent[] {
  if (state.done) return []
  const out: Out = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  return out
}

const executionOf = (thread: string | null | undefined) => (thread && thread !== MAIN_THREAD ? thread : undefined)
const withExecution = (thread: string) => (executionOf(thread) ? { executionId: thread } : {})
const serverOf = (info?: TrueFoundryToolInfo) => (info?.type === 'mcp' ? info.server_name : 'truefoundry')

/** A model message's text: its string content, or its text parts. */
const contentText = (content: EventOf<'model.message'>['content']): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('')

function seen(s: TurnDecoderState, id: string, thread: string): SeenMessage {
  let m = s.messages.get(id)
  if (!m) {
    m = { started: false, text: '', reasoning: '', content: '', refusal: '', thread, done: false, calls: new Map() }
    s.messages.set(id, m)
  }
  return m
}

/** Text or reasoning that arrived for a message: its start (the first time), then the delta. */
function addText(id: string, m: SeenMessage, text: string, channel: 'output' | 'reasoning' | 'refusal', out: Out) {
  if (!text) return
  if (!m.started) {
    m.started = true
    out.push({ type: 'message.started', messageId: id, role: 'assistant', ...withExecution(m.thread) })
  }
  if (channel === 'output') m.text += text
  else if (channel === 'reasoning') m.reasoning += text
  out.push({ type: 'message.delta', messageId: id, delta: text, channel, ...withExecution(m.thread) })
}

/** Content (the answer's text) or a refusal (the model declining, on its own channel). */
function output(id: string, m: SeenMessage, field: 'content' | 'refusal', text: string, out: Out) {
  m[field] += text
  addText(id, m, text, field === 'refusal' ? 'refusal' : 'output', out)
}

function finishMessage(s: TurnDecoderState, id: string, m: SeenMessage, out: Out) {
  if (m.done) return
  m.done = true
  for (const call of m.calls.values()) {
    if (!call.id || s.held.has(call.id) || s.announced.has(call.id)) continue
    s.held.set(call.id, {
      name: call.name ?? 'function',
      arguments: call.arguments,
      thread: m.thread,
      server: serverOf(call.info),
    })
    s.threads.set(call.id, m.thread)
  }
  if (!m.started) return
  const message: Message = {
    id,
    role: 'assistant',
    parts: m.text ? [{ type: 'text', text: m.text }] : [],
    ...(m.reasoning ? { reasoning: m.reasoning } : {}),
    ...(m.refusal ? { refusal: m.refusal } : {}),
    ...withExecution(m.thread),
  }
  out.push({ type: 'message.completed', message, ...withExecution(m.thread) })
}

/** A held call goes out once its owner is known. */
function announce(s: TurnDecoderState, callId: string, tool: ToolInfo, out: Out) {
  if (s.announced.has(callId)) return
  const call = s.held.get(callId)
  if (!call) return
  s.announced.add(callId)
  const ex = withExecution(call.thread)
  out.push({ type: 'tool.call.started', callId, name: call.name, tool, ...ex })
  if (call.arguments) out.push({ type: 'tool.call.delta', callId, delta: call.arguments, ...ex })
  out.push({ type: 'tool.call.completed', callId, name: call.name, arguments: call.arguments, tool, ...ex })
}

/** Every message of the turn still open: ended as they stand. */
function finishAll(s: TurnDecoderState, out: Out) {
  for (const [id, m] of s.messages) finishMessage(s, id, m, out)
}

const agentTool = (s: TurnDecoderState, callId: string): ToolInfo => ({
  server: s.held.get(callId)?.server ?? 'truefoundry',
  clientSide: false,
})

const handlers: { [T in TurnStreamingEvent['type']]: Handler<T> } = {
  'turn.created': (s, e, out) => {
    s.turnId = e.turn_id
    out.push({ type: 'run.status', status: 'working' })
  },
  'model.message': (s, e, out) => {
    const m = seen(s, e.id, e.thread_id)
    const content = contentText(e.content)
    // An assembled message repeats what its deltas brought: only what is new goes out.
    addText(e.id, m, (e.reasoning_content ?? '').slice(m.reasoning.length), 'reasoning', out)
    output(e.id, m, 'content', content.slice(m.content.length), out)
    output(e.id, m, 'refusal', (e.refusal ?? '').slice(m.refusal.length), out)
    e.tool_calls?.forEach((call, index) => {
      m.calls.set(index, {
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
        info: call.tool_info,
      })
    })
    if (e.usage) usage(s, e.usage, out)
    if (e.finish_reason) finishMessage(s, e.id, m, out)
  },
  'model.message.delta': (s, e, out) => {
    const m = seen(s, e.id, e.thread_id)
    addText(e.id, m, e.reasoning_content ?? '', 'reasoning', out)
    output(e.id, m, 'content', e.content ?? '', out)
    output(e.id, m, 'refusal', e.refusal ?? '', out)
    for (const chunk of e.tool_calls ?? []) {
      const call = m.calls.get(chunk.index) ?? { arguments: '' }
      if (chunk.id) call.id = chunk.id
      if (chunk.function?.name) call.name = chunk.function.name
      call.arguments += chunk.function?.arguments ?? ''
      if (chunk.tool_info) call.info = chunk.tool_info
      m.calls.set(chunk.index, call)
    }
    if (e.usage) usage(s, e.usage, out)
    if (e.finish_reason) finishMessage(s, e.id, m, out)
  },
  'tool.response': (s, e, out) => {
    finishAll(s, out)
    announce(s, e.tool_call_id, agentTool(s, e.tool_call_id), out)
    out.push({ type: 'tool.result', callId: e.tool_call_id, output: e.content, ...withExecution(e.thread_id) })
  },
  'tool.approval_required': (s, e, out) => {
    finishAll(s, out)
    const ids = e.tool_calls.map((c) => c.id)
    for (const id of ids) announce(s, id, { ...agentTool(s, id), approvalRequired: true }, out)
    s.pending.push({ reason: 'approval', callIds: ids })
  },
  'tool.response_required': (s, e, out) => {
    finishAll(s, out)
    const ids = e.tool_calls.map((c) => c.id)
    for (const id of ids) announce(s, id, { clientSide: true }, out)
    s.pending.push({ reason: 'client_tool', callIds: ids })
  },
  'thread.created': (s, e, out) => {
    finishAll(s, out)
    announce(s, e.parent.tool_call_id, agentTool(s, e.parent.tool_call_id), out)
    out.push({
      type: 'agent.started',
      executionId: e.thread_id,
      ...(executionOf(e.parent.thread_id) ? { parentExecutionId: e.parent.thread_id } : {}),
      ...(e.parent.tool_call_id ? { callId: e.parent.tool_call_id } : {}),
      name: e.agent_info.name,
      input: e.agent_info.input,
    })
  },
  'thread.done': (s, e, out) => {
    for (const [id, m] of s.messages) if (m.thread === e.thread_id) finishMessage(s, id, m, out)
    const output = e.state.output
    const text = output ? contentText(output.content) : ''
    out.push({
      type: 'agent.completed',
      executionId: e.thread_id,
      name: e.title,
      ...(output
        ? { output: { id: output.id, role: 'assistant', parts: [{ type: 'text', text }], executionId: e.thread_id } }
        : {}),
      ...(e.state.status === 'error' ? { error: { code: 'agent_error', message: e.state.error } } : {}),
    })
  },
  'mcp.initialize': (_s, e, out) => {
    out.push({ type: 'upstream.event', name: e.type, ...withExecution(e.thread_id), ext: { truefoundry: e } })
  },
  'sandbox.created': (_s, e, out) => {
    out.push({ type: 'upstream.event', name: e.type, ext: { truefoundry: e } })
  },
  'mcp.auth_required': (s, e) => {
    const server = e.mcp_servers[0]
    if (server) s.auth = { url: server.auth_url, server: server.name }
  },
  'turn.done': (s, e, out) => {
    finishAll(s, out)
    const { state } = e
    if (state.status === 'cancelled') {
      out.push({ type: 'run.canceled', reason: state.reason })
    } else if (state.status === 'error') {
      out.push({ type: 'run.failed', error: { code: 'upstream_failed', message: state.message } })
    } else {
      const reasoningTokens = state.metrics?.total_reasoning_tokens
      if (!s.sawUsage && state.metrics) {
        out.push({
          type: 'usage',
          inputTokens: state.metrics.total_input_tokens,
          outputTokens: state.metrics.total_output_tokens,
          ...(state.metrics.total_cache_read_tokens ? { cachedTokens: state.metrics.total_cache_read_tokens } : {}),
          ...(state.metrics.total_cache_write_tokens
            ? { cacheWriteTokens: state.metrics.total_cache_write_tokens }
            : {}),
          ...(reasoningTokens ? { reasoningTokens } : {}),
          ...(state.metrics.total_cost_in_usd !== undefined ? { costUsd: state.metrics.total_cost_in_usd } : {}),
        })
      } else if (reasoningTokens || state.metrics?.total_cost_in_usd !== undefined) {
        // Per-call usage has no reasoning count or cost; the turn's metrics do (usage events add up).
        const cost = state.metrics?.total_cost_in_usd
        out.push({
          type: 'usage',
          inputTokens: 0,
          outputTokens: 0,
          ...(reasoningTokens ? { reasoningTokens } : {}),
          ...(cost !== undefined ? { costUsd: cost } : {}),
        })
      }
      const waiting = s.pending.flatMap((p) => p.callIds)
      if (waiting.length || s.auth) {
        // Calls neither paused on nor answered were the agent's own.
        for (const id of s.held.keys()) if (!waiting.includes(id)) announce(s, id, agentTool(s, id), out)
        out.push(
          s.auth && !waiting.length
            ? {
                type: 'interrupt',
                interruptId: newId('int'),
                reason: 'auth',
                callIds: [],
                payload: { auth_url: s.auth.url, server: s.auth.server },
                message: {
                  id: newId(),
                  role: 'assistant',
                  parts: [
                    { type: 'text', text: `Authorize ${s.auth.server} at ${s.auth.url}, then send the next message.` },
                  ],
                },
              }
            : {
                type: 'interrupt',
                interruptId: newId('int'),
                reason: s.pending[0]?.reason ?? 'client_tool',
                callIds: waiting,
              },
        )
        out.push({ type: 'run.status', status: 'input_required' })
      } else {
        for (const id of s.held.keys()) announce(s, id, agentTool(s, id), out)
        out.push({ type: 'run.completed' })
      }
    }
    s.done = true
  },
}

function usage(
  s: TurnDecoderState,
  u: {
    input_tokens: number
    output_tokens: number
    cache_read_tokens?: number
    cache_write_tokens?: number
    input_tokens_breakdown?: unknown
  },
  out: Out,
) {
  s.sawUsage = true
  out.push({
    type: 'usage',
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    ...(u.cache_read_tokens ? { cachedTokens: u.cache_read_tokens } : {}),
    ...(u.cache_write_tokens ? { cacheWriteTokens: u.cache_write_tokens } : {}),
    // Where the input tokens went (harness, skills, instructions, tools, messages): no other dialect has a place.
    ...(u.input_tokens_breakdown ? { ext: { truefoundry: { input_tokens_breakdown: u.input_tokens_breakdown } } } : {}),
  })
}
