// Responses → canonical. The stream decoder turns an upstream's Responses events into AgentEvents; the request
// decoder turns a client's CreateResponse into one turn's input, with errors that name the offending param.
import type { z } from 'zod'
import type { AgentEvent, ApprovalDecision, Message, Part, ToolInfo, ToolResult, ToolSpec } from '../../core/index.js'
import { BridgeError, newId, parseWith } from '../../core/index.js'
import type { ResponseEcho } from './encode.js'
import { fromItemId } from './ids.js'
import type { OutputItemIn, StreamEventIn, StreamEventInType, UsageIn } from './reading.js'
import type { FunctionTool, FunctionToolParam, InputContent, ToolChoice } from './wire.js'
import * as wire from './wire.js'

interface ItemState {
  kind: OutputItemIn['type']
  /** The canonical message id or call id the item stands for. */
  ref: string
  name?: string
  tool?: ToolInfo
  argumentsDone?: boolean
}

export interface ResponseDecoderState {
  /** The upstream's response id, once `response.created` has been read. */
  responseId?: string
  /** The last sequence_number read: the resume cursor for `starting_after`. */
  lastSequence: number
  items: Record<string, ItemState>
  working: boolean
  clientCalls: string[]
  approvals: string[]
  done: boolean
  /**
   * A reasoning item's message, done and held until the next event: when that event opens the message item of the
   * same message (`rs_X`, then `msg_X`: how the Responses face sends one message with reasoning), the two are one
   * canonical message, completed once; anything else lets it go out as it is.
   */
  reasoned?: Message
  /** Messages whose reasoning item came just before their message item: it completes them with that reasoning. */
  reasoning: Record<string, string>
}

export const createDecoder = (): ResponseDecoderState => ({
  lastSequence: -1,
  items: {},
  working: false,
  clientCalls: [],
  approvals: [],
  done: false,
  reasoning: {},
})

type Event<T extends StreamEventInType> = Extract<StreamEventIn, { type: T }>
type Handler<T extends StreamEventInType> = (s: ResponseDecoderState, e: Event<T>) => AgentEvent[]

/**
 * Decodes one upstream event. Events already seen (sequence_number not above the last one) are dropped, so a
 * resumed stream can be fed straight in.
 */
export function decode(state: ResponseDecoderState, event: StreamEventIn): AgentEvent[] {
  if (state.done) return []
  // Each field read once: events of every shape pass here, and each read of one is a slow generic load.
  const seq = event.sequence_number
  if (typeof seq === 'number') {
    if (seq <= state.lastSequence) return []
    state.lastSequence = seq
  }
  const type = event.type
  const held = state.reasoned ? heldReasoning(state, event) : undefined
  // The text delta's row named outright: found without a generic look-up by name.
  const handle = (
    type === 'response.output_text.delta' ? handlers['response.output_text.delta'] : handlers[type]
  ) as Handler<typeof type>
  const out = held ? [held, ...handle(state, event as never)] : handle(state, event as never)
  if (state.working || type === 'response.created' || type === 'response.queued') return out
  state.working = true
  return [{ type: 'run.status', status: 'working' }, ...out]
}

const none = (): AgentEvent[] => []

/** The held reasoning message's completion, unless `event` opens its message item (whose completion then holds it). */
function heldReasoning(s: ResponseDecoderState, event: StreamEventIn): AgentEvent | undefined {
  const held = s.reasoned
  if (!held) return undefined
  s.reasoned = undefined
  const item = event.type === 'response.output_item.added' ? event.item : undefined
  if (item?.type === 'message' && fromItemId('message', item.id) === held.id) {
    s.reasoning[held.id] = held.reasoning ?? ''
    return undefined
  }
  return { type: 'message.completed', message: held }
}

const itemRef = (s: ResponseDecoderState, itemId: string) => s.items[itemId]?.ref ?? itemId

