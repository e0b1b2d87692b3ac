// The Orq task stream → canonical events (the bridge as an Orq client): one table row per event type.
//
// Text comes as snapshots (`message_difference` holds each changed message whole), so each message's text is diffed
// against what was seen of it: an extension is a delta, a rewrite closes the message and opens a new one. A tool
// call in a thought is held until Orq says whose it is: a tool execution (the agent's own tool) or `inactive` with
// `pending_tool_calls` (a client tool, which pauses the run). Sub-agents are inferred: `handed_off` starts one, and
// the root agent speaking again ends it (Orq has no event for that).
import type { AgentEvent, Message, Part as CanonicalPart, ToolInfo } from '../../core/index.js'
import { newId } from '../../core/index.js'
import { fromOrqPart } from './parts.js'
import type { AgentStreamEvent, Part } from './wire.js'

interface SeenMessage {
  /** The canonical id: Orq's, or a new one after a rewrite. */
  id: string
  text: string
  reasoning: string
  refusal: string
  parts: CanonicalPart[]
  executionId?: string
  open: boolean
}

interface SeenCall {
  name: string
  arguments: string
  executionId?: string
}

export interface OrqDecoderState {
  done: boolean
  /** The upstream task (continuation handle), from `agents.execution_started`. */
  taskId?: string
  /** The root agent's id (`agent_manifest_id`): messages of any other agent are a sub-agent's. */
  rootAgentId?: string
  messages: Map<string, SeenMessage>
  calls: Map<string, SeenCall>
  announced: Set<string>
  /** Calls whose result went out. */
  results: Set<string>
  /** Sub-agents handed off to and not yet done. */
  subAgents: Set<string>
}

export const createDecoder = (): OrqDecoderState => ({
  done: false,
  messages: new Map(),
  calls: new Map(),
  announced: new Set(),
  results: new Set(),
  subAgents: new Set(),
})

type Out = AgentEvent[]
type EventOf<T extends AgentStreamEvent['type']> = Extract<AgentStreamEvent, { type: T }>
type Handler<T extends AgentStreamEvent['type']> = (s: OrqDecoderState, e: EventOf<T>, out: Out) => void

export function decode(state: OrqDecoderState, event: AgentStreamEvent): AgentEvent[] {
  if (state.done) return []
  const out: Out = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  return out
}

/** Where Orq's own tools run: on Orq, not at the client (faces show them as the agent's tools, e.g. `mcp_call`). */
const ORQ_TOOL: ToolInfo = { server: 'orq', clientSide: false }

/** The execution a message or event belongs to: none for the root agent. */
const executionOf = (s: OrqDecoderState, agentId: string | undefined) =>
  agentId && s.rootAgentId && agentId !== s.rootAgentId ? agentId : undefined

/**
 * The execution of an agent that speaks or runs a tool: none for the root agent. A sub-agent Orq did not announce
 * with `handed_off` starts here, so its messages are still told apart from the root's answer.
 */
function speaker(s: OrqDecoderState, agentId: string | undefined, out: Out): string | undefined {
  const executionId = executionOf(s, agentId)
  if (executionId && !s.subAgents.has(executionId)) {
    s.subAgents.add(executionId)
    out.push({ type: 'agent.started', executionId, name: executionId })
  }
  return executionId
}

/** The root agent speaks again: the sub-agents it handed off to are done. */
function rootSpeaks(s: OrqDecoderState, out: Out) {
  for (const sub of s.subAgents) {
    closeMessages(s, out, { executionId: sub })
    out.push({ type: 'agent.completed', executionId: sub })
  }
  s.subAgents.clear()
}

/** Completes the open messages: all of them, or one execution's (`executionId` undefined: the root agent's). */
function closeMessages(s: OrqDecoderState, out: Out, only?: { executionId: string | undefined }) {
  for (const m of s.messages.values()) {
    if (!m.open || (only && m.executionId !== only.executionId)) continue
    m.open = false
    const message: Message = {
      id: m.id,
      role: 'assistant',
      parts: m.parts,
      ...(m.reasoning ? { reasoning: m.reasoning } : {}),
      ...(m.refusal ? { refusal: m.refusal } : {}),
      ...(m.executionId ? { executionId: m.executionId } : {}),
    }
    out.push({ type: 'message.completed', message, ...(m.executionId ? { executionId: m.executionId } : {}) })
  }
}

const textOfParts = (parts: readonly Part[]) => parts.map((p) => (p.kind === 'text' ? p.text : '')).join('')

