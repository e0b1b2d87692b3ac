// Strict TrueFoundry test clients, written from the digest (/work/shared/dialects/truefoundry.md) with the strictness
// the vendor's TypeScript SDK (`truefoundry-gateway-sdk`) is known to have. They read the server-sent events
// themselves (no shared SSE helper) and throw a `StrictClientError` on anything the SDK would refuse, or that would
// leave an SDK user with a wrong picture of the turn.
//
// Surface B (sessions / turns): every SSE message needs an integer `id:` (the sequence number), counting up by one from
// 1 (or from `after_sequence_number + 1` on subscribe); every event a known `type`, an `id` and a `thread_id` key (null
// only on turn-level events); a tool call on a `model.message` needs `tool_info`; a `model.message.delta` merges into
// the `model.message` with its id (`mergeEventDelta`), which must have come first; the stream opens with
// `turn.created` and ends with `turn.done`.
//
// Surface A (agent responses): data-only SSE; every event a known `type` and a growing integer `sequence_id`;
// `response.created` first; `agent.message` fragments folded per `execution_id` (`mergeAssistantMessage`); a
// `tool.approval_required` / `tool.response_required` / `mcp.auth_required` ends the turn even without `response.done`.

export class StrictClientError extends Error {
  override name = 'StrictClientError'
}

const fail = (message: string): never => {
  throw new StrictClientError(message)
}

// ── SSE ──────────────────────────────────────────────────────────────────────────────────────────────────────

export interface SSEMessage {
  /** The message's own `id:` field (undefined when the message has none). */
  id?: string
  event?: string
  data: string
}

const toStream = (body: ReadableStream<Uint8Array> | string): ReadableStream<Uint8Array> =>
  typeof body === 'string' ? (new Response(body).body as ReadableStream<Uint8Array>) : body

/**
 * The messages of an event stream, parsed by the WHATWG rules: lines end with CRLF, LF or CR; `:` lines are comments;
 * `data` lines join with `\n`; a blank line ends a message, and a block without data dispatches nothing. Unlike a
 * browser's EventSource, the `id` reported is the message's own, not the last one seen (the SDK reads it so).
 */
export async function* sseMessages(body: ReadableStream<Uint8Array> | string): AsyncGenerator<SSEMessage> {
  const reader = toStream(body).getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let id: string | undefined
  let event: string | undefined
  let data: string[] = []
  const line = (text: string): SSEMessage | undefined => {
    if (text === '') {
      const message = data.length
        ? { ...(id !== undefined ? { id } : {}), ...(event ? { event } : {}), data: data.join('\n') }
        : undefined
      id = undefined
      event = undefined
      data = []
      return message
    }
    if (text.startsWith(':')) return undefined
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'id' && !value.includes('\0')) id = value
    else if (field === 'event') event = value
    return undefined
  }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true })
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/)
        // A CR at the end of the buffer may be the first half of a CRLF: wait for more.
        if (end === -1 || (!done && end === buffer.length - 1 && buffer[end] === '\r')) break
        const size = buffer.startsWith('\r\n', end) ? 2 : 1
        const message = line(buffer.slice(0, end))
        buffer = buffer.slice(end + size)
        if (message) yield message
      }
      if (done) return
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/** An HTTP answer that was not a 2xx, with its JSON body (or text). */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType: string | null,
  ) {
    super(`HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`)
  }
}

async function httpError(res: Response): Promise<HttpError> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return new HttpError(res.status, body, res.headers.get('content-type'))
}

