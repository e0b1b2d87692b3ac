// Canonical → Responses. Two pure state machines: the stream encoder (RunEvents of one turn → one Response and
// its event stream) and the request encoder (a RunRequest → CreateResponse, for the upstream client).
import type {
  EventOf,
  FilePart,
  InterruptReason,
  Message,
  Part,
  RunEvent,
  RunEventType,
  RunRequest,
  ToolCall,
  ToolInfo,
  Usage,
} from '../../core/index.js'
import { addUsage, cloneData, emptyUsage, keysAre, textOf } from '../../core/index.js'
import { itemId } from './ids.js'
import type {
  CreateResponse,
  Model,
  FunctionTool,
  FunctionToolCall,
  InputContent,
  InputItem,
  MCPToolCall,
  OutputMessage,
  ReasoningItem,
  Response,
  ResponseErrorCode,
  ResponseStreamEvent,
  ToolChoice,
} from './wire.js'
import { ResponseErrorCode as ResponseErrorCodes } from './wire.js'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
type Unsequenced = DistributiveOmit<ResponseStreamEvent, 'sequence_number'>

/** The request fields a Response echoes back. */
export interface ResponseEcho {
  instructions?: string | null
  tools?: FunctionTool[]
  tool_choice?: ToolChoice
  parallel_tool_calls?: boolean | null
  metadata?: Record<string, string> | null
  temperature?: number | null
  top_p?: number | null
  previous_response_id?: string | null
  store?: boolean | null
  background?: boolean | null
}

/** A tool call made before this response began (the turn resumes after an interrupt). */
export interface PriorCall extends ToolCall {
  approvalRequested?: boolean
}

export interface ResponseEncoderInit {
  responseId: string
  /** The `model` the client asked for (the agent id). */
  model: string
  /** Unix seconds. */
  createdAt: number
  echo?: ResponseEcho
  priorCalls?: PriorCall[]
  /** `server_label` for tools the agent runs itself and names no server for. Defaults to `model`. */
  serverLabel?: string
}

type Slot =
  | { kind: 'message'; index: number; item: OutputMessage }
  | { kind: 'reasoning'; index: number; item: ReasoningItem }
  | { kind: 'function_call'; index: number; item: FunctionToolCall }
  | { kind: 'mcp_call'; index: number; item: MCPToolCall }

interface CallState extends PriorCall {
  /** Held back until approved: Responses shows it as an mcp_approval_request first. */
  awaitingApproval?: boolean
}

export interface ResponseEncoderState {
  response: Response
  nextSequence: number
  /** Items still open, keyed by what they come from (`msg:<id>:output`, `call:<id>`, `artifact:<id>`). */
  slots: Record<string, Slot>
  calls: Record<string, CallState>
  phases: Record<string, 'commentary' | undefined>
  children: string[]
  artifactVersions: Record<string, number>
  usage: Usage
  inProgress: boolean
  /** The response has reached its end; later events belong to another response (or to none). */
  done: boolean
  serverLabel: string
  /**
   * The output text of the message whose delta came last, while nothing else came since: its next delta is one
   * `response.output_text.delta`, without looking its item up again (most events of a response are these).
   */
  textRun?: { messageId: string; slot: Extract<Slot, { kind: 'message' }> }
}

export function createEncoder(init: ResponseEncoderInit): ResponseEncoderState {
  const echo = init.echo ?? {}
  const calls: Record<string, CallState> = {}
  for (const call of init.priorCalls ?? []) calls[call.callId] = { ...call }
  return {
    response: {
      id: init.responseId,
      object: 'response',
      created_at: init.createdAt,
      status: echo.background ? 'queued' : 'in_progress',
      background: echo.background ?? false,
      completed_at: null,
      error: null,
      incomplete_details: null,
      instructions: echo.instructions ?? null,
      model: init.model,
      output: [],
      parallel_tool_calls: echo.parallel_tool_calls ?? true,
      previous_response_id: echo.previous_response_id ?? null,
      tool_choice: echo.tool_choice ?? 'auto',
      tools: echo.tools ?? [],
      metadata: echo.metadata ?? {},
      temperature: echo.temperature ?? null,
      top_p: echo.top_p ?? null,
      store: echo.store ?? true,
      // usage stays absent until the end: the schema has it optional, not nullable.
    },
    nextSequence: 0,
    slots: {},
    calls,
    phases: {},
    children: [],
    artifactVersions: {},
    usage: emptyUsage(),
    inProgress: false,
    done: false,
    serverLabel: init.serverLabel ?? init.model,
  }
}