/** One message of a snapshot: new text as a delta, a rewrite as a new message; tool calls held for their owner. */
function seeMessage(
  s: OrqDecoderState,
  orqId: string,
  parts: readonly Part[],
  agentId: string | undefined,
  rawArguments: Map<string, string>,
  out: Out,
) {
  const executionId = speaker(s, agentId, out)
  if (!executionId) rootSpeaks(s, out)
  for (const part of parts) {
    if (part.kind !== 'tool_call' || s.calls.has(part.tool_call_id)) continue
    const raw = rawArguments.get(part.tool_call_id) ?? JSON.stringify(part.arguments)
    s.calls.set(part.tool_call_id, { name: part.tool_name, arguments: raw, ...(executionId ? { executionId } : {}) })
  }
  const text = textOfParts(parts)
  const content = parts.flatMap((p) => {
    const c = fromOrqPart(p)
    return c ? [c] : []
  })
  let m = s.messages.get(orqId)
  if (m && !text.startsWith(m.text)) {
    // A rewrite: what was said stands; the new text is a new message.
    closeMessages(s, out, { executionId: m.executionId })
    m = undefined
  }
  if (!m) {
    if (!text && !content.length) return
    // Messages follow one another: a new one closes the execution's open ones.
    closeMessages(s, out, { executionId })
    const known = s.messages.get(orqId)
    m = {
      id: known ? newId() : orqId,
      text: '',
      reasoning: '',
      refusal: '',
      parts: [],
      open: true,
      ...(executionId ? { executionId } : {}),
    }
    s.messages.set(orqId, m)
    out.push({ type: 'message.started', messageId: m.id, role: 'assistant', ...(executionId ? { executionId } : {}) })
  }
  const delta = text.slice(m.text.length)
  m.text = text
  m.parts = content
  if (delta) out.push({ type: 'message.delta', messageId: m.id, delta, channel: 'output', ...execution(m) })
}

const execution = (m: { executionId?: string }) => (m.executionId ? { executionId: m.executionId } : {})

/** A tool call goes out once, when its owner is known. */
function announce(s: OrqDecoderState, callId: string, tool: ToolInfo, out: Out, fallback?: SeenCall) {
  if (s.announced.has(callId)) return
  const call = s.calls.get(callId) ?? fallback
  if (!call) return
  s.calls.set(callId, call)
  s.announced.add(callId)
  const ex = execution(call)
  out.push({ type: 'tool.call.started', callId, name: call.name, tool, ...ex })
  // Orq shows a call whole: its arguments are one delta (clients that build calls from deltas get them too).
  if (call.arguments) out.push({ type: 'tool.call.delta', callId, delta: call.arguments, ...ex })
  out.push({ type: 'tool.call.completed', callId, name: call.name, arguments: call.arguments, tool, ...ex })
}

/** A notice Orq gives that no canonical event means (a review in Orq's UI): shown as commentary, its data kept. */
function commentary(text: string, raw: AgentStreamEvent, out: Out, executionId?: string) {
  const message: Message = {
    id: newId(),
    role: 'assistant',
    parts: [{ type: 'text', text }],
    phase: 'commentary',
    ...(executionId ? { executionId } : {}),
    ext: { orq: raw },
  }
  out.push({ type: 'message.completed', message, ...(executionId ? { executionId } : {}), ext: { orq: raw } })
}

/** A tool's result goes out once, from the agent (or sub-agent) that called it. */
function result(s: OrqDecoderState, callId: string, out: Out, output: string, isError = false) {
  if (s.results.has(callId)) return
  s.results.add(callId)
  const ex = execution(s.calls.get(callId) ?? {})
  out.push({ type: 'tool.result', callId, output, ...(isError ? { isError: true } : {}), ...ex })
}

/** A call Orq reports the end of without its start: named by its action type, its agent from the context. */
function toolFallback(
  s: OrqDecoderState,
  data: { action_type: string; tool_execution_context: { agent_manifest_id: string } },
): SeenCall {
  const executionId = executionOf(s, data.tool_execution_context.agent_manifest_id)
  return { name: data.action_type, arguments: '{}', ...(executionId ? { executionId } : {}) }
}

const FINISHED_EARLY = new Set(['length', 'content_filter', 'max_iterations', 'max_time'])

