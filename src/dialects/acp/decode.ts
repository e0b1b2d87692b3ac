// ACP → canonical. The stream decoder turns an upstream's RunOutputStream data into AgentEvents (snapshots diffed
// into deltas, or canonical events straight from a bridge's `custom` updates); the request decoders turn a client's
// RunCreate input and resume payloads into one turn's input.
import type {
  AgentEvent,
  ApprovalDecision,
  InterruptReason,
  Message as CanonicalMessage,
  Part,
  PendingInterrupt,
  RunInput,
  ToolResult,
} from '../../core/index.js'
import { AgentEvent as AgentEventSchema, BridgeError, endsTurn, isObject, newId } from '../../core/index.js'
import { ERRCODE } from './encode.js'
import type { OutputTemplate } from './template.js'
import { readAnswer } from './template.js'
import type { Message, RunOutputStreamData } from './wire.js'

export interface AcpDecoderState {
  /** The upstream run (ids of messages derive from it). */
  runId: string
  output: OutputTemplate
  /** Read `custom` updates as canonical events (the upstream is a bridge); `values` are then ignored. */
  canonical: boolean
  /** The reason behind each interrupt type the upstream declares. */
  reasons: Record<string, InterruptReason>
  text: string
  messageId?: string
  /** Which message of the snapshot the current answer is (see readAnswer). */
  answerIndex?: number
  messages: number
  working: boolean
  done: boolean
}

export interface AcpDecoderInit {
  /** The upstream run (ids of messages derive from it). */
  runId: string
  /** Where the answer is in the upstream's `values`. */
  output: OutputTemplate
  /** Read `custom` updates as canonical events (the upstream is a bridge). */
  canonical?: boolean
  /** The reason behind each interrupt type the upstream declares. */
  reasons?: Record<string, InterruptReason>
}

export const createDecoder = (options: AcpDecoderInit): AcpDecoderState => ({
  runId: options.runId,
  output: options.output,
  canonical: options.canonical ?? false,
  reasons: options.reasons ?? {},
  text: '',
  messages: 0,
  working: false,
  done: false,
})

const working = (s: AcpDecoderState): AgentEvent[] => {
  if (s.working) return []
  s.working = true
  return [{ type: 'run.status', status: 'working' }]
}

type Handler<T extends RunOutputStreamData['type']> = (
  s: AcpDecoderState,
  d: Extract<RunOutputStreamData, { type: T }>,
) => AgentEvent[]

export function decode(s: AcpDecoderState, data: RunOutputStreamData): AgentEvent[] {
  if (s.done) return []
  const handle = handlers[data.type] as Handler<typeof data.type>
  return handle(s, data as never)
}

/** Whether the decoder has a row for this raw stream data's `type` (servers may add their own). */
export const isKnownData = (raw: unknown): boolean => {
  const type = (raw as { type?: unknown } | null)?.type
  return typeof type === 'string' && KNOWN_TYPES.has(type)
}

const handlers: { [T in RunOutputStreamData['type']]: Handler<T> } = {
  custom: (s, d) => {
    if (!s.canonical) return []
    const parsed = AgentEventSchema.safeParse((d.update as { event?: unknown }).event)
    if (!parsed.success || parsed.data.type === 'run.created') return []
    const event = parsed.data
    if (event.type === 'run.status' && event.status === 'working') s.working = true
    if (endsTurn(event)) s.done = true
    return [event]
  },
  values: (s, d) => {
    if (s.canonical) return []
    const out = [...working(s), ...diff(s, readAnswer(s.output, d.values))]
    if (d.status === 'success') out.push(...end(s))
    return out
  },
  interrupt: (s, d) => {
    if (s.canonical) return []
    s.done = true
    return [
      ...working(s),
      ...closeMessage(s),
      ...interruptEvents(s, d.interrupt),
      { type: 'run.status', status: 'input_required' },
    ]
  },
  error: (s, d) => {
    if (s.canonical) return []
    s.done = true
    const out = [...working(s), ...closeMessage(s)]
    if (d.errcode === ERRCODE.canceled) return [...out, { type: 'run.canceled', reason: d.description }]
    const code =
      d.status === 'timeout' || d.errcode === ERRCODE.timeout
        ? 'timeout'
        : d.errcode === ERRCODE.upstreamTimeout
          ? 'upstream_timeout'
          : 'upstream_failed'
    return [...out, { type: 'run.failed', error: { code, message: d.description } }]
  },
}