type Out = (event: Unsequenced) => void

/** The first events of every response: `response.created`, and `response.queued` for background ones. */
export function openResponse(state: ResponseEncoderState): ResponseStreamEvent[] {
  return collect(state, (out) => {
    out({ type: 'response.created', response: snapshot(state) })
    if (state.response.status === 'queued') out({ type: 'response.queued', response: snapshot(state) })
  })
}

/** Encodes one canonical event of this response's turn. Returns nothing once the response is done. */
export function encode(state: ResponseEncoderState, event: RunEvent): ResponseStreamEvent[] {
  if (state.done) return []
  const run = state.textRun
  if (run && event.type === 'message.delta' && event.messageId === run.messageId && event.channel === 'output') {
    return event.delta === '' ? [] : [textDelta(state, run.slot, event.delta)]
  }
  state.textRun = undefined
  const handle = handlers[event.type] as Handler<typeof event.type>
  return collect(state, (out) => handle(state, event as never, out))
}

/** One more piece of a message's output text, its part known to be open and last. */
function textDelta(state: ResponseEncoderState, slot: Extract<Slot, { kind: 'message' }>, delta: string) {
  const content = slot.item.content
  const part = content[content.length - 1] as { text: string }
  part.text += delta
  return {
    type: 'response.output_text.delta' as const,
    item_id: slot.item.id,
    output_index: slot.index,
    content_index: content.length - 1,
    delta,
    logprobs: [],
    sequence_number: state.nextSequence++,
  }
}

function collect(state: ResponseEncoderState, body: (out: Out) => void): ResponseStreamEvent[] {
  const events: ResponseStreamEvent[] = []
  // Every event handed to `out` is a literal made for it: numbered in place (a copy per event costs V8 far more).
  body((e) => {
    ;(e as ResponseStreamEvent).sequence_number = state.nextSequence++
    events.push(e as ResponseStreamEvent)
  })
  return events
}

const snapshot = (state: ResponseEncoderState): Response => cloneData(state.response)

type Handler<T extends RunEventType> = (s: ResponseEncoderState, e: EventOf<T>, out: Out) => void