const handlers: { [T in StreamEventInType]: Handler<T> } = {
  'response.created': (s, e) => {
    s.responseId = e.response.id
    return []
  },
  'response.queued': none,
  'response.in_progress': none,
  'response.output_item.added': (s, e) => itemAdded[e.item.type](s, e.item as never),
  'response.output_item.done': (s, e) => itemDone[e.item.type](s, e.item as never),
  'response.content_part.added': none,
  'response.content_part.done': none,
  'response.output_text.delta': (s, e) => [
    { type: 'message.delta', messageId: itemRef(s, e.item_id), delta: e.delta, channel: 'output' },
  ],
  'response.output_text.done': none,
  'response.refusal.delta': (s, e) => [
    { type: 'message.delta', messageId: itemRef(s, e.item_id), delta: e.delta, channel: 'refusal' },
  ],
  'response.refusal.done': none,
  'response.reasoning_text.delta': (s, e) => [
    { type: 'message.delta', messageId: itemRef(s, e.item_id), delta: e.delta, channel: 'reasoning' },
  ],
  'response.reasoning_text.done': none,
  'response.reasoning_summary_text.delta': (s, e) => [
    { type: 'message.delta', messageId: itemRef(s, e.item_id), delta: e.delta, channel: 'reasoning' },
  ],
  'response.reasoning_summary_text.done': none,
  'response.function_call_arguments.delta': (s, e) => [
    { type: 'tool.call.delta', callId: itemRef(s, e.item_id), delta: e.delta },
  ],
  'response.function_call_arguments.done': none,
  'response.mcp_call_arguments.delta': (s, e) => [
    { type: 'tool.call.delta', callId: itemRef(s, e.item_id), delta: e.delta },
  ],
  'response.mcp_call_arguments.done': (s, e) => {
    const item = s.items[e.item_id]
    if (!item || item.argumentsDone) return []
    item.argumentsDone = true
    return [
      {
        type: 'tool.call.completed',
        callId: item.ref,
        name: item.name ?? '',
        arguments: e.arguments,
        ...(item.tool ? { tool: item.tool } : {}),
      },
    ]
  },
  'response.mcp_call.in_progress': none,
  'response.mcp_call.completed': none,
  'response.mcp_call.failed': none,
  'response.completed': (s, e) => {
    s.done = true
    const out = usageEvents(e.response.usage)
    const paused = [...s.approvals, ...s.clientCalls]
    if (paused.length === 0) return [...out, { type: 'run.completed' }]
    const reason = s.clientCalls.length ? 'client_tool' : 'approval'
    return [
      ...out,
      { type: 'interrupt', interruptId: s.responseId ?? newId('int'), reason, callIds: paused },
      { type: 'run.status', status: 'input_required' },
    ]
  },
  'response.incomplete': (s, e) => {
    s.done = true
    const reason = e.response.incomplete_details?.reason ?? 'unknown'
    return [...usageEvents(e.response.usage), { type: 'run.completed', incomplete: { reason } }]
  },
  'response.failed': (s, e) => {
    s.done = true
    const error = {
      code: e.response.error?.code ?? 'server_error',
      message: e.response.error?.message ?? 'The upstream response failed.',
    }
    return [...usageEvents(e.response.usage), { type: 'run.failed', error }]
  },
  error: (s, e) => {
    s.done = true
    const message = e.message || 'The upstream reported an error.'
    return [{ type: 'run.failed', error: { code: e.code ?? 'server_error', message } }]
  },
}

type ItemHandler<T extends OutputItemIn['type']> = (
  s: ResponseDecoderState,
  item: Extract<OutputItemIn, { type: T }>,
) => AgentEvent[]

const itemAdded: { [T in OutputItemIn['type']]: ItemHandler<T> } = {
  message: (s, item) => {
    const messageId = fromItemId('message', item.id)
    s.items[item.id] = { kind: 'message', ref: messageId }
    return [
      {
        type: 'message.started',
        messageId,
        role: 'assistant',
        ...(item.phase === 'commentary' ? { phase: 'commentary' as const } : {}),
      },
    ]
  },
  reasoning: (s, item) => {
    const messageId = fromItemId('reasoning', item.id)
    s.items[item.id] = { kind: 'reasoning', ref: messageId }
    return [{ type: 'message.started', messageId, role: 'assistant' }]
  },
  function_call: (s, item) => {
    s.items[item.id ?? item.call_id] = { kind: 'function_call', ref: item.call_id }
    return [{ type: 'tool.call.started', callId: item.call_id, name: item.name, tool: { clientSide: true } }]
  },
  mcp_call: (s, item) => {
    const callId = fromItemId('mcp_call', item.id)
    const tool = mcpTool(item.server_label, !!item.approval_request_id)
    s.items[item.id] = { kind: 'mcp_call', ref: callId, name: item.name, tool }
    return [{ type: 'tool.call.started', callId, name: item.name, tool }]
  },
  mcp_approval_request: () => [],
}

