// Canonical events → TrueFoundry turn events (Surface B: sessions and turns). One table row per canonical event.
//
// Event ids and times come from the run log (its seq and time), so the same slice of the log always encodes the same:
// a subscribe replays a turn by encoding it again and skipping the sequence numbers the client already has. Live, a
// message is a `model.message` base and `model.message.delta`s sharing its id; assembled (the events lists, which hold
// no deltas), it is one whole `model.message` when it completes.
import type { EventOf, Message, RunEvent, RunEventType, ToolCall, Usage } from '../../core/index.js'
import { addUsage, emptyUsage, isObject, textAndDataOf, textOf } from '../../core/index.js'
import type {
  ModelMessageEvent,
  RequiredAction,
  ToolInfo,
  TurnDoneState,
  TurnInputItem,
  TurnStreamingEvent,
} from './sessions-wire.js'

/** The root agent's thread. */
export const MAIN_THREAD = 'main'

/** TrueFoundry's client-side tool for a question to the user (how a free-form question is asked). */
export const ASK_USER = 'ask_user_question'

export interface TurnEncoderInit {
  turnId: string
  previousTurnId: string | null
  input: TurnInputItem[]
  /** Who started the turn (the request's principal). */
  createdBy: { subject_id: string; subject_type: string; subject_slug: string }
  /** When the turn started (epoch ms). */
  startedAt: number
  /** The agent: the server of its own tools. */
  agentId: string
  /** Live (`model.message` base + deltas, the default) or assembled (one whole `model.message`: the events lists). */
  deltas?: boolean
  /** A turn that answers a pause: the calls it answers (their results come in this turn). */
  priorCalls?: ToolCall[]
}

interface OpenMessage {
  eventId: string
  threadId: string
  createdAt: string
  content: string
  reasoning: string
  refusal: string
  toolCalls: NonNullable<ModelMessageEvent['tool_calls']>
  finish?: string
}

export interface TurnEncoderState extends TurnEncoderInit {
  done: boolean
  messages: Map<string, OpenMessage>
  /** Tool calls by call id: the `model.message` holding each, for `source_event_id`. */
  calls: Map<string, { eventId: string; threadId: string; call: ToolCall }>
  threads: Map<string, { title: string; parent: { thread_id: string; tool_call_id: string } }>
  required: RequiredAction[]
  /** The root agent's last whole message: the turn's `output`. */
  output?: ModelMessageEvent
  /** Each sub-agent's last whole message: its `thread.done` output. */
  threadOutputs: Map<string, ModelMessageEvent>
  usage: Usage
  /** Event id and time of the canonical event being encoded. */
  seq: number
  part: number
  now: number
}

export function createTurnEncoder(init: TurnEncoderInit): TurnEncoderState {
  return {
    deltas: true,
    ...init,
    done: false,
    messages: new Map(),
    calls: new Map(
      (init.priorCalls ?? []).map((call) => [
        call.callId,
        { eventId: callEventId(call.callId), threadId: MAIN_THREAD, call },
      ]),
    ),
    threads: new Map(),
    required: [],
    threadOutputs: new Map(),
    usage: emptyUsage(),
    seq: 0,
    part: 0,
    now: init.startedAt,
  }
}

const iso = (ms: number) => new Date(ms).toISOString()
const callEventId = (callId: string) => `tc_${callId}`
const messageEventId = (messageId: string) => `msg_${messageId}`

/** A fresh event id, stable for this slice of the log: the turn, the log seq, the event's place among its outputs. */
function nextId(s: TurnEncoderState): string {
  s.part += 1
  return `${s.turnId}.${s.seq}.${s.part}`
}

/** `turn.created`: the stream's first event, before the agent says anything. */
export function openTurn(s: TurnEncoderState): TurnStreamingEvent {
  return {
    type: 'turn.created',
    id: `${s.turnId}.0`,
    turn_id: s.turnId,
    previous_turn_id: s.previousTurnId,
    input: s.input,
    state: { status: 'running' },
    created_by: s.createdBy,
    created_at: iso(s.startedAt),
    thread_id: null,
  }
}