/** One row per canonical event, as in the README's Responses mapping table. */
const handlers: { [T in RunEventType]: Handler<T> } = {
  'run.created': () => {},
  'run.status': (s, e, out) => {
    if (e.status === 'working') return startWorking(s, out)
    if (e.status === 'auth_required') {
      if (e.message) wholeMessage(s, e.message, out, 'commentary')
      return
    }
    finish(s, out, 'completed', e.time)
  },
  'message.started': (s, e) => {
    if (e.role !== 'assistant') return
    s.phases[e.messageId] = isCommentary(s, e.phase, e.executionId) ? 'commentary' : undefined
  },
  'message.delta': (s, e, out) => {
    if (!(e.messageId in s.phases))
      s.phases[e.messageId] = isCommentary(s, undefined, e.executionId) ? 'commentary' : undefined
    if (e.channel === 'reasoning') {
      const slot = openReasoning(s, e.messageId, out)
      return appendText(s, slot, e.delta, out)
    }
    closeSlot(s, `msg:${e.messageId}:reasoning`, out)
    const refusal = e.channel === 'refusal'
    const slot = openMessage(
      s,
      `msg:${e.messageId}:output`,
      itemId('message', e.messageId),
      s.phases[e.messageId],
      out,
      refusal,
    )
    if (refusal) return appendRefusal(s, slot, e.delta, out)
    appendOutputText(s, slot, e.delta, out)
    if (slot.kind === 'message' && lastPart(slot).type === 'output_text') s.textRun = { messageId: e.messageId, slot }
  },
  'message.completed': (s, e, out) => {
    const m = e.message
    if (m.role !== 'assistant') return
    const phase =
      s.phases[m.id] ?? (isCommentary(s, m.phase, e.executionId ?? m.executionId) ? 'commentary' : undefined)
    const reasoningKey = `msg:${m.id}:reasoning`
    const outputKey = `msg:${m.id}:output`
    if (m.reasoning && !s.slots[reasoningKey] && !s.slots[outputKey]) {
      appendText(s, openReasoning(s, m.id, out), m.reasoning, out)
    }
    closeSlot(s, reasoningKey, out)
    const text = textOf(m.parts)
    const extras = m.parts.filter((p) => p.type !== 'text')
    const open = s.slots[outputKey]
    // The whole refusal against what was streamed of it: what is missing goes into the refusal part, ahead of text
    // that came whole with it (a message that is only a refusal is its refusal part).
    const refused = open ? streamedText(open, 'refusal') : ''
    const refusal = m.refusal?.startsWith(refused) ? m.refusal.slice(refused.length) : ''
    if (refusal || open || text || extras.length) {
      const slot = openMessage(s, outputKey, itemId('message', m.id), phase, out, !open && refusal !== '')
      appendRefusal(s, slot, refusal, out)
      // The whole text against all that was streamed of it (a refusal may stand between its parts).
      const streamed = streamedText(slot)
      if (text.startsWith(streamed) && text.length > streamed.length)
        appendOutputText(s, slot, text.slice(streamed.length), out)
      for (const part of extras) {
        closeContentPart(s, slot, out)
        appendText(s, openContentPart(s, slot, out), partText(part), out)
      }
    }
    closeSlot(s, outputKey, out)
    delete s.phases[m.id]
  },
  'tool.call.started': (s, e, out) => {
    const call = rememberCall(s, e.callId, e.name, e.tool)
    if (call.awaitingApproval) return
    openCall(s, call, out)
  },
  'tool.call.delta': (s, e, out) => {
    const call = s.calls[e.callId]
    if (!call) return
    call.arguments += e.delta
    const slot = s.slots[`call:${e.callId}`]
    if (!slot || (slot.kind !== 'function_call' && slot.kind !== 'mcp_call')) return
    slot.item.arguments += e.delta
    const type =
      slot.kind === 'function_call' ? 'response.function_call_arguments.delta' : 'response.mcp_call_arguments.delta'
    out({ type, item_id: slot.item.id ?? '', output_index: slot.index, delta: e.delta })
  },
  'tool.call.completed': (s, e, out) => {
    const call = rememberCall(s, e.callId, e.name, e.tool)
    call.arguments = e.arguments
    if (call.awaitingApproval) return
    const slot = s.slots[`call:${e.callId}`] ?? openCall(s, call, out)
    if (slot.kind === 'function_call') {
      slot.item.arguments = e.arguments
      closeSlot(s, `call:${e.callId}`, out)
    } else if (slot.kind === 'mcp_call') {
      slot.item.arguments = e.arguments
      out({
        type: 'response.mcp_call_arguments.done',
        item_id: slot.item.id,
        output_index: slot.index,
        arguments: e.arguments,
      })
    }
  },
  'tool.result': (s, e, out) => {
    const call = s.calls[e.callId] ?? rememberCall(s, e.callId, 'tool', { clientSide: false })
    // The client ran its own tool and knows the result; nothing to show.
    if (call.tool?.clientSide === true) return
    call.awaitingApproval = false
    let slot = s.slots[`call:${e.callId}`]
    if (!slot) {
      slot = openCall(s, call, out)
      out({
        type: 'response.mcp_call_arguments.done',
        item_id: itemId('mcp_call', e.callId),
        output_index: slot.index,
        arguments: call.arguments,
      })
    }
    if (slot.kind !== 'mcp_call') return
    const output = typeof e.output === 'string' ? e.output : e.output.map(partText).join('')
    slot.item.arguments = call.arguments
    if (e.isError) {
      slot.item.error = { type: 'mcp_tool_execution_error', content: output }
      slot.item.status = 'failed'
      out({ type: 'response.mcp_call.failed', item_id: slot.item.id, output_index: slot.index })
    } else {
      slot.item.output = output
      slot.item.status = 'completed'
      out({ type: 'response.mcp_call.completed', item_id: slot.item.id, output_index: slot.index })
    }
    delete s.slots[`call:${e.callId}`]
    out({ type: 'response.output_item.done', output_index: slot.index, item: cloneData(slot.item) })
  },
  interrupt: (s, e, out) => {
    if (e.message) wholeMessage(s, e.message, out, e.reason === 'auth' ? 'commentary' : undefined)
    interruptItems[e.reason](s, e, out)
  },
  'artifact.delta': (s, e, out) => {
    const key = `artifact:${e.artifactId}`
    if (!e.append) closeSlot(s, key, out)
    let slot = s.slots[key]
    if (!slot) {
      const version = (s.artifactVersions[e.artifactId] ?? 0) + 1
      s.artifactVersions[e.artifactId] = version
      const id = itemId('message', version === 1 ? e.artifactId : `${e.artifactId}_${version}`)
      slot = openMessage(s, key, id, isCommentary(s, undefined, e.executionId) ? 'commentary' : undefined, out)
    }
    for (const part of e.parts) appendText(s, slot, partText(part), out)
    if (e.lastChunk) closeSlot(s, key, out)
  },
  'artifact.completed': (s, e, out) => {
    const key = `artifact:${e.artifact.artifactId}`
    if (!s.slots[key] && !s.artifactVersions[e.artifact.artifactId]) {
      s.artifactVersions[e.artifact.artifactId] = 1
      const slot = openMessage(s, key, itemId('message', e.artifact.artifactId), undefined, out)
      for (const part of e.artifact.parts) appendText(s, slot, partText(part), out)
    }
    closeSlot(s, key, out)
  },
  'agent.started': (s, e) => {
    s.children.push(e.executionId)
  },
  'agent.completed': () => {},
  // No Responses event carries a foreign one without breaking the schema clients check: dropped (loss table).
  'upstream.event': () => {},
  usage: (s, e) => {
    addUsage(s.usage, e)
  },
  'run.completed': (s, e, out) => {
    if (e.incomplete) {
      // The in_progress snapshot goes out before the run's outcome is written into the document.
      startWorking(s, out)
      const reason = e.incomplete.reason
      s.response.incomplete_details = reason === 'max_output_tokens' || reason === 'content_filter' ? { reason } : {}
      return finish(s, out, 'incomplete', e.time)
    }
    finish(s, out, 'completed', e.time)
  },
  'run.failed': (s, e, out) => {
    startWorking(s, out)
    s.response.error = { code: responseErrorCode(e.error.code), message: e.error.message }
    finish(s, out, 'failed', e.time)
  },
  'run.canceled': (s, _e, out) => {
    finish(s, out, 'cancelled')
  },
}