async function eventStream(res: Response): Promise<ReadableStream<Uint8Array>> {
  if (!res.ok) throw await httpError(res)
  const type = res.headers.get('content-type') ?? ''
  if (!/^text\/event-stream\b/.test(type)) fail(`expected text/event-stream, got '${type}'`)
  if (!res.body) return fail('the event stream has no body')
  return res.body
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const clone = <T>(v: T): T => structuredClone(v)

// ── Surface B: sessions and turns ────────────────────────────────────────────────────────────────────────────

export const TURN_EVENT_TYPES = [
  'turn.created',
  'turn.done',
  'model.message',
  'model.message.delta',
  'tool.response',
  'tool.approval_required',
  'tool.response_required',
  'thread.created',
  'thread.done',
  'mcp.initialize',
  'mcp.auth_required',
  'sandbox.created',
] as const

/** Turn-level events: their `thread_id` may be null. Every other event names its thread. */
const NULL_THREAD_OK = new Set(['turn.created', 'turn.done', 'mcp.auth_required', 'sandbox.created'])

export interface ToolInfo {
  type: string
  name: string
  server_id?: string
  server_name?: string
}

export interface ModelToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
  tool_info?: ToolInfo
  provider_specific_fields?: Record<string, unknown>
}

export type ModelContent = string | ({ type: 'text'; text: string } | { type: 'refusal'; refusal: string })[]

export interface ModelMessage {
  type: 'model.message'
  id: string
  thread_id: string
  created_at?: string
  content?: ModelContent
  refusal?: string
  reasoning_content?: string
  tool_calls?: ModelToolCall[]
  finish_reason?: string
  usage?: unknown
  [key: string]: unknown
}

export interface ModelMessageDelta {
  type: 'model.message.delta'
  id: string
  thread_id: string
  content?: string | null
  refusal?: string | null
  reasoning_content?: string
  tool_calls?: {
    index: number
    id?: string
    type?: 'function'
    function?: { name?: string; arguments?: string }
    tool_info?: ToolInfo
    provider_specific_fields?: Record<string, unknown>
  }[]
  finish_reason?: string | null
  usage?: unknown
}

export type TurnState =
  | { status: 'running' }
  | {
      status: 'done'
      output: ModelMessage | null
      required_actions: TurnEvent[]
      completed_at: string
      metrics?: Record<string, number>
    }
  | { status: 'cancelled'; reason: string; completed_at: string }
  | { status: 'error'; message: string; completed_at: string }

/** Any turn event (the strict reader has checked `type`, `id` and `thread_id`). */
export interface TurnEvent {
  type: (typeof TURN_EVENT_TYPES)[number]
  id: string
  thread_id: string | null
  created_at?: string
  state?: TurnState
  [key: string]: unknown
}

/** The text of a message's content (parts joined). */
export const contentText = (content: ModelContent | undefined): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('')

/** The SDK's `mergeEventDelta`: a delta folded into the base `model.message` with its id. */
export function mergeEventDelta(base: ModelMessage, delta: ModelMessageDelta): void {
  if (base.id !== delta.id) fail(`cannot merge delta '${delta.id}' into a different event '${base.id}'`)
  if (delta.content) {
    if (base.content === undefined || typeof base.content === 'string')
      base.content = (base.content ?? '') + delta.content
    else {
      const last = base.content.at(-1)
      if (last?.type === 'text') last.text += delta.content
      else base.content.push({ type: 'text', text: delta.content })
    }
  }
  if (delta.refusal) base.refusal = (base.refusal ?? '') + delta.refusal
  if (delta.tool_calls) {
    base.tool_calls ??= []
    for (const d of delta.tool_calls) {
      let call = base.tool_calls[d.index]
      if (call === undefined) {
        call = {
          id: d.id ?? '',
          type: d.type ?? 'function',
          function: { name: d.function?.name ?? '', arguments: '' },
          ...(d.tool_info ? { tool_info: d.tool_info } : {}),
        }
        base.tool_calls[d.index] = call
      }
      if (d.id) call.id = d.id
      if (d.type) call.type = d.type
      if (d.function?.name) call.function.name = d.function.name
      if (d.function?.arguments) call.function.arguments += d.function.arguments
      if (d.tool_info) call.tool_info = d.tool_info
      if (d.provider_specific_fields) {
        call.provider_specific_fields = { ...(call.provider_specific_fields ?? {}), ...d.provider_specific_fields }
      }
    }
  }
  if (delta.finish_reason) base.finish_reason = delta.finish_reason
  if (delta.reasoning_content) base.reasoning_content = (base.reasoning_content ?? '') + delta.reasoning_content
  if (delta.usage) base.usage = delta.usage
}

