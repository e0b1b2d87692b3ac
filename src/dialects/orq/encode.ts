// Canonical events → the Orq task stream (`stream-task`, `stream-run`): one table row per canonical event.
//
// Orq streams no token deltas: text arrives in `event.agents.thought` snapshots whose `message_difference` holds every
// changed message whole, keyed by its index in the task's conversation. A delta therefore only marks the answer
// stale; a thought goes out at each boundary (a message or tool call completes, the turn ends) and whenever the face
// takes one (`takeThought`, on a steady cadence), so output grows with time, not with the square of the tokens.
import type { EventOf, Message, RunEvent, RunEventType, ToolCall, Usage as CanonicalUsage } from '../../core/index.js'
import { addUsage, emptyUsage, jsonOrText, refusalAsText, textOf } from '../../core/index.js'
import { argumentsObject, toOrqPart, toolCallPart } from './parts.js'
import type { AgentStreamEvent, FinishReason, Part, PendingToolCall, ThoughtMessage, Usage } from './wire.js'

/** What the face knows when a turn's stream opens. */
export interface OrqEncoderInit {
  taskId: string
  /** One per turn (Orq's workflow run). */
  workflowRunId: string
  /** The configured agent: Orq's manifest id and key. */
  agentId: string
  /** The turn's input, as the client sent it (echoed in `event.agents.started`). */
  input: { messageId?: string; role: 'user' | 'tool'; parts: Part[] }
  instructions?: string
  modelId?: string
  /** The task had turns before this one. */
  continuation: boolean
  /** Index in the task's conversation of this turn's first answer message (the input is the one before). */
  firstIndex: number
  /** When the turn started (epoch ms): `accumulated_execution_time` counts from here. */
  startedAt: number
  /** A turn that answers a pause: the calls it answers (their tools run now), and the reviews it gives. */
  priorCalls?: ToolCall[]
  reviews?: { callId: string; approved: boolean }[]
  /** `change`: a thought per delta; `boundary` (the face's default): deltas wait for a boundary or `takeThought`. */
  thoughts?: 'change' | 'boundary'
}

interface OpenMessage {
  index: number
  message: ThoughtMessage
  /** Text so far (the message's one text part, appended to). */
  text: string
  done: boolean
}

export interface OrqEncoderState extends OrqEncoderInit {
  done: boolean
  messages: Map<string, OpenMessage>
  /** Messages changed since the last thought went out, in order. */
  changed: Set<string>
  nextIndex: number
  /** The message the model's `choice` is about (the latest answer message of the root agent). */
  current?: string
  reasoning: string
  /** Messages whose reasoning came as deltas (a completed message's own reasoning is then not added again). */
  reasoned: Set<string>
  calls: Map<string, ToolCall>
  /** Client tool calls the next `inactive` lists as pending. */
  pending: ToolCall[]
  usage: CanonicalUsage
  iteration: number
  /** Set on the thought that ends an iteration (`tool_calls`, `stop`). */
  finish?: 'stop' | 'tool_calls' | 'length' | 'content_filter'
  /** The time of the last event seen (epoch ms). */
  now: number
  /** Tool executions this stream reported started (a result without one gets its start first). */
  started: Set<string>
  /** A boundary (a message or artifact done) owes a thought: it goes out before the next event's own output, or
   * with the turn's end, whose finish reason it then carries. */
  owed: boolean
  /** How the turn ended: finished or paused (`inactive`), or failed (`errored`). */
  finishReason?: FinishReason
  error?: { message: string; code: number }
}

export const WORKSPACE_ID = 'dialect-bridge'

/** An agent's model as Orq names one (`provider/model`): the bridge is the provider. */
export const modelId = (agentId: string): string => `${WORKSPACE_ID}/${agentId}`