/** How each interrupt reason shows up as output items (its message, if any, is already out). */
const interruptItems: Record<InterruptReason, (s: ResponseEncoderState, e: EventOf<'interrupt'>, out: Out) => void> = {
  // The function_call items are already out; the response ends completed with them.
  client_tool: (s, e, out) => {
    if (e.callIds.length === 0) interruptCall(s, e, out)
  },
  approval: (s, e, out) => {
    const serverCalls = e.callIds.map((id) => s.calls[id]).filter((c) => c && c.tool?.clientSide !== true)
    if (serverCalls.length === 0 && e.callIds.length === 0) return interruptCall(s, e, out)
    for (const call of serverCalls) {
      if (!call) continue
      call.approvalRequested = true
      const index = s.response.output.length
      const item = {
        type: 'mcp_approval_request' as const,
        id: itemId('mcp_approval_request', call.callId),
        server_label: call.tool?.server ?? s.serverLabel,
        name: call.name,
        arguments: call.arguments,
      }
      s.response.output.push(item)
      out({ type: 'response.output_item.added', output_index: index, item: cloneData(item) })
      out({ type: 'response.output_item.done', output_index: index, item: cloneData(item) })
    }
  },
  // A free-form question: the message asks it, the next user message answers it.
  input: (s, e, out) => {
    if (e.interruptType || !e.message) interruptCall(s, e, out)
  },
  auth: () => {},
}

/** An interrupt with no tool call of its own becomes a function_call named after the interrupt type. */
function interruptCall(s: ResponseEncoderState, e: EventOf<'interrupt'>, out: Out) {
  const call = rememberCall(s, e.interruptId, e.interruptType ?? `request_${e.reason}`, { clientSide: true })
  call.arguments = JSON.stringify(e.payload ?? {})
  const slot = openCall(s, call, out)
  if (slot.kind !== 'function_call') return
  slot.item.arguments = call.arguments
  closeSlot(s, `call:${call.callId}`, out)
}