export interface TurnReadOptions {
  /** The sequence number the stream resumes after (subscribe); 0, the default, is a stream from its start. */
  after?: number
  /** Stop once this sequence number is read, dropping the connection (a client that lost it). */
  stopAfter?: number
  /** Called with every event as it arrives (a schema check that throws fails the read). */
  onEvent?: (event: TurnEvent, sequenceNumber: number) => void
  /** Aborted when the reader stops early, to drop the connection. */
  abort?: AbortController
}

/**
 * One turn as a client sees it, across connections: the events with their sequence numbers, the merged model
 * messages, and the final state. Feed it a turn stream, then (after a drop) the subscribe stream that resumes it.
 */
export class TurnStream {
  readonly events: { seq: number; event: TurnEvent }[] = []
  /** Merged model messages by event id, in the order their bases came. */
  readonly messages = new Map<string, ModelMessage>()
  lastSeq = 0
  done?: TurnEvent & { state: Exclude<TurnState, { status: 'running' }> }
  created?: TurnEvent

  get turnId(): string {
    return String(this.created?.turn_id ?? fail('no turn.created seen'))
  }

  /** The final state (from `turn.done`). */
  get state(): Exclude<TurnState, { status: 'running' }> {
    return this.done?.state ?? fail('the turn has not ended')
  }

  get requiredActions(): TurnEvent[] {
    const state = this.state
    return state.status === 'done' ? state.required_actions : []
  }

  /** The merged messages of each thread, in order. */
  byThread(): Record<string, ModelMessage[]> {
    const out: Record<string, ModelMessage[]> = {}
    for (const m of this.messages.values()) (out[m.thread_id] ??= []).push(m)
    return out
  }

  /** The texts a thread said, one per message that has text. */
  texts(thread = 'main'): string[] {
    return (this.byThread()[thread] ?? []).map((m) => contentText(m.content)).filter((t) => t !== '')
  }

  /** The tool calls of a thread's messages. */
  toolCalls(thread = 'main'): ModelToolCall[] {
    return (this.byThread()[thread] ?? []).flatMap((m) => m.tool_calls ?? [])
  }

  ofType(type: TurnEvent['type']): TurnEvent[] {
    return this.events.filter((e) => e.event.type === type).map((e) => e.event)
  }