type Out = TurnStreamingEvent[]
type Handler<T extends RunEventType> = (s: TurnEncoderState, e: EventOf<T>, out: Out) => void

/** The turn events one canonical event becomes (none once the turn is over). */
export function encodeTurn(state: TurnEncoderState, event: RunEvent): TurnStreamingEvent[] {
  if (state.done) return []
  state.seq = event.seq
  state.part = 0
  state.now = event.time
  const out: Out = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  return out
}

const threadOf = (executionId?: string) => executionId ?? MAIN_THREAD

/** The tool's `tool_info`: the agent's own tools are on its server; client-side tools on the pseudo-server `client`. */
const toolInfo = (s: TurnEncoderState, call: ToolCall): ToolInfo => {
  // A question to the user is one of TrueFoundry's own tools.
  if (call.name === ASK_USER && call.tool?.clientSide) return { type: 'truefoundry-system', name: ASK_USER }
  const server = call.tool?.clientSide ? 'client' : (call.tool?.server ?? s.agentId)
  return { type: 'mcp', server_id: server, server_name: server, name: call.name }
}

const wholeCall = (s: TurnEncoderState, call: ToolCall) => ({
  id: call.callId,
  type: 'function' as const,
  function: { name: call.name, arguments: call.arguments },
  tool_info: toolInfo(s, call),
})

/** A message as a whole `model.message`. */
function whole(m: OpenMessage): ModelMessageEvent {
  return {
    type: 'model.message',
    id: m.eventId,
    thread_id: m.threadId,
    created_at: m.createdAt,
    content: m.content,
    ...(m.reasoning ? { reasoning_content: m.reasoning } : {}),
    ...(m.refusal ? { refusal: m.refusal } : {}),
    ...(m.toolCalls.length ? { tool_calls: m.toolCalls } : {}),
    ...(m.finish ? { finish_reason: m.finish } : {}),
  }
}

/**
 * The message a canonical id stands for, while it is open. One that already finished and says more is a new model
 * message with an id of its own (an upstream may send one message in two parts: a Responses reasoning item, then its
 * message item).
 */
function openOf(s: TurnEncoderState, key: string): OpenMessage | undefined {
  const known = s.messages.get(key)
  return known && !known.finish ? known : undefined
}
const freshEventId = (s: TurnEncoderState, key: string) => (s.messages.has(key) ? `${key}_${s.messages.size}` : key)

function open(s: TurnEncoderState, key: string, executionId: string | undefined, out: Out): OpenMessage {
  const known = openOf(s, key)
  if (known) return known
  const eventId = freshEventId(s, key)
  const m: OpenMessage = {
    eventId,
    threadId: threadOf(executionId),
    createdAt: iso(s.now),
    content: '',
    reasoning: '',
    refusal: '',
    toolCalls: [],
  }
  s.messages.set(key, m)
  if (s.deltas)
    out.push({ type: 'model.message', id: eventId, thread_id: m.threadId, created_at: m.createdAt, content: '' })
  return m
}

function delta(s: TurnEncoderState, m: OpenMessage, fields: Record<string, unknown>, out: Out) {
  if (!s.deltas) return
  out.push({ type: 'model.message.delta', id: m.eventId, thread_id: m.threadId, ...fields } as TurnStreamingEvent)
}

/** A message ends: its finishing delta live, or the whole message assembled; remembered as its thread's output. */
function finish(s: TurnEncoderState, m: OpenMessage, reason: string, out: Out) {
  if (m.finish) return
  m.finish = reason
  if (s.deltas) delta(s, m, { finish_reason: reason }, out)
  else out.push(whole(m))
  if (reason !== 'stop') return
  if (m.threadId === MAIN_THREAD) s.output = whole(m)
  else s.threadOutputs.set(m.threadId, whole(m))
}