function startWorking(s: ResponseEncoderState, out: Out) {
  if (s.inProgress) return
  s.inProgress = true
  s.response.status = 'in_progress'
  out({ type: 'response.in_progress', response: snapshot(s) })
}

function finish(
  s: ResponseEncoderState,
  out: Out,
  status: 'completed' | 'incomplete' | 'failed' | 'cancelled',
  time?: number,
) {
  if (!s.inProgress && status !== 'cancelled') startWorking(s, out)
  const itemStatus = status === 'completed' ? 'completed' : 'incomplete'
  for (const key of Object.keys(s.slots).sort((a, b) => (s.slots[a]?.index ?? 0) - (s.slots[b]?.index ?? 0))) {
    closeSlot(s, key, out, itemStatus)
  }
  s.response.status = status
  s.done = true
  if (status === 'cancelled') return
  if (status === 'completed' && time !== undefined) s.response.completed_at = Math.floor(time / 1000)
  s.response.usage = {
    input_tokens: s.usage.inputTokens,
    input_tokens_details: { cached_tokens: s.usage.cachedTokens, cache_write_tokens: 0 },
    output_tokens: s.usage.outputTokens,
    output_tokens_details: { reasoning_tokens: s.usage.reasoningTokens },
    total_tokens: s.usage.inputTokens + s.usage.outputTokens,
  }
  const type = (
    { completed: 'response.completed', incomplete: 'response.incomplete', failed: 'response.failed' } as const
  )[status]
  out({ type, response: snapshot(s) })
}

const isCommentary = (s: ResponseEncoderState, phase: string | undefined, executionId: string | undefined): boolean =>
  phase === 'commentary' || (executionId !== undefined && s.children.includes(executionId))

function rememberCall(s: ResponseEncoderState, callId: string, name: string, tool: ToolInfo | undefined): CallState {
  const known = s.calls[callId]
  const call: CallState = known ?? { callId, name, arguments: '', tool }
  call.name = name
  call.tool = tool ?? call.tool
  if (!known) call.awaitingApproval = call.tool?.clientSide !== true && call.tool?.approvalRequired === true
  s.calls[callId] = call
  return call
}

function addItem<S extends Slot>(s: ResponseEncoderState, key: string, slot: S, out: Out): S {
  s.slots[key] = slot
  s.response.output.push(slot.item)
  out({ type: 'response.output_item.added', output_index: slot.index, item: cloneData(slot.item) })
  return slot
}

/** A client tool is a `function_call`; a tool the agent runs itself is an `mcp_call` carrying its result. */
function openCall(s: ResponseEncoderState, call: CallState, out: Out): Slot {
  const key = `call:${call.callId}`
  const open = s.slots[key]
  if (open) return open
  const index = s.response.output.length
  if (call.tool?.clientSide !== true) {
    const item: MCPToolCall = {
      type: 'mcp_call',
      id: itemId('mcp_call', call.callId),
      server_label: call.tool?.server ?? s.serverLabel,
      name: call.name,
      arguments: '',
      status: 'in_progress',
      ...(call.approvalRequested ? { approval_request_id: itemId('mcp_approval_request', call.callId) } : {}),
    }
    const slot = addItem(s, key, { kind: 'mcp_call', index, item }, out)
    out({ type: 'response.mcp_call.in_progress', item_id: item.id, output_index: index })
    return slot
  }
  const item: FunctionToolCall = {
    type: 'function_call',
    id: itemId('function_call', call.callId),
    call_id: call.callId,
    name: call.name,
    arguments: '',
    status: 'in_progress',
  }
  return addItem(s, key, { kind: 'function_call', index, item }, out)
}

function openMessage(
  s: ResponseEncoderState,
  key: string,
  id: string,
  phase: 'commentary' | undefined,
  out: Out,
  refusal = false,
) {
  const open = s.slots[key]
  if (open?.kind === 'message') return open
  const item: OutputMessage = {
    id,
    type: 'message',
    role: 'assistant',
    status: 'in_progress',
    content: [],
    ...(phase ? { phase } : {}),
  }
  const slot = addItem(s, key, { kind: 'message', index: s.response.output.length, item }, out)
  openContentPart(s, slot, out, refusal)
  return slot
}