  /** Reads one connection's stream; returns true when it ended with `turn.done`, false when stopped early. */
  async read(body: ReadableStream<Uint8Array> | string, options: TurnReadOptions = {}): Promise<boolean> {
    const after = options.after ?? 0
    if (after !== this.lastSeq) {
      fail(`this stream resumes after ${after} but the client has read up to ${this.lastSeq}: a gap or an overlap`)
    }
    for await (const message of sseMessages(body)) {
      if (this.done) fail(`an SSE message after turn.done: ${message.data}`)
      if (message.id === undefined || message.id === '') fail(`Missing SSE sequence number id: ${message.data}`)
      const raw = message.id as string
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) fail(`Invalid SSE sequence number id: "${raw}"`)
      const seq = Number(raw)
      if (seq !== this.lastSeq + 1) fail(`sequence number ${seq} after ${this.lastSeq}: expected ${this.lastSeq + 1}`)
      let parsed: unknown
      try {
        parsed = JSON.parse(message.data)
      } catch {
        fail(`event ${seq} is not JSON: ${message.data}`)
      }
      const event = this.check(parsed, seq)
      options.onEvent?.(event, seq)
      this.apply(event, seq)
      this.lastSeq = seq
      this.events.push({ seq, event })
      if (options.stopAfter !== undefined && seq >= options.stopAfter && !this.done) {
        options.abort?.abort()
        return false
      }
    }
    if (!this.done) fail(`the stream ended without turn.done (last sequence number ${this.lastSeq})`)
    return true
  }

  private check(parsed: unknown, seq: number): TurnEvent {
    if (!isObject(parsed)) return fail(`event ${seq} is not an object`)
    const { type } = parsed
    if (typeof type !== 'string' || !(TURN_EVENT_TYPES as readonly string[]).includes(type)) {
      fail(`event ${seq} has an unknown type '${String(type)}'`)
    }
    if (typeof parsed.id !== 'string' || parsed.id === '') fail(`event ${seq} (${type}) has no id`)
    if (!('thread_id' in parsed)) fail(`event ${seq} (${type}) has no thread_id`)
    const thread = parsed.thread_id
    if (thread === null) {
      if (!NULL_THREAD_OK.has(type as string)) fail(`event ${seq} (${type}) has a null thread_id`)
    } else if (typeof thread !== 'string' || thread === '') {
      fail(`event ${seq} (${type}) has thread_id ${JSON.stringify(thread)}`)
    }
    if (seq === 1 && type !== 'turn.created') fail(`the stream starts with ${type}, not turn.created`)
    if (type === 'turn.created' && this.created) fail(`a second turn.created at ${seq}`)
    return parsed as TurnEvent
  }

  private apply(event: TurnEvent, seq: number) {
    switch (event.type) {
      case 'turn.created':
        this.created = event
        return
      case 'turn.done':
        if (!isObject(event.state) || typeof event.state.status !== 'string') fail(`turn.done ${seq} has no state`)
        this.done = event as TurnStream['done']
        return
      case 'model.message': {
        const message = event as unknown as ModelMessage
        if (message.tool_calls !== undefined) {
          if (!Array.isArray(message.tool_calls)) fail(`model.message ${seq}: tool_calls is not an array`)
          for (const call of message.tool_calls) {
            if (!isObject(call) || !isObject(call.tool_info))
              fail(`model.message ${seq}: a tool call without tool_info`)
          }
        }
        if (this.messages.has(message.id)) fail(`a second model.message with id '${message.id}' at ${seq}`)
        this.messages.set(message.id, clone(message))
        return
      }
      case 'model.message.delta': {
        const delta = event as unknown as ModelMessageDelta
        const base = this.messages.get(delta.id)
        if (!base) return fail(`model.message.delta ${seq} for '${delta.id}' has no model.message base before it`)
        if (base.thread_id !== delta.thread_id) {
          fail(`model.message.delta ${seq} is on thread ${delta.thread_id}, its base on ${base.thread_id}`)
        }
        mergeEventDelta(base, delta)
        return
      }
      default:
        return
    }
  }
}

// ── Surface A: the agent responses stream ────────────────────────────────────────────────────────────────────

export const RESPONSE_EVENT_TYPES = [
  'response.created',
  'agent.message',
  'agent.created',
  'agent.done',
  'agent.error',
  'mcp.initialize',
  'mcp.auth_required',
  'sandbox.created',
  'tool.approval_required',
  'tool.response_required',
  'response.done',
] as const

/** The events after which a turn waits for the client: no `response.done` needs to follow. */
export const PAUSE_EVENTS = new Set(['tool.approval_required', 'tool.response_required', 'mcp.auth_required'])

export interface ResponseEvent {
  type: (typeof RESPONSE_EVENT_TYPES)[number]
  sequence_id: number
  execution_id?: string
  [key: string]: unknown
}

export interface McpToolCallInfo {
  mcp_server_id: string
  mcp_server_name: string
  original_tool_name: string
  is_approval_required?: boolean
  is_deferred?: boolean
  is_client_side?: boolean
}

export interface EnrichedToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
  tool_info?: McpToolCallInfo
  provider_specific_fields?: Record<string, unknown>
}

/** An assistant message folded from its fragments (the SDK's `EnrichedAssistantMessage`, plus what we check). */
export interface AssistantMessage {
  type: 'agent.message'
  /** The first fragment's role (the SDK fills in `assistant`; we keep what came, to check it). */
  role: string | undefined
  execution_id: string
  content?: string
  refusal?: string
  /** SSE-only (the SDK helper drops it); kept here to check the reasoning scenario. */
  reasoning_content?: string
  thinking_blocks?: (
    | { type: 'thinking'; thinking: string; signature?: string }
    | { type: 'redacted_thinking'; data: string }
  )[]
  tool_calls?: EnrichedToolCall[]
  finish_reason: string | null
  /** How many fragments made it, and how many of them carried a role. */
  fragments: number
  roles: number
}