const mcpTool = (server: string, approvalRequired: boolean) => ({
  server,
  clientSide: false,
  ...(approvalRequired ? { approvalRequired: true } : {}),
})

const itemDone: { [T in OutputItemIn['type']]: ItemHandler<T> } = {
  message: (s, item) => {
    // Text and refusal parts; a part of a type this bridge does not know carries no text.
    const parts: Part[] = (item.content ?? []).map((c) => ({
      type: 'text',
      text: (c.type === 'refusal' ? c.refusal : c.text) ?? '',
    }))
    const id = fromItemId('message', item.id)
    const reasoning = s.reasoning[id]
    delete s.reasoning[id]
    const message: Message = {
      id,
      role: 'assistant',
      parts,
      ...(item.phase === 'commentary' ? { phase: 'commentary' as const } : {}),
      ...(reasoning ? { reasoning } : {}),
    }
    return [{ type: 'message.completed', message }]
  },
  reasoning: (s, item) => {
    const text = (item.content?.length ? item.content : (item.summary ?? [])).map((c) => c.text).join('')
    // Held until the next event: the message item of the same message may follow (see `reasoned`).
    s.reasoned = { id: fromItemId('reasoning', item.id), role: 'assistant', parts: [], reasoning: text }
    return []
  },
  function_call: (s, item) => {
    s.clientCalls.push(item.call_id)
    return [
      {
        type: 'tool.call.completed',
        callId: item.call_id,
        name: item.name,
        arguments: item.arguments,
        tool: { clientSide: true },
      },
    ]
  },
  mcp_call: (s, item) => {
    const callId = fromItemId('mcp_call', item.id)
    const tool = mcpTool(item.server_label, !!item.approval_request_id)
    const failed = item.status === 'failed' || !!item.error
    const output = failed ? errorText(item.error?.content) : (item.output ?? '')
    const completed: AgentEvent[] = s.items[item.id]?.argumentsDone
      ? []
      : [{ type: 'tool.call.completed', callId, name: item.name, arguments: item.arguments, tool }]
    return [...completed, { type: 'tool.result', callId, output, ...(failed ? { isError: true } : {}) }]
  },
  mcp_approval_request: (s, item) => {
    const callId = fromItemId('mcp_approval_request', item.id)
    s.approvals.push(callId)
    const tool = mcpTool(item.server_label, true)
    return [
      { type: 'tool.call.started', callId, name: item.name, tool },
      { type: 'tool.call.completed', callId, name: item.name, arguments: item.arguments, tool },
    ]
  },
}

const errorText = (content: unknown): string =>
  typeof content === 'string' ? content : JSON.stringify(content ?? 'tool failed')

function usageEvents(usage: UsageIn | null | undefined): AgentEvent[] {
  const counts = {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    reasoningTokens: usage?.output_tokens_details?.reasoning_tokens ?? 0,
    cachedTokens: usage?.input_tokens_details?.cached_tokens ?? 0,
  }
  if (!Object.values(counts).some((n) => n > 0)) return []
  return [{ type: 'usage', ...counts }]
}

/** The event types with a row: a Set, as a fresh string from JSON.parse is slow to look up as an object's key. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(handlers))

/**
 * Whether the decoder has a row for this raw event: its type, and for output item events the item's type. Servers
 * add event and item types (hosted tools, audio); clients are to skip what they do not know.
 */
export function isKnownEvent(raw: unknown): boolean {
  const e = raw as { type?: unknown; item?: { type?: unknown } } | null
  if (typeof e?.type !== 'string' || !KNOWN_TYPES.has(e.type)) return false
  if (e.type !== 'response.output_item.added' && e.type !== 'response.output_item.done') return true
  return typeof e.item?.type === 'string' && Object.hasOwn(itemAdded, e.item.type)
}

/** A client's CreateResponse, decoded into one canonical turn plus what the Response must echo. */
export interface DecodedCreateResponse {
  model?: string
  previousResponseId?: string
  /** The turn's new input: what follows the last assistant item. */
  input: Message[]
  /** The transcript a stateless client sends along (up to its last assistant item): history, never this turn's output. */
  history: Message[]
  instructions?: string
  toolResults: ToolResult[]
  decisions: ApprovalDecision[]
  tools: ToolSpec[]
  toolChoice?: ToolChoice
  metadata?: Record<string, string>
  stream: boolean
  background: boolean
  store: boolean
  echo: ResponseEcho
}