function openReasoning(s: ResponseEncoderState, messageId: string, out: Out) {
  const key = `msg:${messageId}:reasoning`
  const open = s.slots[key]
  if (open?.kind === 'reasoning') return open
  const item: ReasoningItem = {
    id: itemId('reasoning', messageId),
    type: 'reasoning',
    summary: [],
    content: [],
    status: 'in_progress',
  }
  const slot = addItem(s, key, { kind: 'reasoning', index: s.response.output.length, item }, out)
  openContentPart(s, slot, out)
  return slot
}

type TextSlot = Extract<Slot, { kind: 'message' | 'reasoning' }>

function openContentPart(_s: ResponseEncoderState, slot: TextSlot, out: Out, refusal = false): TextSlot {
  if (slot.kind === 'message' && refusal) slot.item.content.push({ type: 'refusal', refusal: '' })
  else if (slot.kind === 'message')
    slot.item.content.push({ type: 'output_text', text: '', annotations: [], logprobs: [] })
  else (slot.item.content ??= []).push({ type: 'reasoning_text', text: '' })
  const contentIndex = contentCount(slot) - 1
  out({
    type: 'response.content_part.added',
    item_id: slot.item.id,
    output_index: slot.index,
    content_index: contentIndex,
    part: cloneData(lastPart(slot)),
  })
  return slot
}

const contentCount = (slot: TextSlot) =>
  slot.kind === 'message' ? slot.item.content.length : (slot.item.content?.length ?? 0)
const lastPart = (slot: TextSlot) => {
  const part = slot.kind === 'message' ? slot.item.content.at(-1) : slot.item.content?.at(-1)
  if (!part) throw new Error('content part expected')
  return part
}
/** The message's output text (or refusal) so far, all its parts of that kind together. */
const streamedText = (slot: Slot, kind: 'output_text' | 'refusal' = 'output_text'): string =>
  slot.kind === 'message'
    ? slot.item.content.map((p) => (p.type !== kind ? '' : p.type === 'refusal' ? p.refusal : p.text)).join('')
    : ''

function appendText(_s: ResponseEncoderState, slot: Slot, delta: string, out: Out) {
  if ((slot.kind !== 'message' && slot.kind !== 'reasoning') || delta === '') return
  const part = lastPart(slot)
  if (part.type === 'refusal') return
  part.text += delta
  const item_id = slot.item.id
  const output_index = slot.index
  const content_index = contentCount(slot) - 1
  if (slot.kind === 'message')
    out({ type: 'response.output_text.delta', item_id, output_index, content_index, delta, logprobs: [] })
  else out({ type: 'response.reasoning_text.delta', item_id, output_index, content_index, delta })
}

/** Output text into a message: after a refusal part it goes on in a text part of its own (not lost in the refusal). */
function appendOutputText(s: ResponseEncoderState, slot: TextSlot, delta: string, out: Out) {
  if (slot.kind === 'message' && delta !== '' && lastPart(slot).type === 'refusal') {
    closeContentPart(s, slot, out)
    openContentPart(s, slot, out)
  }
  appendText(s, slot, delta, out)
}

/** A refusal delta: into the message's refusal part (the text part before it, if any, closed first). */
function appendRefusal(s: ResponseEncoderState, slot: Slot, delta: string, out: Out) {
  if (slot.kind !== 'message' || delta === '') return
  if (lastPart(slot).type !== 'refusal') {
    closeContentPart(s, slot, out)
    openContentPart(s, slot, out, true)
  }
  const part = lastPart(slot)
  if (part.type !== 'refusal') return
  part.refusal += delta
  const ref = { item_id: slot.item.id, output_index: slot.index, content_index: contentCount(slot) - 1 }
  out({ type: 'response.refusal.delta', ...ref, delta })
}

