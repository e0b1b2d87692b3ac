// Canonical events → the `/v2/agents/{agent_key}/responses` stream: unlike the task stream it streams deltas
// (`part.delta`), so text goes out as it comes. One table row per canonical event.
import type { EventOf, RunEvent, RunEventType, ToolCall, Usage as CanonicalUsage } from '../../core/index.js'
import { addUsage, emptyUsage, jsonOrText, refusalAsText, textOf } from '../../core/index.js'
import { ERROR_CODE, pendingCall, usageOf } from './encode.js'
import { argumentsObject, toOrqPart } from './parts.js'
import type { ResponseStreamEvent } from './wire.js'

export interface ResponseEncoderInit {
  responseId: string
  taskId: string
  workflowRunId: string
  model: string
  userMessageId?: string
  /** A response that answers a pause: the calls it answers (their tools run now), and the reviews it gives. */
  priorCalls?: ToolCall[]
  reviews?: { callId: string; approved: boolean }[]
}

export interface ResponseEncoderState extends ResponseEncoderInit {
  done: boolean
  /** Text or reasoning streamed so far per part id: `part.done` repeats it whole. */
  parts: Map<string, string>
  calls: Map<string, ToolCall>
  pending: ToolCall[]
  usage: CanonicalUsage
  now: number
  /** Parts already closed (`part.done` sent): an artifact's completion after its last chunk adds nothing. */
  closed: Set<string>
  /** Tools reported started in this stream (a result without one gets its start first). */
  started: Set<string>
}

export const createResponseEncoder = (init: ResponseEncoderInit): ResponseEncoderState => ({
  ...init,
  done: false,
  parts: new Map(),
  calls: new Map((init.priorCalls ?? []).map((c) => [c.callId, c])),
  pending: [],
  usage: emptyUsage(),
  now: Date.now(),
  closed: new Set(),
  started: new Set(),
})

const iso = (ms: number) => new Date(ms).toISOString()

export function openAgentResponse(s: ResponseEncoderState): ResponseStreamEvent[] {
  return [
    {
      type: 'response.started',
      timestamp: iso(s.now),
      data: {
        responseId: s.responseId,
        taskId: s.taskId,
        model: s.model,
        workflowRunId: s.workflowRunId,
        ...(s.userMessageId ? { userMessageId: s.userMessageId } : {}),
      },
    },
    ...(s.reviews ?? []).map(
      (r): ResponseStreamEvent => ({
        type: 'tool.review.done',
        timestamp: iso(s.now),
        data: {
          toolId: s.calls.get(r.callId)?.name ?? r.callId,
          toolCallId: r.callId,
          review: r.approved ? 'approved' : 'rejected',
        },
      }),
    ),
  ]
}

type Out = ResponseStreamEvent[]
type Handler<T extends RunEventType> = (s: ResponseEncoderState, e: EventOf<T>, out: Out) => void

export function encodeResponse(state: ResponseEncoderState, event: RunEvent): ResponseStreamEvent[] {
  if (state.done) return []
  state.now = event.time
  const out: Out = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  return out
}

const textId = (messageId: string) => `text_${messageId}`
const reasoningId = (messageId: string) => `reasoning_${messageId}`

function textDelta(s: ResponseEncoderState, partId: string, text: string, out: Out) {
  s.parts.set(partId, (s.parts.get(partId) ?? '') + text)
  out.push({ type: 'part.delta', timestamp: iso(s.now), data: { partId, delta: { kind: 'text', text } } })
}

function reasoningDelta(s: ResponseEncoderState, messageId: string, reasoning: string, out: Out) {
  const partId = reasoningId(messageId)
  s.parts.set(partId, (s.parts.get(partId) ?? '') + reasoning)
  out.push({
    type: 'part.delta',
    timestamp: iso(s.now),
    data: { partId, delta: { kind: 'reasoning', _id: partId, reasoning } },
  })
}

/** Closes the streamed text and reasoning parts of a message (each `part.done` carries the whole part). */
function closeParts(s: ResponseEncoderState, messageId: string, out: Out, text?: string) {
  const rid = reasoningId(messageId)
  const reasoning = s.parts.get(rid)
  if (reasoning !== undefined) {
    out.push({
      type: 'part.done',
      timestamp: iso(s.now),
      data: { partId: rid, part: { kind: 'reasoning', _id: rid, reasoning } },
    })
    s.parts.delete(rid)
  }
  const tid = textId(messageId)
  if (s.closed.has(tid)) return
  const streamed = s.parts.get(tid)
  const whole = text ?? streamed
  if (whole === undefined) return
  if (streamed === undefined && whole) textDelta(s, tid, whole, out)
  out.push({ type: 'part.done', timestamp: iso(s.now), data: { partId: tid, part: { kind: 'text', text: whole } } })
  s.parts.delete(tid)
  s.closed.add(tid)
}

function toolStarted(s: ResponseEncoderState, call: ToolCall, out: Out) {
  s.started.add(call.callId)
  out.push({
    type: 'tool.started',
    timestamp: iso(s.now),
    data: {
      toolId: call.name,
      toolName: call.name,
      toolCallId: call.callId,
      arguments: argumentsObject(call.arguments),
    },
  })
}