/** The data types with a row: a Set, as a fresh string from JSON.parse is slow to look up as an object's key. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(handlers))

/**
 * A snapshot of the same message that extends the last one is a delta; anything else starts a new message (text
 * cannot be taken back).
 */
function diff(s: AcpDecoderState, { text, message }: { text: string; message?: number }): AgentEvent[] {
  const same = message === s.answerIndex
  s.answerIndex = message
  if (same && text === s.text) return []
  if (s.messageId && same && text.startsWith(s.text)) {
    const delta = text.slice(s.text.length)
    s.text = text
    return [{ type: 'message.delta', messageId: s.messageId, delta, channel: 'output' }]
  }
  const out = closeMessage(s)
  s.text = text
  if (!text) return out
  s.messageId = `${s.runId}-${++s.messages}`
  return [
    ...out,
    { type: 'message.started', messageId: s.messageId, role: 'assistant' },
    { type: 'message.delta', messageId: s.messageId, delta: text, channel: 'output' },
  ]
}

function closeMessage(s: AcpDecoderState): AgentEvent[] {
  if (!s.messageId) return []
  const message: CanonicalMessage = { id: s.messageId, role: 'assistant', parts: [{ type: 'text', text: s.text }] }
  s.messageId = undefined
  return [{ type: 'message.completed', message }]
}

/** The run is over: close the open message and complete. */
export function end(s: AcpDecoderState): AgentEvent[] {
  s.done = true
  return [...working(s), ...closeMessage(s), { type: 'run.completed' }]
}

/**
 * An ACP interrupt payload as a canonical interrupt. Payloads come as `{<interrupt_type>: payload}` (the reference
 * client's reading), `{interrupt_type, …}` (the spec's discriminator) or bare.
 */
export function interruptEvents(s: AcpDecoderState, raw: unknown): AgentEvent[] {
  let type = 'input'
  let payload: unknown = raw
  if (isObject(raw)) {
    const keys = Object.keys(raw)
    if (typeof raw.interrupt_type === 'string') {
      const { interrupt_type, ...rest } = raw
      type = interrupt_type as string
      payload = rest
    } else if (keys.length === 1 && keys[0] !== undefined) {
      type = keys[0]
      payload = raw[keys[0]]
    }
  }
  const reason = s.reasons[type] ?? GENERIC_REASON[type] ?? 'input'
  const out: AgentEvent[] = []
  const callIds: string[] = []
  const calls = isObject(payload) && Array.isArray(payload.calls) ? payload.calls : []
  for (const c of calls) {
    if (!isObject(c) || typeof c.call_id !== 'string') continue
    callIds.push(c.call_id)
    if (typeof c.name === 'string') {
      const tool = reason === 'client_tool' ? { clientSide: true } : { clientSide: false, approvalRequired: true }
      const args = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {})
      out.push(
        { type: 'tool.call.started', callId: c.call_id, name: c.name, tool },
        { type: 'tool.call.completed', callId: c.call_id, name: c.name, arguments: args, tool },
      )
    }
  }
  const question = isObject(payload)
    ? (payload.question ?? payload.message)
    : typeof payload === 'string'
      ? payload
      : undefined
  out.push({
    type: 'interrupt',
    interruptId: `${s.runId}-interrupt-${++s.messages}`,
    reason,
    callIds,
    interruptType: type,
    ...(payload !== undefined ? { payload } : {}),
    ...(typeof question === 'string' && question
      ? {
          message: {
            id: `${s.runId}-question-${s.messages}`,
            role: 'assistant' as const,
            parts: [{ type: 'text' as const, text: question }],
          },
        }
      : {}),
  })
  return out
}

const GENERIC_REASON: Record<string, InterruptReason> = {
  function_call: 'client_tool',
  approval: 'approval',
  input: 'input',
  auth: 'auth',
}

const ROLES: Record<string, CanonicalMessage['role']> = {
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  ai: 'assistant',
  agent: 'assistant',
  system: 'system',
}

function blockPart(b: unknown): Part {
  if (isObject(b) && b.type === 'text' && typeof b.text === 'string') return { type: 'text', text: b.text }
  if (isObject(b) && b.type === 'data')
    return { type: 'data', data: b.data, ...(typeof b.media_type === 'string' ? { mediaType: b.media_type } : {}) }
  if (isObject(b) && b.type === 'file' && (typeof b.url === 'string' || typeof b.bytes === 'string')) {
    return {
      type: 'file',
      ...(typeof b.url === 'string' ? { url: b.url } : { bytes: String(b.bytes) }),
      ...(typeof b.media_type === 'string' ? { mediaType: b.media_type } : {}),
      ...(typeof b.name === 'string' ? { name: b.name } : {}),
    }
  }
  return { type: 'data', data: b }
}