/** Throws a BridgeError (`invalid_request`, with `param`) on anything the bridge cannot take. */
export function decodeRequest(body: unknown, newMessageId: () => string = () => newId()): DecodedCreateResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BridgeError('invalid_request', 'The request body must be a JSON object.')
  }
  const raw = body as Record<string, unknown>
  if (raw.input === undefined || raw.input === null) {
    throw new BridgeError('invalid_request', "Missing required parameter: 'input'.", {
      param: 'input',
      wireCode: 'missing_required_parameter',
    })
  }
  const tools = Array.isArray(raw.tools) ? raw.tools : []
  tools.forEach((tool, i) => {
    const type = (tool as { type?: unknown } | null)?.type
    if (type !== 'function') {
      throw new BridgeError(
        'invalid_request',
        `Tool type '${String(type)}' is not supported here; only 'function' tools are.`,
        {
          param: `tools[${i}].type`,
          wireCode: 'unsupported_value',
        },
      )
    }
  })
  if (Array.isArray(raw.input))
    raw.input.forEach((item, i) => {
      checkItem(item, i)
    })
  const request = parse(wire.CreateResponse, raw, '')

  const input: Message[] = []
  const toolResults: ToolResult[] = []
  const decisions: ApprovalDecision[] = []
  if (typeof request.input === 'string') {
    input.push({ id: newMessageId(), role: 'user', parts: [{ type: 'text', text: request.input }] })
  } else {
    for (const item of request.input ?? []) {
      const type = 'type' in item && item.type ? item.type : 'message'
      if (type === 'message' && 'role' in item) {
        const role = item.role === 'assistant' ? 'assistant' : item.role === 'user' ? 'user' : 'system'
        const parts =
          typeof item.content === 'string'
            ? [{ type: 'text' as const, text: item.content }]
            : item.content.map(contentPart)
        input.push({
          id: 'id' in item && item.id ? fromItemId('message', item.id) : newMessageId(),
          role,
          parts,
          ...(item.phase === 'commentary' ? { phase: 'commentary' as const } : {}),
        })
      } else if (item.type === 'function_call') {
        const call = { callId: item.call_id, name: item.name, arguments: item.arguments, tool: { clientSide: true } }
        const last = input.at(-1)
        if (last?.role === 'assistant') (last.toolCalls ??= []).push(call)
        else input.push({ id: newMessageId(), role: 'assistant', parts: [], toolCalls: [call] })
      } else if (item.type === 'function_call_output') {
        toolResults.push({
          callId: item.call_id,
          output: typeof item.output === 'string' ? item.output : item.output.map(contentPart),
        })
      } else if (item.type === 'mcp_approval_response') {
        decisions.push({
          callId: fromItemId('mcp_approval_request', item.approval_request_id),
          approved: item.approve,
          ...(item.reason ? { reason: item.reason } : {}),
        })
      }
      // reasoning items replay the model's own thinking; agents behind the bridge keep their own.
    }
  }

  // Assistant items in the input replay the conversation so far: they are history, and only what follows the last
  // of them is this turn's input (else the agent's earlier answers would come back as this response's output).
  const lastAssistant = input.findLastIndex((m) => m.role === 'assistant')
  const history = input.splice(0, lastAssistant + 1)

  const toolSpecs: ToolSpec[] = (request.tools ?? []).map((t) => ({
    name: t.name,
    ...(t.description ? { description: t.description } : {}),
    ...(t.parameters ? { parameters: t.parameters } : {}),
    ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
  }))
  const metadata = request.metadata ?? undefined
  return {
    model: request.model,
    previousResponseId: request.previous_response_id ?? undefined,
    input,
    history,
    instructions: request.instructions ?? undefined,
    toolResults,
    decisions,
    tools: toolSpecs,
    toolChoice: request.tool_choice,
    metadata,
    stream: request.stream ?? false,
    background: request.background ?? false,
    store: request.store ?? true,
    echo: {
      instructions: request.instructions ?? null,
      tools: (request.tools ?? []).map(echoTool),
      tool_choice: request.tool_choice ?? 'auto',
      parallel_tool_calls: request.parallel_tool_calls ?? true,
      metadata: metadata ?? {},
      temperature: request.temperature ?? null,
      top_p: request.top_p ?? null,
      previous_response_id: request.previous_response_id ?? null,
      store: request.store ?? true,
      background: request.background ?? false,
    },
  }
}