function closeContentPart(_s: ResponseEncoderState, slot: TextSlot, out: Out) {
  const part = lastPart(slot)
  const ref = { item_id: slot.item.id, output_index: slot.index, content_index: contentCount(slot) - 1 }
  if (part.type === 'refusal') out({ type: 'response.refusal.done', ...ref, refusal: part.refusal })
  if (part.type === 'output_text') out({ type: 'response.output_text.done', ...ref, text: part.text, logprobs: [] })
  else if (part.type === 'reasoning_text') out({ type: 'response.reasoning_text.done', ...ref, text: part.text })
  out({ type: 'response.content_part.done', ...ref, part: cloneData(part) })
}

function closeSlot(s: ResponseEncoderState, key: string, out: Out, status: 'completed' | 'incomplete' = 'completed') {
  const slot = s.slots[key]
  if (!slot) return
  delete s.slots[key]
  if (slot.kind === 'message' || slot.kind === 'reasoning') closeContentPart(s, slot, out)
  if (slot.kind === 'function_call' && status === 'completed') {
    out({
      type: 'response.function_call_arguments.done',
      item_id: slot.item.id ?? '',
      output_index: slot.index,
      name: slot.item.name,
      arguments: slot.item.arguments,
    })
  }
  slot.item.status = slot.kind === 'mcp_call' && status === 'incomplete' ? 'incomplete' : status
  out({ type: 'response.output_item.done', output_index: slot.index, item: cloneData(slot.item) })
}

/** A message that arrives whole (an interrupt's question, a status message) as one complete item. */
function wholeMessage(s: ResponseEncoderState, message: Message, out: Out, phase: 'commentary' | undefined) {
  const key = `msg:${message.id}:output`
  const slot = openMessage(s, key, itemId('message', message.id), phase, out)
  appendText(s, slot, message.parts.map(partText).join(''), out)
  closeSlot(s, key, out)
}

const fileLink = (p: FilePart): string =>
  `[${p.name ?? 'file'}](${p.url ?? `data:${p.mediaType ?? 'application/octet-stream'};base64,${p.bytes ?? ''}`})`

/** Responses output is text only: data parts become JSON text, files become links (see the loss table). */
export const partText = (p: Part): string =>
  p.type === 'text' ? p.text : p.type === 'data' ? JSON.stringify(p.data) : fileLink(p)

const RESPONSE_ERROR_CODES = new Set<string>(ResponseErrorCodes.options)
const CANONICAL_TO_RESPONSE_CODE: Record<string, ResponseErrorCode> = { rate_limited: 'rate_limit_exceeded' }

export const responseErrorCode = (code: string): ResponseErrorCode =>
  RESPONSE_ERROR_CODES.has(code) ? (code as ResponseErrorCode) : (CANONICAL_TO_RESPONSE_CODE[code] ?? 'server_error')

export interface CreateResponseOptions {
  model: string
  /** The upstream response this turn continues (its own id chain, kept by the client). */
  previousResponseId?: string
  stream?: boolean
  background?: boolean
  store?: boolean
}

/**
 * A RunRequest as the body of `POST /v1/responses`. With `previousResponseId` only this turn's input is sent,
 * since the upstream keeps the rest; without it the conversation history is re-sent.
 */
export function encodeRequest(request: RunRequest, options: CreateResponseOptions): CreateResponse {
  const messages = options.previousResponseId ? request.input : [...request.history, ...request.input]
  const input: InputItem[] = messages.flatMap(messageItems)
  for (const result of request.toolResults ?? []) {
    input.push({ type: 'function_call_output', call_id: result.callId, output: toolOutput(result.output) })
  }
  for (const decision of request.decisions ?? []) {
    input.push({
      type: 'mcp_approval_response',
      approval_request_id: itemId('mcp_approval_request', decision.callId),
      approve: decision.approved,
      ...(decision.reason ? { reason: decision.reason } : {}),
    })
  }
  if (
    request.resume &&
    request.pending &&
    request.pending.callIds.length === 0 &&
    request.resume.payload !== undefined
  ) {
    input.push({
      type: 'function_call_output',
      call_id: request.resume.interruptId,
      output: JSON.stringify(request.resume.payload),
    })
  }
  const body: CreateResponse = { model: options.model, input }
  if (options.previousResponseId) body.previous_response_id = options.previousResponseId
  if (request.instructions) body.instructions = request.instructions
  if (request.tools?.length) {
    body.tools = request.tools.map((t) => ({
      type: 'function' as const,
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      parameters: t.parameters ?? null,
      strict: t.strict ?? null,
    }))
  }
  if (request.toolChoice !== undefined) body.tool_choice = request.toolChoice as ToolChoice
  const metadata = stringMetadata(request.metadata)
  if (metadata) body.metadata = metadata
  if (options.stream !== undefined) body.stream = options.stream
  if (options.background !== undefined) body.background = options.background
  if (options.store !== undefined) body.store = options.store
  return body
}