export function createEncoder(init: OrqEncoderInit): OrqEncoderState {
  return {
    thoughts: 'boundary',
    ...init,
    done: false,
    messages: new Map(),
    changed: new Set(),
    nextIndex: init.firstIndex,
    reasoning: '',
    reasoned: new Set(),
    calls: new Map((init.priorCalls ?? []).map((c) => [c.callId, c])),
    pending: [],
    usage: emptyUsage(),
    iteration: 1,
    now: init.startedAt,
    started: new Set(),
    owed: false,
  }
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The two events every turn's stream starts with, before the agent says anything. */
export function openTask(s: OrqEncoderState): AgentStreamEvent[] {
  const timestamp = iso(s.startedAt)
  return [
    {
      type: 'agents.execution_started',
      timestamp,
      data: { agent_task_id: s.taskId, workspace_id: WORKSPACE_ID, trace_id: s.workflowRunId },
    },
    {
      type: 'event.agents.started',
      timestamp,
      data: {
        workflowRunId: s.workflowRunId,
        inputMessage: s.input,
        modelId: s.modelId ?? modelId(s.agentId),
        instructions: s.instructions ?? '',
        system_prompt: '',
        agent_manifest_id: s.agentId,
        agent_key: s.agentId,
        ...(s.continuation ? { is_continuation: true } : {}),
        stream: true,
      },
    },
    // The client's answers to approvals, reported as Orq reports a review.
    ...(s.reviews ?? []).map(
      (r): AgentStreamEvent => ({
        type: 'event.agents.action_reviewed',
        timestamp,
        data: {
          agent_id: s.agentId,
          action_id: r.callId,
          agent_tool_call_id: r.callId,
          review: r.approved ? 'approved' : 'rejected',
          review_source: 'api',
          workflowRunId: s.workflowRunId,
        },
      }),
    ),
  ]
}

type Out = AgentStreamEvent[]
type Handler<T extends RunEventType> = (s: OrqEncoderState, e: EventOf<T>, out: Out) => void

/** The Orq events one canonical event becomes (none once the turn is over). */
export function encode(state: OrqEncoderState, event: RunEvent): AgentStreamEvent[] {
  if (state.done) return []
  state.now = event.time
  const out: Out = []
  if (state.owed && !closesTurn(event) && !QUIET.has(event.type)) thought(state, out)
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  return out
}

/**
 * Events an owed thought waits past: they show nothing of their own (usage comes just before the end; an artifact's
 * completion after its last chunk repeats it). Any other event's output follows the owed thought.
 */
const QUIET = new Set<RunEventType>([
  'usage',
  'upstream.event',
  'run.created',
  'tool.call.started',
  'tool.call.delta',
  'artifact.completed',
])

/** Events whose handling ends the turn: an owed thought waits for them, to carry their finish reason. */
const closesTurn = (e: RunEvent) =>
  e.type === 'run.completed' ||
  e.type === 'run.failed' ||
  e.type === 'run.canceled' ||
  (e.type === 'run.status' && e.status === 'input_required')

/** The thought owed since deltas changed the answer, if any; taking it clears the debt. */
export function takeThought(s: OrqEncoderState): AgentStreamEvent | undefined {
  if (s.done || s.changed.size === 0) return undefined
  const out: Out = []
  thought(s, out)
  return out[0]
}

/** How many characters the changed messages hold: what makes the next thought long. */
export const thoughtSize = (s: OrqEncoderState): number => {
  let size = 0
  for (const id of s.changed) size += s.messages.get(id)?.text.length ?? 0
  return size
}

// ── Building blocks ──────────────────────────────────────────────────────────────────────────────────────────

const agentOf = (s: OrqEncoderState, executionId?: string) => executionId ?? s.agentId

/** Opens an answer message (or returns the open one with this id). */
function open(s: OrqEncoderState, messageId: string, executionId?: string): OpenMessage {
  const known = s.messages.get(messageId)
  if (known) return known
  const message: OpenMessage = {
    index: s.nextIndex++,
    text: '',
    done: false,
    message: {
      messageId,
      role: 'agent',
      parts: [],
      agent_id: agentOf(s, executionId),
      agent_execution_id: executionId ?? s.taskId,
      workspace_id: WORKSPACE_ID,
    },
  }
  s.messages.set(messageId, message)
  if (!executionId) s.current = messageId
  return message
}

/** Sets the message's text part (kept first, before tool calls). */
function setText(m: OpenMessage, text: string) {
  m.text = text
  const parts = m.message.parts.filter((p) => p.kind !== 'text')
  m.message.parts = text ? [{ kind: 'text', text }, ...parts] : parts
}

/** A thought with every changed message (none when nothing changed and no iteration ended). */
function thought(s: OrqEncoderState, out: Out) {
  if (s.changed.size === 0 && !s.finish) return
  const difference: Record<string, ThoughtMessage> = {}
  // The choice is the model's of the agent whose message changed last (a sub-agent's thought is its own).
  let focus = s.current ? s.messages.get(s.current) : undefined
  for (const id of s.changed) {
    const m = s.messages.get(id)
    if (!m) continue
    difference[String(m.index)] = { ...m.message, parts: [...m.message.parts] }
    focus = m
  }
  s.changed.clear()
  s.owed = false
  const agentId = focus?.message.agent_id ?? s.agentId
  const current = focus
  const calls = current?.message.parts.flatMap((p) =>
    p.kind === 'tool_call' ? [s.calls.get(p.tool_call_id)].filter((c) => c !== undefined) : [],
  )
  out.push({
    type: 'event.agents.thought',
    timestamp: iso(s.now),
    data: {
      agent_id: agentId,
      message_difference: difference,
      choice: {
        finish_reason: s.finish ?? null,
        index: 0,
        message: {
          role: 'assistant',
          content: current?.text ?? null,
          ...(calls?.length
            ? {
                tool_calls: calls.map((c) => ({
                  id: c.callId,
                  type: 'function' as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
          ...(s.reasoning ? { reasoning: s.reasoning } : {}),
        },
      },
      iteration: s.iteration,
      accumulated_execution_time: Math.max(0, s.now - s.startedAt) / 1000,
    },
  })
  if (s.finish === 'tool_calls') s.iteration += 1
  s.finish = undefined
}

const changed = (s: OrqEncoderState, m: OpenMessage, out: Out) => {
  s.changed.add(m.message.messageId)
  if (s.thoughts === 'change') thought(s, out)
}

export const usageOf = (u: CanonicalUsage): Usage => ({
  prompt_tokens: u.inputTokens,
  completion_tokens: u.outputTokens,
  total_tokens: u.inputTokens + u.outputTokens,
  ...(u.cachedTokens || u.cacheWriteTokens
    ? {
        prompt_tokens_details: {
          ...(u.cachedTokens ? { cached_tokens: u.cachedTokens } : {}),
          ...(u.cacheWriteTokens ? { cache_creation_tokens: u.cacheWriteTokens } : {}),
        },
      }
    : {}),
  ...(u.reasoningTokens ? { completion_tokens_details: { reasoning_tokens: u.reasoningTokens } } : {}),
})

export const pendingCall = (c: ToolCall): PendingToolCall => ({
  id: c.callId,
  type: 'function',
  function: { name: c.name, arguments: c.arguments },
})

/** The answer's last message (root agent, text), as `inactive` reports it. */
function lastAnswer(s: OrqEncoderState) {
  const m = s.current ? s.messages.get(s.current) : undefined
  if (!m) return { last_message: '' }
  const { messageId, role, parts, metadata } = m.message
  return {
    last_message: m.text,
    last_message_full: { messageId, role, parts, ...(metadata ? { metadata } : {}) },
  }
}

/** The turn is over: the owed thought, then `inactive` (finished or paused). */
function inactive(s: OrqEncoderState, finish: FinishReason, out: Out) {
  // The owed thought ends the model's iteration: it carries the finish reason the choice had.
  if (s.changed.size) {
    s.finish = finish === 'stop' || finish === 'length' || finish === 'content_filter' ? finish : undefined
    thought(s, out)
  }
  const tokens = s.usage.inputTokens + s.usage.outputTokens > 0
  out.push({
    type: 'event.agents.inactive',
    timestamp: iso(s.now),
    data: {
      ...lastAnswer(s),
      finish_reason: finish,
      ...(s.pending.length ? { pending_tool_calls: s.pending.map(pendingCall) } : {}),
      ...(tokens ? { usage: usageOf(s.usage) } : {}),
      workflowRunId: s.workflowRunId,
    },
  })
  s.finishReason = finish
  s.done = true
}

function errored(s: OrqEncoderState, error: string, code: number, out: Out) {
  thought(s, out)
  out.push({
    type: 'event.agents.errored',
    timestamp: iso(s.now),
    data: { error, code, workflowRunId: s.workflowRunId },
  })
  s.error = { message: error, code }
  s.done = true
}

function executionStarted(s: OrqEncoderState, call: ToolCall, out: Out, executionId?: string) {
  s.started.add(call.callId)
  out.push({
    type: 'event.workflow_events.tool_execution_started',
    timestamp: iso(s.now),
    data: {
      tool_id: call.name,
      tool_key: call.name,
      ...(call.tool?.server ? { tool_display_name: `${call.name} (${call.tool.server})` } : {}),
      action_type: 'function',
      tool_arguments: argumentsObject(call.arguments),
      tool_execution_context: toolContext(s, call.callId, executionId),
      workflowRunId: s.workflowRunId,
    },
  })
}

const toolContext = (s: OrqEncoderState, callId: string, executionId?: string) => ({
  action_id: callId,
  agent_tool_call_id: callId,
  workspace_id: WORKSPACE_ID,
  agent_manifest_id: s.agentId,
  agent_execution_id: executionId ?? s.taskId,
  product: 'agents',
})

/** Run-level error codes as the HTTP-like numbers Orq reports. */
export const ERROR_CODE: Record<string, number> = {
  upstream_timeout: 504,
  timeout: 504,
  not_found: 404,
  invalid_request: 400,
  unauthenticated: 401,
  rate_limited: 429,
}

// ── The table ────────────────────────────────────────────────────────────────────────────────────────────────

const handlers: { [T in RunEventType]: Handler<T> } = {
  // The stream's first two events come from `openTask`, when the face opens the stream.
  'run.created': () => {},
  'run.status': (s, e, out) => {
    if (e.status !== 'input_required') {
      // Waiting for auth: Orq has no such state; the message, if any, is shown as the agent's words.
      if (e.status === 'auth_required' && e.message) addMessage(s, e.message)
      return
    }
    inactive(s, s.pending.length ? 'function_call' : 'stop', out)
  },
  'message.started': (s, e) => {
    if (e.role === 'user') return
    open(s, e.messageId, e.executionId)
  },
  'message.delta': (s, e, out) => {
    if (e.channel === 'reasoning') {
      s.reasoning += e.delta
      s.reasoned.add(e.messageId)
      return
    }
    const m = open(s, e.messageId, e.executionId)
    setText(m, m.text + e.delta)
    changed(s, m, out)
  },
  'message.completed': (s, e) => {
    if (e.message.role === 'user') return
    // Reasoning that came with the message only goes on the next thought, as its deltas would have.
    if (e.message.reasoning && !s.reasoned.has(e.message.id)) s.reasoning += e.message.reasoning
    addMessage(s, refusalAsText(e.message), e.executionId)
  },
  'tool.call.started': (s, e) => {
    s.calls.set(e.callId, { callId: e.callId, name: e.name, arguments: '', tool: e.tool })
  },
  'tool.call.delta': (s, e) => {
    const call = s.calls.get(e.callId)
    if (call) call.arguments += e.delta
  },
  'tool.call.completed': (s, e, out) => {
    const call: ToolCall = { callId: e.callId, name: e.name, arguments: e.arguments, tool: e.tool }
    s.calls.set(e.callId, call)
    const holder = s.current && !e.executionId ? s.messages.get(s.current) : undefined
    const m = holder && !holder.done ? holder : open(s, `call_msg_${e.callId}`, e.executionId)
    m.message.parts.push(toolCallPart(call))
    s.changed.add(m.message.messageId)
    s.finish = 'tool_calls'
    thought(s, out)
    // The agent's own tools run on its side: Orq reports them as tool executions (one awaiting approval once it runs).
    if (!e.tool?.clientSide && !e.tool?.approvalRequired) executionStarted(s, call, out, e.executionId)
  },
  'tool.result': (s, e, out) => {
    const call = s.calls.get(e.callId)
    if (call && !call.tool?.clientSide && !s.started.has(e.callId)) executionStarted(s, call, out, e.executionId)
    const context = toolContext(s, e.callId, e.executionId)
    const common = { action_type: 'function', tool_execution_context: context, workflowRunId: s.workflowRunId }
    const output = typeof e.output === 'string' ? jsonOrText(e.output) : textOf(e.output)
    out.push(
      e.isError
        ? {
            type: 'event.workflow_events.tool_execution_failed',
            timestamp: iso(s.now),
            data: { error: { message: typeof output === 'string' ? output : JSON.stringify(output) }, ...common },
          }
        : {
            type: 'event.workflow_events.tool_execution_finished',
            timestamp: iso(s.now),
            data: { result: output, ...common },
          },
    )
  },
  interrupt: (s, e, out) => {
    const calls = e.callIds.flatMap((id) => {
      const call = s.calls.get(id)
      return call ? [call] : []
    })
    if (e.reason === 'approval') {
      // Orq reports a review and lets its own UI answer it; here the call is listed as pending, and the client answers
      // with a tool result `{approved, reason?}`.
      for (const call of calls) {
        out.push({
          type: 'event.agents.action_review_requested',
          timestamp: iso(s.now),
          data: {
            agent_id: agentOf(s, e.executionId),
            action_id: call.callId,
            requires_approval: true,
            tool: { id: call.name, key: call.name, action_type: 'function', requires_approval: true },
            input: argumentsObject(call.arguments),
            agent_tool_call_id: call.callId,
          },
        })
      }
    }
    if (calls.length) {
      s.pending.push(...calls)
      return
    }
    // A typed interrupt without a tool call: a pending call named after it, whose result answers it.
    if (e.interruptType) {
      const call: ToolCall = {
        callId: e.interruptId,
        name: e.interruptType,
        arguments: JSON.stringify(e.payload ?? {}),
      }
      s.pending.push(call)
      return
    }
    // A free-form question: the agent's words; the next user message answers it.
    if (e.message) addMessage(s, e.message)
  },
  'artifact.delta': (s, e, out) => {
    const m = open(s, `artifact_${e.artifactId}`, e.executionId)
    if (!e.append) {
      m.message.parts = []
      m.text = ''
    }
    for (const part of e.parts) {
      if (part.type === 'text') setText(m, m.text + part.text)
      else m.message.parts.push(toOrqPart(part))
    }
    changed(s, m, out)
    if (e.lastChunk) {
      m.done = true
      s.owed = true
    }
  },
  'artifact.completed': (s, e) => {
    const m = open(s, `artifact_${e.artifact.artifactId}`, e.executionId)
    const parts = e.artifact.parts.map(toOrqPart)
    // Already sent whole by its last chunk: nothing changed.
    if (m.done && JSON.stringify(parts) === JSON.stringify(m.message.parts)) return
    m.message.parts = parts
    m.text = textOf(e.artifact.parts)
    m.done = true
    s.changed.add(m.message.messageId)
    s.owed = true
  },
  'agent.started': (s, e, out) => {
    thought(s, out)
    out.push({
      type: 'event.agents.handed_off',
      timestamp: iso(s.now),
      data: { agent_id: e.executionId, input: typeof e.input === 'string' ? e.input : JSON.stringify(e.input ?? '') },
    })
  },
  // Orq has no event for a sub-agent finishing: its last thought is its last word.
  'agent.completed': (s, _e, out) => thought(s, out),
  usage: (s, e) => {
    addUsage(s.usage, e)
  },
  // No Orq event carries a foreign one; the run log keeps it.
  'upstream.event': () => {},
  'run.completed': (s, e, out) => {
    for (const m of e.output ?? []) if (!s.messages.has(m.id)) addMessage(s, m)
    const reason = e.incomplete?.reason
    inactive(s, reason === 'content_filter' ? 'content_filter' : reason ? 'length' : 'stop', out)
  },
  'run.failed': (s, e, out) => errored(s, e.error.message, ERROR_CODE[e.error.code] ?? 500, out),
  'run.canceled': (s, e, out) => errored(s, `The run was canceled${e.reason ? `: ${e.reason}` : ''}.`, 499, out),
}

/** A whole message from the agent (completed, or an interrupt's question): set as it is; it owes a thought. */
function addMessage(s: OrqEncoderState, message: Message, executionId = message.executionId) {
  if (message.role === 'user' || message.role === 'system') return
  const m = open(s, message.id, executionId)
  const calls = m.message.parts.filter((p) => p.kind === 'tool_call')
  const content = message.parts.filter((p) => p.type !== 'text').map(toOrqPart)
  m.message.parts = []
  setText(m, textOf(message.parts))
  m.message.parts.push(...content, ...calls)
  if (message.phase === 'commentary') m.message.metadata = { phase: 'commentary' }
  m.done = true
  s.changed.add(message.id)
  s.owed = true
}