/** A declared tool as the Response echoes it. Responses treats a function tool that leaves `strict` out as strict. */
const echoTool = (tool: FunctionToolParam): FunctionTool => ({
  ...tool,
  parameters: tool.parameters ?? null,
  strict: tool.strict ?? true,
})

const ITEM_SCHEMAS: Record<string, z.ZodType | null> = {
  message: wire.EasyInputMessage,
  function_call: wire.FunctionToolCall,
  function_call_output: wire.FunctionCallOutputItemParam,
  mcp_approval_response: wire.MCPApprovalResponse,
  reasoning: wire.ReasoningItem,
  item_reference: null,
}

/** Validates one input item against the schema its `type` names, so errors point at the exact field. */
function checkItem(item: unknown, i: number) {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new BridgeError('invalid_request', `Invalid type for 'input[${i}]': expected an object.`, {
      param: `input[${i}]`,
      wireCode: 'invalid_type',
    })
  }
  const type = (item as { type?: unknown }).type ?? 'message'
  const schema = ITEM_SCHEMAS[String(type)]
  if (schema === null) {
    throw new BridgeError(
      'invalid_request',
      `Input items of type '${String(type)}' are not supported here; use previous_response_id to refer to earlier output.`,
      {
        param: `input[${i}].type`,
        wireCode: 'unsupported_value',
      },
    )
  }
  if (!schema) {
    throw new BridgeError(
      'invalid_request',
      `Invalid value: '${String(type)}'. Supported values are: ${Object.keys(ITEM_SCHEMAS)
        .map((t) => `'${t}'`)
        .join(', ')}.`,
      {
        param: `input[${i}].type`,
        wireCode: 'invalid_value',
      },
    )
  }
  parse(schema, item, `input[${i}]`)
  const content = (item as { content?: unknown }).content
  if (Array.isArray(content)) {
    content.forEach((c, j) => {
      if ((c as { file_id?: unknown } | null)?.file_id) {
        throw new BridgeError(
          'invalid_request',
          'File ids are not supported here; send the file as a URL or as data.',
          {
            param: `input[${i}].content[${j}].file_id`,
            wireCode: 'unsupported_value',
          },
        )
      }
    })
  }
}

const parse = <T>(schema: z.ZodType<T>, value: unknown, at: string): T =>
  parseWith(
    schema,
    value,
    (p) =>
      new BridgeError(
        'invalid_request',
        p.missing
          ? `Missing required parameter: '${p.path}'.`
          : `Invalid value for '${p.path || 'body'}': ${p.message}.`,
        { param: p.path || undefined, wireCode: p.code === 'invalid_type' ? 'invalid_type' : 'invalid_value' },
      ),
    at,
  )

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s

function contentPart(c: InputContent): Part {
  switch (c.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: c.text }
    case 'refusal':
      return { type: 'text', text: c.refusal }
    case 'input_image': {
      const url = c.image_url ?? ''
      const data = DATA_URL.exec(url)
      if (data) return { type: 'file', bytes: data[2] ?? '', mediaType: data[1] ?? 'application/octet-stream' }
      return { type: 'file', url, mediaType: imageType(url) }
    }
    case 'input_file': {
      const name = c.filename ? { name: c.filename } : {}
      if (c.file_url) return { type: 'file', url: c.file_url, ...name }
      const data = DATA_URL.exec(c.file_data ?? '')
      if (data) return { type: 'file', bytes: data[2] ?? '', mediaType: data[1] ?? 'application/octet-stream', ...name }
      return { type: 'file', bytes: c.file_data ?? '', ...name }
    }
  }
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
}

/** Image URLs rarely say their type; the extension is a fair guess, and `image/*` keeps it an image. */
const imageType = (url: string): string =>
  IMAGE_TYPES[/\.(\w+)(?:[?#].*)?$/.exec(url)?.[1]?.toLowerCase() ?? ''] ?? 'image/*'