function messageItems(m: Message): InputItem[] {
  const items: InputItem[] = []
  if (m.role === 'assistant') {
    const text = m.parts.map(partText).join('')
    if (text) {
      items.push({
        type: 'message',
        role: 'assistant',
        content: text,
        ...(m.phase === 'commentary' ? { phase: 'commentary' as const } : {}),
      })
    }
    for (const call of m.toolCalls ?? []) {
      items.push({ type: 'function_call', call_id: call.callId, name: call.name, arguments: call.arguments })
    }
    return items
  }
  const content = m.parts.map(inputContent)
  const onlyText = content.length === 1 && content[0]?.type === 'input_text'
  items.push({
    type: 'message',
    role: m.role,
    content: onlyText && content[0]?.type === 'input_text' ? content[0].text : content,
  })
  return items
}

function inputContent(p: Part): InputContent {
  if (p.type === 'text') return { type: 'input_text', text: p.text }
  if (p.type === 'data') return { type: 'input_text', text: JSON.stringify(p.data) }
  const isImage = p.mediaType?.startsWith('image/') ?? false
  if (isImage) {
    const url = p.url ?? `data:${p.mediaType};base64,${p.bytes ?? ''}`
    return { type: 'input_image', image_url: url, detail: 'auto' }
  }
  return {
    type: 'input_file',
    ...(p.url
      ? { file_url: p.url }
      : { file_data: `data:${p.mediaType ?? 'application/octet-stream'};base64,${p.bytes ?? ''}` }),
    ...(p.name ? { filename: p.name } : {}),
  }
}

const toolOutput = (output: string | Part[]): string =>
  typeof output === 'string' ? output : output.map(partText).join('')

/** Responses metadata is at most 16 string pairs; other values are JSON-encoded, extras dropped. */
function stringMetadata(metadata: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!metadata) return undefined
  const entries = Object.entries(metadata)
    .slice(0, 16)
    .map(([k, v]) => [k.slice(0, 64), (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 512)] as const)
  return entries.length ? Object.fromEntries(entries) : undefined
}

/** An agent as a model: its entry in `GET /v1/models` (`created` in Unix seconds). */
export const modelEntry = (id: string, created = 0): Model => ({
  id,
  object: 'model',
  created,
  owned_by: 'dialect-bridge',
})

/** A text delta's keys, in the order the encoder writes them: the shape `eventText` writes from a template. */
const TEXT_DELTA_KEYS = ['type', 'item_id', 'output_index', 'content_index', 'delta', 'logprobs', 'sequence_number']

/** The template's text up to the delta, for the last item and indexes written: the same for every delta of a part. */
let prefixItem: string | undefined
let prefixOutput = -1
let prefixContent = -1
let deltaPrefix = ''

/**
 * An event's JSON text, as `JSON.stringify` writes it. The text delta, most of any stream, is written from a template:
 * only its strings go through the serializer (an event with anything more is serialized whole).
 */
export function eventText(e: ResponseStreamEvent, type = e.type): string {
  const d = e as Extract<ResponseStreamEvent, { type: 'response.output_text.delta' }>
  if (type === 'response.output_text.delta' && d.logprobs.length === 0 && keysAre(d, TEXT_DELTA_KEYS)) {
    if (d.item_id !== prefixItem || d.output_index !== prefixOutput || d.content_index !== prefixContent) {
      deltaPrefix = `{"type":"response.output_text.delta","item_id":${JSON.stringify(d.item_id)},"output_index":${d.output_index},"content_index":${d.content_index},"delta":`
      prefixItem = d.item_id
      prefixOutput = d.output_index
      prefixContent = d.content_index
    }
    return `${deltaPrefix}${JSON.stringify(d.delta)},"logprobs":[],"sequence_number":${d.sequence_number}}`
  }
  return JSON.stringify(e)
}