interface AssistantChunk {
  execution_id: string
  role?: string
  content?: string
  refusal?: string
  reasoning_content?: string
  thinking_blocks?: { type: string; thinking?: string; signature?: string; data?: string }[]
  tool_calls?: {
    index: number
    id?: string
    function?: { name?: string; arguments?: string }
    tool_info?: McpToolCallInfo
    provider_specific_fields?: Record<string, unknown>
  }[]
  finish_reason?: string | null
}

/** The SDK helper `mergeAssistantMessage`: one fragment folded into the message so far (or a new one). */
export function mergeAssistantMessage(current: AssistantMessage | null, chunk: AssistantChunk): AssistantMessage {
  const m: AssistantMessage = current
    ? { ...current }
    : {
        type: 'agent.message',
        role: chunk.role,
        execution_id: chunk.execution_id,
        finish_reason: null,
        fragments: 0,
        roles: 0,
      }
  m.fragments += 1
  if (chunk.role !== undefined) m.roles += 1
  if (chunk.content) m.content = (m.content ?? '') + chunk.content
  if (chunk.refusal) m.refusal = (m.refusal ?? '') + chunk.refusal
  if (chunk.reasoning_content) m.reasoning_content = (m.reasoning_content ?? '') + chunk.reasoning_content
  if (chunk.thinking_blocks?.length) {
    const out = [...(m.thinking_blocks ?? [])]
    for (const b of chunk.thinking_blocks) {
      if (b.type === 'redacted_thinking') {
        out.push({ type: 'redacted_thinking', data: b.data ?? '' })
        continue
      }
      const last = out.at(-1)
      if (last?.type === 'thinking' && !last.signature) {
        out[out.length - 1] = {
          type: 'thinking',
          thinking: last.thinking + (b.thinking ?? ''),
          ...(b.signature ? { signature: b.signature } : {}),
        }
      } else {
        out.push({ type: 'thinking', thinking: b.thinking ?? '', ...(b.signature ? { signature: b.signature } : {}) })
      }
    }
    m.thinking_blocks = out
  }
  if (chunk.tool_calls?.length) {
    const out = [...(m.tool_calls ?? [])]
    for (const d of chunk.tool_calls) {
      if (!Number.isInteger(d.index) || d.index < 0) fail(`a tool call fragment without an index: ${JSON.stringify(d)}`)
      while (out.length <= d.index) out.push({ id: '', type: 'function', function: { name: '', arguments: '' } })
      const cur = out[d.index]!
      out[d.index] = {
        ...cur,
        id: d.id || cur.id,
        function: {
          name: d.function?.name || cur.function.name,
          arguments: cur.function.arguments + (d.function?.arguments ?? ''),
        },
        ...(d.tool_info && !cur.tool_info ? { tool_info: d.tool_info } : {}),
        ...(d.provider_specific_fields && !cur.provider_specific_fields
          ? { provider_specific_fields: d.provider_specific_fields }
          : {}),
      }
    }
    m.tool_calls = out
  }
  if (chunk.finish_reason) m.finish_reason = chunk.finish_reason
  return m
}

export interface ResponseReadOptions {
  stopAfter?: number
  onEvent?: (event: ResponseEvent) => void
  abort?: AbortController
}

/** One response stream as a client sees it: the events, the folded messages, the tool results and how it ended. */
export class ResponseStream {
  readonly events: ResponseEvent[] = []
  /** Finished assistant messages, in the order they finished. */
  readonly messages: AssistantMessage[] = []
  /** Messages still open per execution (no fragment with `finish_reason` yet). */
  readonly open = new Map<string, AssistantMessage>()
  readonly toolResults: ResponseEvent[] = []
  responseId?: string
  /** The event that ended the turn: `response.done`, or a pause. */
  end?: ResponseEvent
  /** Events that came after a pause ended the turn (an SDK user has stopped reading). */
  readonly trailing: ResponseEvent[] = []
  private lastSequence = 0