/** A message that came whole (no start or deltas seen). */
function wholeMessage(s: TurnEncoderState, message: Message, executionId: string | undefined, out: Out) {
  const key = messageEventId(message.id)
  const seen = openOf(s, key)
  const m = seen ?? {
    eventId: freshEventId(s, key),
    threadId: threadOf(executionId),
    createdAt: iso(s.now),
    content: '',
    reasoning: '',
    refusal: '',
    toolCalls: [],
  }
  if (!seen) {
    s.messages.set(key, m)
    m.content = textAndDataOf(message.parts)
    m.reasoning = message.reasoning ?? ''
    m.refusal = message.refusal ?? ''
    if (s.deltas) {
      // Whole at once: the message event itself carries the text and the finish reason.
      m.finish = 'stop'
      out.push(whole(m))
      if (m.threadId === MAIN_THREAD) s.output = whole(m)
      else s.threadOutputs.set(m.threadId, whole(m))
      return
    }
  } else {
    // Completed with text (data parts, as JSON), or a refusal, its deltas never carried.
    const content = textAndDataOf(message.parts)
    if (content.startsWith(m.content) && content.length > m.content.length) {
      delta(s, m, { content: content.slice(m.content.length) }, out)
      m.content = content
    }
    if (!m.refusal && message.refusal) {
      m.refusal = message.refusal
      delta(s, m, { refusal: m.refusal }, out)
    }
  }
  finish(s, m, 'stop', out)
}

const metrics = (u: Usage) =>
  u.inputTokens + u.outputTokens > 0
    ? {
        metrics: {
          total_input_tokens: u.inputTokens,
          total_output_tokens: u.outputTokens,
          total_tokens: u.inputTokens + u.outputTokens,
          ...(u.cachedTokens ? { total_cache_read_tokens: u.cachedTokens } : {}),
          ...(u.reasoningTokens ? { total_reasoning_tokens: u.reasoningTokens } : {}),
          ...(u.cacheWriteTokens ? { total_cache_write_tokens: u.cacheWriteTokens } : {}),
          ...(u.costUsd !== undefined ? { total_cost_in_usd: u.costUsd } : {}),
        },
      }
    : {}

/**
 * The turn ends (completed, or paused): a message still open (an artifact whose last chunk never came, say) finishes
 * now, so an assembled turn still shows it.
 */
function finishOpen(s: TurnEncoderState, out: Out) {
  for (const [key, m] of s.messages) if (key.startsWith('msg_') && !m.finish) finish(s, m, 'stop', out)
}

function turnDone(s: TurnEncoderState, state: TurnDoneState, out: Out) {
  out.push({ type: 'turn.done', id: nextId(s), state, created_at: iso(s.now), thread_id: null })
  s.done = true
}

/** A pause the client must answer, announced on the call's thread and kept for `turn.done`'s `required_actions`. */
function required(
  s: TurnEncoderState,
  type: 'tool.approval_required' | 'tool.response_required',
  callIds: string[],
  out: Out,
) {
  const refs = callIds.flatMap((id) => {
    const known = s.calls.get(id)
    return known ? [{ id, source_event_id: known.eventId, threadId: known.threadId }] : []
  })
  const threads = [...new Set(refs.map((r) => r.threadId))]
  for (const threadId of threads) {
    const event = {
      type,
      id: nextId(s),
      thread_id: threadId,
      tool_calls: refs
        .filter((r) => r.threadId === threadId)
        .map(({ id, source_event_id }) => ({ id, source_event_id })),
      created_at: iso(s.now),
    }
    out.push(event)
    s.required.push(event)
  }
}

/** A call the turn shows: a `model.message` of its own holding it (its events are the caller's to send). */
function showCall(s: TurnEncoderState, call: ToolCall, executionId: string | undefined) {
  const eventId = callEventId(call.callId)
  s.calls.set(call.callId, { eventId, threadId: threadOf(executionId), call })
  const m: OpenMessage = {
    eventId,
    threadId: threadOf(executionId),
    createdAt: iso(s.now),
    content: '',
    reasoning: '',
    refusal: '',
    toolCalls: [wholeCall(s, call)],
  }
  s.messages.set(eventId, m)
  return m
}