function done(s: ResponseEncoderState, finishReason: 'stop' | 'length' | 'content_filter' | 'function_call', out: Out) {
  for (const id of [...s.parts.keys()]) closeParts(s, id.replace(/^(text|reasoning)_/, ''), out)
  const tokens = s.usage.inputTokens + s.usage.outputTokens > 0
  out.push({
    type: 'response.done',
    timestamp: iso(s.now),
    data: {
      finishReason,
      ...(tokens ? { usage: usageOf(s.usage) } : {}),
      ...(s.pending.length ? { pendingToolCalls: s.pending.map(pendingCall) } : {}),
    },
  })
  s.done = true
}

function failed(s: ResponseEncoderState, error: string, code: number, out: Out) {
  out.push({ type: 'response.failed', timestamp: iso(s.now), data: { error, code } })
  s.done = true
}

const handlers: { [T in RunEventType]: Handler<T> } = {
  'run.created': () => {},
  'run.status': (s, e, out) => {
    if (e.status === 'input_required') done(s, s.pending.length ? 'function_call' : 'stop', out)
  },
  'message.started': () => {},
  'message.delta': (s, e, out) => {
    // A refusal is text here: `part.delta` has no refusal kind.
    if (e.channel !== 'reasoning') return textDelta(s, textId(e.messageId), e.delta, out)
    reasoningDelta(s, e.messageId, e.delta, out)
  },
  'message.completed': (s, e, out) => {
    const message = refusalAsText(e.message)
    if (message.role === 'user' || message.role === 'system') return
    // Reasoning that came with the message only is its reasoning part, as its deltas would have made it.
    if (message.reasoning && !s.parts.has(reasoningId(message.id)))
      reasoningDelta(s, message.id, message.reasoning, out)
    closeParts(s, message.id, out, textOf(message.parts) || undefined)
    message.parts.forEach((part, i) => {
      if (part.type === 'text') return
      const partId = `${part.type}_${message.id}_${i}`
      const orq = toOrqPart(part) as Extract<ReturnType<typeof toOrqPart>, { kind: 'data' | 'file' }>
      out.push({ type: 'part.done', timestamp: iso(s.now), data: { partId, part: orq } })
    })
  },
  'tool.call.started': (s, e) => {
    s.calls.set(e.callId, { callId: e.callId, name: e.name, arguments: '', tool: e.tool })
  },
  'tool.call.delta': (s, e) => {
    const call = s.calls.get(e.callId)
    if (call) call.arguments += e.delta
  },
  'tool.call.completed': (s, e, out) => {
    const call = { callId: e.callId, name: e.name, arguments: e.arguments, tool: e.tool }
    s.calls.set(e.callId, call)
    if (!e.tool?.clientSide && !e.tool?.approvalRequired) toolStarted(s, call, out)
  },
  'tool.result': (s, e, out) => {
    const call = s.calls.get(e.callId)
    if (call && !call.tool?.clientSide && !s.started.has(e.callId)) toolStarted(s, call, out)
    const toolId = s.calls.get(e.callId)?.name ?? e.callId
    const output = typeof e.output === 'string' ? e.output : textOf(e.output)
    out.push(
      e.isError
        ? { type: 'tool.failed', timestamp: iso(s.now), data: { toolId, toolCallId: e.callId, error: output } }
        : {
            type: 'tool.done',
            timestamp: iso(s.now),
            data: { toolId, toolCallId: e.callId, result: jsonOrText(output) },
          },
    )
  },
  interrupt: (s, e, out) => {
    const calls = e.callIds.flatMap((id) => {
      const call = s.calls.get(id)
      return call ? [call] : []
    })
    if (e.reason === 'approval') {
      for (const call of calls) {
        out.push({
          type: 'tool.review.requested',
          timestamp: iso(s.now),
          data: {
            toolId: call.name,
            toolCallId: call.callId,
            toolName: call.name,
            arguments: argumentsObject(call.arguments),
            requiresApproval: true,
          },
        })
      }
    }
    if (calls.length) s.pending.push(...calls)
    else if (e.interruptType) {
      s.pending.push({ callId: e.interruptId, name: e.interruptType, arguments: JSON.stringify(e.payload ?? {}) })
    } else if (e.message) closeParts(s, e.message.id, out, textOf(e.message.parts))
  },
  'artifact.delta': (s, e, out) => {
    for (const part of e.parts) if (part.type === 'text') textDelta(s, textId(e.artifactId), part.text, out)
    if (e.lastChunk) closeParts(s, e.artifactId, out)
  },
  'artifact.completed': (s, e, out) => closeParts(s, e.artifact.artifactId, out, textOf(e.artifact.parts)),
  'agent.started': () => {},
  'agent.completed': () => {},
  usage: (s, e) => {
    addUsage(s.usage, e)
  },
  'upstream.event': () => {},
  'run.completed': (s, e, out) => {
    const reason = e.incomplete?.reason
    done(s, reason === 'content_filter' ? 'content_filter' : reason ? 'length' : 'stop', out)
  },
  'run.failed': (s, e, out) => failed(s, e.error.message, ERROR_CODE[e.error.code] ?? 500, out),
  'run.canceled': (s, e, out) => failed(s, `The run was canceled${e.reason ? `: ${e.reason}` : ''}.`, 499, out),
}