  get paused(): boolean {
    return !!this.end && PAUSE_EVENTS.has(this.end.type)
  }

  /** The finished messages of an execution (all of them when not given). */
  of(execution?: string): AssistantMessage[] {
    return execution ? this.messages.filter((m) => m.execution_id === execution) : this.messages
  }

  texts(execution?: string): string[] {
    return this.of(execution)
      .map((m) => m.content ?? '')
      .filter((t) => t !== '')
  }

  ofType(type: ResponseEvent['type']): ResponseEvent[] {
    return this.events.filter((e) => e.type === type)
  }

  /** The root execution: the one `response.created` is followed by (the first with a message or a pause). */
  get rootExecution(): string {
    const first = this.events.find((e) => typeof e.execution_id === 'string' && e.type !== 'agent.created')
    return first?.execution_id ?? fail('no execution seen')
  }

  async read(body: ReadableStream<Uint8Array> | string, options: ResponseReadOptions = {}): Promise<boolean> {
    for await (const message of sseMessages(body)) {
      let parsed: unknown
      try {
        parsed = JSON.parse(message.data)
      } catch {
        fail(`an event that is not JSON: ${message.data}`)
      }
      const event = this.check(parsed)
      options.onEvent?.(event)
      this.events.push(event)
      if (this.end) {
        if (this.end.type === 'response.done') fail(`an event after response.done: ${message.data}`)
        this.trailing.push(event)
        continue
      }
      this.apply(event)
      if (options.stopAfter !== undefined && event.sequence_id >= options.stopAfter && !this.end) {
        options.abort?.abort()
        return false
      }
    }
    if (!this.end) fail('the stream ended without response.done or a pause')
    return true
  }

  private check(parsed: unknown): ResponseEvent {
    if (!isObject(parsed)) return fail('an event that is not an object')
    const { type, sequence_id: sequence } = parsed
    if (typeof type !== 'string' || !(RESPONSE_EVENT_TYPES as readonly string[]).includes(type)) {
      fail(`an event of unknown type '${String(type)}'`)
    }
    if (sequence === undefined) fail(`${type} has no sequence_id`)
    if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) {
      fail(`${type} has sequence_id ${JSON.stringify(sequence)}`)
    }
    if ((sequence as number) <= this.lastSequence) {
      fail(`${type} has sequence_id ${sequence}, not after ${this.lastSequence}`)
    }
    this.lastSequence = sequence as number
    if (this.events.length === 0 && type !== 'response.created')
      fail(`the stream starts with ${type}, not response.created`)
    if (this.events.length > 0 && type === 'response.created') fail('a second response.created')
    return parsed as ResponseEvent
  }

  private apply(event: ResponseEvent) {
    if (event.type === 'response.created') {
      if (typeof event.response_id !== 'string' || !event.response_id) fail('response.created without a response_id')
      this.responseId = event.response_id as string
      return
    }
    if (event.type === 'agent.message') {
      if (typeof event.execution_id !== 'string' || !event.execution_id) fail('agent.message without an execution_id')
      if (event.role === 'tool') {
        this.toolResults.push(event)
        return
      }
      const execution = event.execution_id as string
      const merged = mergeAssistantMessage(this.open.get(execution) ?? null, event as unknown as AssistantChunk)
      if (merged.finish_reason) {
        this.open.delete(execution)
        this.messages.push(merged)
      } else this.open.set(execution, merged)
      return
    }
    if (event.type === 'response.done' || PAUSE_EVENTS.has(event.type)) this.end = event
  }
}

// ── The clients: HTTP plus the strict readers ────────────────────────────────────────────────────────────────

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

/** Surface B over HTTP: `base` is the tenant base URL (`…/truefoundry`). */
export class StrictSessionsClient {
  constructor(
    readonly base: string,
    private readonly onEvent?: (event: TurnEvent, seq: number) => void,
  ) {}