const handlers: { [T in RunEventType]: Handler<T> } = {
  // `turn.created` comes from `openTurn`, when the stream opens.
  'run.created': () => {},
  'run.status': (s, e, out) => {
    if (e.status !== 'input_required') return
    finishOpen(s, out)
    turnDone(
      s,
      { status: 'done', output: null, required_actions: s.required, completed_at: iso(s.now), ...metrics(s.usage) },
      out,
    )
  },
  'message.started': (s, e, out) => {
    if (e.role !== 'assistant') return
    open(s, messageEventId(e.messageId), e.executionId, out)
  },
  'message.delta': (s, e, out) => {
    const m = open(s, messageEventId(e.messageId), e.executionId, out)
    if (e.channel === 'reasoning') {
      m.reasoning += e.delta
      delta(s, m, { reasoning_content: e.delta }, out)
    } else if (e.channel === 'refusal') {
      m.refusal += e.delta
      delta(s, m, { refusal: e.delta }, out)
    } else {
      m.content += e.delta
      delta(s, m, { content: e.delta }, out)
    }
  },
  'message.completed': (s, e, out) => {
    if (e.message.role !== 'assistant') return
    wholeMessage(s, e.message, e.executionId ?? e.message.executionId, out)
  },
  'tool.call.started': (s, e, out) => {
    const call: ToolCall = { callId: e.callId, name: e.name, arguments: '', tool: e.tool }
    const m = showCall(s, call, e.executionId)
    if (!s.deltas) return
    out.push({
      type: 'model.message',
      id: m.eventId,
      thread_id: m.threadId,
      created_at: m.createdAt,
      content: '',
      tool_calls: [wholeCall(s, call)],
    })
  },
  'tool.call.delta': (s, e, out) => {
    const known = s.calls.get(e.callId)
    const m = known && s.messages.get(known.eventId)
    if (!known || !m) return
    known.call = { ...known.call, arguments: known.call.arguments + e.delta }
    m.toolCalls = [wholeCall(s, known.call)]
    delta(s, m, { tool_calls: [{ index: 0, function: { arguments: e.delta } }] }, out)
  },
  'tool.call.completed': (s, e, out) => {
    const call: ToolCall = { callId: e.callId, name: e.name, arguments: e.arguments, tool: e.tool }
    const known = s.calls.get(e.callId)
    let m = known && s.messages.get(known.eventId)
    if (!m) {
      // Whole at once: the message event carries the call and its finish reason.
      m = showCall(s, call, e.executionId)
      m.finish = 'tool_calls'
      out.push(whole(m))
      return
    }
    const sent = known?.call.arguments ?? ''
    if (known) known.call = call
    m.toolCalls = [wholeCall(s, call)]
    // Arguments the deltas did not carry (a call announced, then completed whole).
    if (e.arguments.startsWith(sent) && e.arguments.length > sent.length) {
      delta(s, m, { tool_calls: [{ index: 0, function: { arguments: e.arguments.slice(sent.length) } }] }, out)
    }
    finish(s, m, 'tool_calls', out)
  },
  'tool.result': (s, e, out) => {
    const known = s.calls.get(e.callId)
    out.push({
      type: 'tool.response',
      id: nextId(s),
      thread_id: known?.threadId ?? threadOf(e.executionId),
      tool_call_id: e.callId,
      content: typeof e.output === 'string' ? e.output : textOf(e.output),
      created_at: iso(s.now),
    })
  },
  interrupt: (s, e, out) => {
    if (e.reason === 'auth') {
      const payload = (e.payload ?? {}) as { auth_url?: unknown; server?: unknown; url?: unknown }
      const url =
        typeof payload.auth_url === 'string' ? payload.auth_url : typeof payload.url === 'string' ? payload.url : ''
      const server = typeof payload.server === 'string' ? payload.server : s.agentId
      const event = {
        type: 'mcp.auth_required' as const,
        id: nextId(s),
        mcp_servers: [{ id: server, name: server, auth_url: url }],
        created_at: iso(s.now),
        // A turn-level event: null, unless a sub-agent's server asks.
        thread_id: e.executionId ?? null,
      }
      out.push(event)
      s.required.push(event)
      return
    }
    let callIds = e.callIds
    if (!callIds.length) {
      // A question or a typed interrupt without a call of its own: a client-side call that asks it
      // (`ask_user_question`, as TrueFoundry's own agents ask), answered by a `user.tool_response`.
      const question = e.message ? textOf(e.message.parts) : undefined
      const name = e.interruptType && e.reason !== 'input' ? e.interruptType : ASK_USER
      const args =
        name === ASK_USER ? { question: question ?? '', ...(isObject(e.payload) ? e.payload : {}) } : e.payload
      const call: ToolCall = {
        callId: e.interruptId,
        name,
        arguments: JSON.stringify(args ?? {}),
        tool: { clientSide: true },
      }
      const m = showCall(s, call, e.executionId)
      m.finish = 'tool_calls'
      out.push(whole(m))
      callIds = [e.interruptId]
    }
    required(s, e.reason === 'approval' ? 'tool.approval_required' : 'tool.response_required', callIds, out)
  },
  'artifact.delta': (s, e, out) => {
    const m = open(s, messageEventId(e.artifactId), e.executionId, out)
    const text = e.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')
    if (!e.append && m.content) {
      // A rewrite: TrueFoundry messages only grow, so the new version is a message of its own.
      s.messages.delete(messageEventId(e.artifactId))
    }
    if (text) {
      m.content += text
      delta(s, m, { content: text }, out)
    }
    if (e.lastChunk) finish(s, m, 'stop', out)
  },
  'artifact.completed': (s, e, out) => {
    const m = s.messages.get(messageEventId(e.artifact.artifactId))
    if (m?.finish) return
    wholeMessage(s, { id: e.artifact.artifactId, role: 'assistant', parts: e.artifact.parts }, e.executionId, out)
  },
  'agent.started': (s, e, out) => {
    const parent = { thread_id: threadOf(e.parentExecutionId), tool_call_id: e.callId ?? '' }
    s.threads.set(e.executionId, { title: e.name, parent })
    out.push({
      type: 'thread.created',
      id: nextId(s),
      thread_id: e.executionId,
      title: e.name,
      parent,
      agent_info: {
        type: 'dynamic',
        name: e.name,
        input: typeof e.input === 'string' ? e.input : JSON.stringify(e.input ?? ''),
      },
      created_at: iso(s.now),
    })
  },
  'agent.completed': (s, e, out) => {
    const thread = s.threads.get(e.executionId)
    const title = thread?.title ?? e.name ?? e.executionId
    let output = s.threadOutputs.get(e.executionId)
    if (!output && e.output) {
      output = {
        type: 'model.message',
        id: messageEventId(e.output.id),
        thread_id: e.executionId,
        created_at: iso(s.now),
        content: textOf(e.output.parts),
        finish_reason: 'stop',
      }
    }
    const state = e.error
      ? { status: 'error' as const, error: e.error.message, ...(output ? { output } : {}) }
      : {
          status: 'done' as const,
          output: output ?? {
            type: 'model.message' as const,
            id: `${e.executionId}.output`,
            thread_id: e.executionId,
            created_at: iso(s.now),
            content: '',
            finish_reason: 'stop',
          },
        }
    out.push({
      type: 'thread.done',
      id: nextId(s),
      thread_id: e.executionId,
      title,
      ...(thread ? { parent: thread.parent } : {}),
      state,
      created_at: iso(s.now),
    })
  },
  usage: (s, e) => {
    addUsage(s.usage, e)
  },
  // No turn event carries a foreign one; the run log keeps it.
  'upstream.event': () => {},
  'run.completed': (s, e, out) => {
    for (const m of e.output ?? []) if (!s.messages.has(messageEventId(m.id))) wholeMessage(s, m, m.executionId, out)
    finishOpen(s, out)
    turnDone(
      s,
      { status: 'done', output: s.output ?? null, required_actions: [], completed_at: iso(s.now), ...metrics(s.usage) },
      out,
    )
  },
  'run.failed': (s, e, out) =>
    turnDone(s, { status: 'error', message: e.error.message, completed_at: iso(s.now), ...metrics(s.usage) }, out),
  'run.canceled': (s, e, out) => {
    const reason = e.reason === 'cancelled-for-next-turn' ? 'cancelled-for-next-turn' : 'client-cancelled'
    turnDone(s, { status: 'cancelled', reason, completed_at: iso(s.now) }, out)
  },
}