const handlers: { [T in AgentStreamEvent['type']]: Handler<T> } = {
  'agents.execution_started': (s, e) => {
    s.taskId = e.data.agent_task_id
  },
  'event.agents.started': (s, e, out) => {
    s.rootAgentId ??= e.data.agent_manifest_id
    out.push({ type: 'run.status', status: 'working' })
  },
  'event.agents.thought': (s, e, out) => {
    s.rootAgentId ??= e.data.agent_id
    const raw = new Map<string, string>()
    for (const call of e.data.choice?.message.tool_calls ?? []) {
      if (call.id && call.function?.arguments !== undefined) raw.set(call.id, call.function.arguments)
    }
    const entries = Object.entries(e.data.message_difference).sort(([a], [b]) => Number(a) - Number(b))
    let lastRoot: SeenMessage | undefined
    // A root message the thought names that has nothing to show yet (no text, no parts).
    let unopened: string | undefined
    for (const [, message] of entries) {
      if (message.role !== 'agent') continue
      seeMessage(s, message.messageId, message.parts, message.agent_id, raw, out)
      const seen = s.messages.get(message.messageId)
      if (seen && !seen.executionId) lastRoot = seen
      else if (!seen && !executionOf(s, message.agent_id)) unopened = message.messageId
    }
    // Reasoning and a refusal (the model declining, on its own channel) come with the model's choice, snapshots too.
    const reasoning = e.data.choice?.message.reasoning
    const refusal = e.data.choice?.message.refusal
    const holder = lastRoot ?? [...s.messages.values()].reverse().find((m) => m.open && !m.executionId)
    let target = holder?.open ? holder : undefined
    if (!target && (refusal || (reasoning && unopened))) {
      // With no text message to hold them: a message of their own, under the id of the message the thought names (its
      // text, when it comes, goes on in the same message), else a new one. A message of reasoning alone is whole.
      const orqId = unopened ?? newId()
      target = {
        id: s.messages.has(orqId) ? newId() : orqId,
        text: '',
        reasoning: '',
        refusal: '',
        parts: [],
        open: true,
      }
      s.messages.set(orqId, target)
      out.push({ type: 'message.started', messageId: target.id, role: 'assistant' })
    }
    if (reasoning && target && reasoning.startsWith(target.reasoning) && reasoning !== target.reasoning) {
      const delta = reasoning.slice(target.reasoning.length)
      target.reasoning = reasoning
      out.push({ type: 'message.delta', messageId: target.id, delta, channel: 'reasoning' })
    }
    if (refusal && target && refusal.startsWith(target.refusal) && refusal !== target.refusal) {
      const delta = refusal.slice(target.refusal.length)
      target.refusal = refusal
      out.push({ type: 'message.delta', messageId: target.id, delta, channel: 'refusal' })
    }
  },
  'event.agents.inactive': (s, e, out) => {
    const { data } = e
    const full = data.last_message_full
    const seen = full?.messageId ? s.messages.get(full.messageId) : undefined
    // The last message whole: new, or more of an open one than the thoughts showed (never a rewrite at the end).
    const more = seen?.open === true && full !== undefined && textOfParts(full.parts).startsWith(seen.text)
    if (full?.role === 'agent' && full.messageId && (!seen || more)) {
      seeMessage(s, full.messageId, full.parts, undefined, new Map(), out)
    } else if (!s.messages.size && data.last_message) {
      seeMessage(s, newId(), [{ kind: 'text', text: data.last_message }], undefined, new Map(), out)
    }
    rootSpeaks(s, out)
    closeMessages(s, out)
    const usage = data.usage
    if (usage) {
      out.push({
        type: 'usage',
        inputTokens: usage.prompt_tokens ?? 0,
        outputTokens: usage.completion_tokens ?? 0,
        ...(usage.completion_tokens_details?.reasoning_tokens
          ? { reasoningTokens: usage.completion_tokens_details.reasoning_tokens }
          : {}),
        ...(usage.prompt_tokens_details?.cached_tokens
          ? { cachedTokens: usage.prompt_tokens_details.cached_tokens }
          : {}),
        ...(usage.prompt_tokens_details?.cache_creation_tokens
          ? { cacheWriteTokens: usage.prompt_tokens_details.cache_creation_tokens }
          : {}),
        ...(data.billing ? { costUsd: data.billing.total_cost } : {}),
      })
    }
    const pending = data.pending_tool_calls ?? []
    if (pending.length) {
      for (const call of pending) {
        // The pending call as Orq lists it (its `arguments` string verbatim), else as the thought showed it.
        const known = s.calls.get(call.id)
        s.calls.set(call.id, {
          ...known,
          name: call.function.name ?? known?.name ?? 'function',
          arguments: call.function.arguments ?? known?.arguments ?? '{}',
        })
        announce(s, call.id, { clientSide: true }, out)
      }
      out.push({
        type: 'interrupt',
        interruptId: newId('int'),
        reason: 'client_tool',
        callIds: pending.map((c) => c.id),
      })
      out.push({ type: 'run.status', status: 'input_required' })
      s.done = true
      return
    }
    // Calls Orq neither ran nor left pending are still part of what the agent did.
    for (const callId of s.calls.keys()) announce(s, callId, ORQ_TOOL, out)
    const ext = data.billing ? { ext: { orq: { billing: data.billing } } } : {}
    out.push({
      type: 'run.completed',
      ...(FINISHED_EARLY.has(data.finish_reason) ? { incomplete: { reason: data.finish_reason } } : {}),
      ...ext,
    })
    s.done = true
  },
  'event.agents.errored': (s, e, out) => {
    closeMessages(s, out)
    out.push({
      type: 'run.failed',
      error: { code: 'upstream_failed', message: e.data.error, details: { orq: { code: e.data.code } } },
    })
    s.done = true
  },
  'event.agents.action_review_requested': (s, e, out) => {
    const { data } = e
    const name = data.tool.display_name ?? data.tool.key ?? data.tool.id
    const executionId = speaker(s, data.agent_id, out)
    // The call under review is one of the agent's own tools: it goes out now, before the review is reported.
    const fallback = {
      name: data.tool.key ?? data.tool.id,
      arguments: JSON.stringify(data.input),
      ...(executionId ? { executionId } : {}),
    }
    announce(s, data.agent_tool_call_id, ORQ_TOOL, out, fallback)
    commentary(`Orq asks for a review of ${name} before it runs (action ${data.action_id}).`, e, out, executionId)
  },
  'event.agents.action_reviewed': (s, e, out) => {
    const { data } = e
    const executionId = executionOf(s, data.agent_id)
    commentary(`Orq review of action ${data.action_id}: ${data.review}.`, e, out, executionId)
    // A rejected call never runs: its result is the rejection (or the output the reviewer gave instead).
    if (data.review === 'rejected') {
      const output = data.mock_output
        ? JSON.stringify(data.mock_output)
        : `Rejected in Orq's review (action ${data.action_id}).`
      result(s, data.agent_tool_call_id, out, output, !data.mock_output)
    }
  },
  'event.agents.execution_review_required': (_s, e, out) => {
    commentary('Orq paused the execution for a human review.', e, out)
  },
  'event.agents.execution_reviewed': (_s, e, out) => {
    commentary('Orq review done; the execution goes on.', e, out)
  },
  'event.agents.execution_named': (_s, e, out) => {
    out.push({ type: 'upstream.event', name: e.type, ext: { orq: e.data } })
  },
  'event.agents.handed_off': (s, e, out) => {
    s.subAgents.add(e.data.agent_id)
    out.push({ type: 'agent.started', executionId: e.data.agent_id, name: e.data.agent_id, input: e.data.input })
  },
  // The messages the bridge itself sent (the user's, its tool results) echoed back: nothing new.
  'event.agents.message-created': () => {},
  'event.workflow_events.tool_execution_started': (s, e, out) => {
    const { data } = e
    const callId = data.tool_execution_context.agent_tool_call_id
    const name = data.tool_key ?? data.tool_id
    const known = s.calls.get(callId)
    const executionId = speaker(s, data.tool_execution_context.agent_manifest_id, out)
    const fallback = { name, arguments: JSON.stringify(data.tool_arguments), ...(executionId ? { executionId } : {}) }
    announce(s, callId, ORQ_TOOL, out, known ?? fallback)
  },
  'event.workflow_events.tool_execution_finished': (s, e, out) => {
    const callId = e.data.tool_execution_context.agent_tool_call_id
    announce(s, callId, ORQ_TOOL, out, toolFallback(s, e.data))
    const value = e.data.result
    result(s, callId, out, typeof value === 'string' ? value : JSON.stringify(value ?? null))
  },
  'event.workflow_events.tool_execution_failed': (s, e, out) => {
    const callId = e.data.tool_execution_context.agent_tool_call_id
    announce(s, callId, ORQ_TOOL, out, toolFallback(s, e.data))
    result(s, callId, out, e.data.error.message, true)
  },
  'agents.timeout': (s, e, out) => {
    closeMessages(s, out)
    out.push({ type: 'run.failed', error: { code: 'upstream_timeout', message: e.data.message } })
    s.done = true
  },
  'agents.error': (s, e, out) => {
    closeMessages(s, out)
    out.push({
      type: 'run.failed',
      error: { code: 'upstream_failed', message: e.data.error, details: { orq: { code: e.data.code } } },
    })
    s.done = true
  },
}