  /** A JSON call; a non-2xx answer throws an `HttpError`. */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, body === undefined ? { method } : { ...json(body), method })
    if (!res.ok) throw await httpError(res)
    return (await res.json()) as T
  }

  async createSession(agentName: string): Promise<{ id: string; agent_name: string; [key: string]: unknown }> {
    return (
      await this.call<{ data: { id: string; agent_name: string } }>('POST', '/v1/agents/sessions', {
        agent_name: agentName,
      })
    ).data
  }

  /** Opens a turn's stream (the response, not read yet). */
  async openTurn(sessionId: string, body: unknown, abort = new AbortController()) {
    const res = await fetch(`${this.base}/v1/agents/sessions/${sessionId}/turns`, {
      ...json(body),
      signal: abort.signal,
    })
    return { body: await eventStream(res), abort }
  }

  /** Starts a turn and reads its stream to `turn.done` (or to `stopAfter`). */
  async turn(
    sessionId: string,
    body: unknown,
    options: { stopAfter?: number; stream?: TurnStream } = {},
  ): Promise<TurnStream> {
    const stream = options.stream ?? new TurnStream()
    const { body: sse, abort } = await this.openTurn(sessionId, body)
    await stream.read(sse, {
      ...this.readOptions(abort),
      ...(options.stopAfter ? { stopAfter: options.stopAfter } : {}),
    })
    return stream
  }

  /** A user message turn. */
  say(sessionId: string, content: string, extra: Record<string, unknown> = {}) {
    return this.turn(sessionId, { input: [{ type: 'user.message', content }], ...extra })
  }

  /**
   * Subscribes to a turn after a sequence number: in the body (`{after_sequence_number}`, the SDK's way), or in a
   * `Last-Event-Id` header with no body. Reads on into `stream` (a fresh one when not given).
   */
  async subscribe(
    sessionId: string,
    turnId: string,
    resume: { after?: number; lastEventId?: number },
    stream = new TurnStream(),
    options: { stopAfter?: number } = {},
  ): Promise<TurnStream> {
    const abort = new AbortController()
    const url = `${this.base}/v1/agents/sessions/${sessionId}/turns/${turnId}/subscribe`
    const init: RequestInit =
      resume.lastEventId !== undefined
        ? { method: 'POST', headers: { 'last-event-id': String(resume.lastEventId) } }
        : json(resume.after !== undefined ? { after_sequence_number: resume.after } : {})
    const res = await fetch(url, { ...init, signal: abort.signal })
    const after = resume.after ?? resume.lastEventId ?? 0
    await stream.read(await eventStream(res), { ...this.readOptions(abort), after, ...options })
    return stream
  }

  readOptions(abort: AbortController): TurnReadOptions {
    return { abort, ...(this.onEvent ? { onEvent: this.onEvent } : {}) }
  }
}

/** Surface A over HTTP: `base` is the tenant base URL (`…/truefoundry`). */
export class StrictResponsesClient {
  constructor(
    readonly base: string,
    private readonly onEvent?: (event: ResponseEvent) => void,
  ) {}

  async open(body: unknown, abort = new AbortController()) {
    const res = await fetch(`${this.base}/agent/responses`, { ...json(body), signal: abort.signal })
    return { body: await eventStream(res), abort }
  }

  /** A response, read to its end (`response.done` or a pause, and whatever follows until the stream closes). */
  async create(body: unknown, options: { stopAfter?: number } = {}): Promise<ResponseStream> {
    const stream = new ResponseStream()
    const { body: sse, abort } = await this.open(body)
    await stream.read(sse, { abort, ...(this.onEvent ? { onEvent: this.onEvent } : {}), ...options })
    return stream
  }

  async cancel(responseId: string): Promise<unknown> {
    const res = await fetch(`${this.base}/agent/responses/cancel`, json({ response_id: responseId }))
    if (!res.ok) throw await httpError(res)
    return res.json()
  }
}