export const fromAcpMessage = (m: Message, index: number): CanonicalMessage => ({
  id: m.id ?? `m${index}-${newId()}`,
  role: ROLES[m.role.toLowerCase()] ?? 'user',
  parts: typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content.map(blockPart),
})

/**
 * A client's `input` as one turn: a messages array (the bridge's own input schema), a bare string, an object with a
 * `message` string, or any other JSON (a data part). Messages after the last non-user one are the new input;
 * the ones before are the conversation the client sends along.
 */
export function decodeRequest(input: unknown): Pick<RunInput, 'input' | 'history'> {
  if (input === undefined) return { input: [] }
  const messages = isObject(input) && Array.isArray(input.messages) ? input.messages : undefined
  if (messages) {
    const parsed = messages.map((m, i) => {
      if (!isObject(m) || typeof m.role !== 'string' || (typeof m.content !== 'string' && !Array.isArray(m.content))) {
        throw new BridgeError(
          'invalid_request',
          `input.messages[${i}] must be {role: string, content: string | blocks}.`,
          { param: `input.messages[${i}]` },
        )
      }
      return fromAcpMessage(m as Message, i)
    })
    let cut = parsed.length
    while (cut > 0 && parsed[cut - 1]?.role === 'user') cut--
    return { input: parsed.slice(cut), history: parsed.slice(0, cut) }
  }
  const text =
    typeof input === 'string' ? input : isObject(input) && typeof input.message === 'string' ? input.message : undefined
  const part: Part = text !== undefined ? { type: 'text', text } : { type: 'data', data: input }
  return { input: [{ id: newId(), role: 'user', parts: [part] }] }
}

/**
 * What a resume payload answers, for the interrupt the run waits on: tool outputs (`{outputs}`, or `{output}` /
 * a string for a single call), approval (`{approved, reason}` or `{decisions}`), a question (`{answer}` or a
 * string). Any payload is passed on as is too, for agents that read their own resume schema.
 */
export function decodeResume(
  pending: PendingInterrupt,
  payload: unknown,
): Pick<RunInput, 'input' | 'toolResults' | 'decisions' | 'resume'> {
  const toolResults: ToolResult[] = []
  const decisions: ApprovalDecision[] = []
  const input: CanonicalMessage[] = []
  const single = pending.callIds.length === 1 ? pending.callIds[0] : undefined
  const obj = isObject(payload) ? payload : undefined
  if (pending.reason === 'client_tool') {
    if (Array.isArray(obj?.outputs)) {
      for (const o of obj.outputs)
        if (isObject(o) && typeof o.call_id === 'string')
          toolResults.push({
            callId: o.call_id,
            output: typeof o.output === 'string' ? o.output : JSON.stringify(o.output),
          })
    } else if (single && (typeof payload === 'string' || obj?.output !== undefined)) {
      const output = typeof payload === 'string' ? payload : obj?.output
      toolResults.push({ callId: single, output: typeof output === 'string' ? output : JSON.stringify(output) })
    }
    const missing = pending.callIds.filter((id) => !toolResults.some((r) => r.callId === id))
    if (missing.length)
      throw new BridgeError(
        'invalid_request',
        `The run waits for the output of ${missing.join(', ')}: resume with {outputs: [{call_id, output}]}${single ? ' or {output}' : ''}.`,
      )
  } else if (pending.reason === 'approval') {
    if (Array.isArray(obj?.decisions)) {
      for (const d of obj.decisions)
        if (isObject(d) && typeof d.call_id === 'string')
          decisions.push({
            callId: d.call_id,
            approved: d.approved === true,
            ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
          })
    } else if (typeof obj?.approved === 'boolean') {
      for (const callId of pending.callIds)
        decisions.push({
          callId,
          approved: obj.approved,
          ...(typeof obj.reason === 'string' ? { reason: obj.reason } : {}),
        })
    }
    if (pending.callIds.length && !decisions.length)
      throw new BridgeError(
        'invalid_request',
        'The run waits for an approval: resume with {approved: true|false, reason?}.',
      )
  } else {
    const answer = typeof payload === 'string' ? payload : typeof obj?.answer === 'string' ? obj.answer : undefined
    if (answer !== undefined) input.push({ id: newId(), role: 'user', parts: [{ type: 'text', text: answer }] })
  }
  return { input, toolResults, decisions, resume: { interruptId: pending.interruptId, payload } }
}
