// "jsonl": a dialect written outside src/, to show that a dialect is a plugin. One turn per request:
// `POST /jsonl/{agent}` with `{"text": "…"}` answers `application/x-ndjson`, one line per event:
//   {"kind":"delta","text":"…"}   a piece of the answer
//   {"kind":"done"}               the run completed
//   {"kind":"error","message":"…","code":"…"}   the run failed (or ended in a way jsonl cannot carry)
// A failure before the stream starts is the same error line as a JSON body, with the matching HTTP status.
// Like the dialects under src/dialects it uses only web-standard APIs (fetch, web streams, TextEncoder).
import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import type { BackendDeps } from '../../src/bridge/dialect.js'
import { defineDialect, upstreamClientOptions, upstreamOptions } from '../../src/bridge/dialect.js'
import type { BridgeEnv, BridgeRuntime, Face } from '../../src/bridge/face.js'
import { publicOrigin } from '../../src/bridge/face.js'
import { readJsonBody } from '../../src/bridge/http.js'
import type {
  AgentBackend,
  AgentEvent,
  AgentInfo,
  Decoder,
  Encoder,
  EventOf,
  LossTable,
  RequestMappers,
  RunEvent,
  RunEventType,
  RunInput,
  RunRequest,
} from '../../src/core/index.js'
import { BridgeError, newId, parseWith, textOf, toBridgeError } from '../../src/core/index.js'
import type { Upstream } from '../../src/upstream/index.js'
import {
  createUpstream,
  decodeEach,
  eventJson,
  invalidError,
  MAX_EVENT_SIZE,
  readWire,
  timeoutError,
  upstreamBackend,
} from '../../src/upstream/index.js'

// ── Wire ────────────────────────────────────────────────────────────────────────────────────────────────────────

export const JsonlLine = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('delta'), text: z.string() }),
  z.object({ kind: z.literal('done') }),
  z.object({ kind: z.literal('error'), message: z.string(), code: z.string().optional() }),
])
export type JsonlLine = z.infer<typeof JsonlLine>
type Kind = JsonlLine['kind']

export const JsonlRequest = z.object({ text: z.string().min(1) })
export type JsonlRequest = z.infer<typeof JsonlRequest>

export const NDJSON = 'application/x-ndjson'

// ── Canonical → jsonl ───────────────────────────────────────────────────────────────────────────────────────────

export interface JsonlEncoderState {
  done: boolean
}

type EncodeRow<T extends RunEventType> = (s: JsonlEncoderState, e: EventOf<T>) => JsonlLine[]

const end = (s: JsonlEncoderState, line: JsonlLine): JsonlLine[] => {
  s.done = true
  return [line]
}

/** One row per canonical event jsonl carries; every other event has no line. */
const encoders: { [T in RunEventType]?: EncodeRow<T> } = {
  // The answer only: reasoning and sub-agents' chatter have no place in jsonl.
  'message.delta': (_s, e) => (e.channel === 'output' && !e.executionId ? [{ kind: 'delta', text: e.delta }] : []),
  'run.completed': (s) => end(s, { kind: 'done' }),
  'run.failed': (s, e) => end(s, { kind: 'error', message: e.error.message, code: e.error.code }),
  'run.canceled': (s, e) => end(s, { kind: 'error', message: e.reason ?? 'The run was canceled.', code: 'canceled' }),
  'run.status': (s, e) =>
    e.status === 'input_required'
      ? end(s, { kind: 'error', message: 'The agent asks for input, which jsonl cannot carry.', code: 'unsupported' })
      : [],
}

export function createEncoder(): JsonlEncoderState {
  return { done: false }
}

export function encode(state: JsonlEncoderState, event: RunEvent): JsonlLine[] {
  if (state.done) return []
  const row = encoders[event.type] as EncodeRow<typeof event.type> | undefined
  return row ? row(state, event as never) : []
}

// ── jsonl → canonical ───────────────────────────────────────────────────────────────────────────────────────────

export interface JsonlDecoderState {
  done: boolean
  /** The id the turn's one assistant message gets. */
  messageId: string
  working: boolean
  /** The message's text so far; undefined until its first delta. */
  text?: string
}

type DecodeRow<K extends Kind> = (s: JsonlDecoderState, line: Extract<JsonlLine, { kind: K }>) => AgentEvent[]

/** The message, if one was started, as completed. */
const closeMessage = (s: JsonlDecoderState): AgentEvent[] =>
  s.text === undefined
    ? []
    : [
        {
          type: 'message.completed',
          message: { id: s.messageId, role: 'assistant', parts: [{ type: 'text', text: s.text }] },
        },
      ]

const decoders: { [K in Kind]: DecodeRow<K> } = {
  delta: (s, line) => {
    const started: AgentEvent[] =
      s.text === undefined ? [{ type: 'message.started', messageId: s.messageId, role: 'assistant' }] : []
    s.text = (s.text ?? '') + line.text
    return [...started, { type: 'message.delta', messageId: s.messageId, delta: line.text, channel: 'output' }]
  },
  done: (s) => {
    s.done = true
    return [...closeMessage(s), { type: 'run.completed' }]
  },
  error: (s, line) => {
    s.done = true
    return [
      ...closeMessage(s),
      { type: 'run.failed', error: { code: line.code ?? 'agent_error', message: line.message } },
    ]
  },
}

export function createDecoder(init: { messageId: string }): JsonlDecoderState {
  return { done: false, messageId: init.messageId, working: false }
}

export function decode(state: JsonlDecoderState, line: JsonlLine): AgentEvent[] {
  if (state.done) return []
  const row = decoders[line.kind] as DecodeRow<typeof line.kind>
  const out = row(state, line as never)
  if (state.working) return out
  state.working = true
  return [{ type: 'run.status', status: 'working' }, ...out]
}

// ── Requests ────────────────────────────────────────────────────────────────────────────────────────────────────

/** A client's request → one turn's input: the text as one user message. */
export function decodeRequest(body: unknown): RunInput {
  const { text } = parseWith(
    JsonlRequest,
    body,
    (p) => new BridgeError('invalid_request', `${p.path || 'body'}: ${p.message}`, { param: p.path || undefined }),
  )
  return { input: [{ id: newId(), role: 'user', parts: [{ type: 'text', text }] }] }
}

/** A turn → the upstream's request: the text of the turn's user messages (jsonl keeps no conversation). */
export function encodeRequest(request: RunRequest): JsonlRequest {
  return { text: textOf(request.input.filter((m) => m.role === 'user').flatMap((m) => m.parts)) }
}

// ── Face ────────────────────────────────────────────────────────────────────────────────────────────────────────

export function jsonlErrorResponse(error: BridgeError): Response {
  const line: JsonlLine = { kind: 'error', message: error.message, code: error.code }
  return Response.json(line, { status: error.status })
}

const utf8 = new TextEncoder()

/** An NDJSON body over batches of lines, pulled as the client reads; the source stops when the client goes away. */
function ndjsonResponse(open: (signal: AbortSignal) => AsyncIterable<JsonlLine[]>, request: AbortSignal): Response {
  const gone = new AbortController()
  const iterator = open(AbortSignal.any([request, gone.signal]))[Symbol.asyncIterator]()
  const body = new ReadableStream<Uint8Array>({
    // A pull that enqueues nothing is not called again: read on until there is a line to send.
    async pull(controller) {
      for (;;) {
        const next = await iterator.next()
        if (next.done) return controller.close()
        if (!next.value.length) continue
        return controller.enqueue(utf8.encode(next.value.map((l) => `${JSON.stringify(l)}\n`).join('')))
      }
    },
    async cancel(reason) {
      gone.abort(reason)
      await iterator.return?.(undefined)
    },
  })
  return new Response(body, { headers: { 'content-type': NDJSON, 'cache-control': 'no-cache' } })
}

export function jsonlFace(runtime: BridgeRuntime): Face {
  const { agents, runs } = runtime
  const app = new Hono<BridgeEnv>()
  app.onError((err) => jsonlErrorResponse(toBridgeError(err)))

  /** The run's events after `afterSeq` as jsonl lines, live until the run ends; a failure is the last line. */
  async function* lines(runId: string, afterSeq: number, signal: AbortSignal): AsyncGenerator<JsonlLine[]> {
    const encoder = createEncoder()
    try {
      for await (const batch of runs.events(runId, afterSeq, { signal })) {
        yield batch.flatMap((event) => encode(encoder, event))
        if (encoder.done) return
      }
    } catch (err) {
      if (signal.aborted) return
      const e = toBridgeError(err)
      yield [{ kind: 'error', message: e.message, code: e.code }]
    }
  }

  const agentOf = (c: Context<BridgeEnv>) => {
    const id = c.req.param('agent') ?? ''
    agents.require(id)
    c.set('agent', id)
    return id
  }

  app.post('/:agent', async (c) => {
    const agentId = agentOf(c)
    const input = decodeRequest(await readJsonBody(c.req.raw))
    const { record, afterSeq } = await runs.start(agentId, input)
    return ndjsonResponse((signal) => lines(record.runId, afterSeq, signal), c.req.raw.signal)
  })

  app.get('/:agent', async (c) => {
    const agentId = agentOf(c)
    const url = `${publicOrigin(runtime, c.req.raw)}/jsonl/${encodeURIComponent(agentId)}`
    return c.json(discovery(await agents.info(agentId), { url, apiKeyRequired: runtime.apiKeyRequired }))
  })

  return {
    name: 'jsonl',
    basePath: '/jsonl',
    routes: app,
    errorResponse: jsonlErrorResponse,
    endpoints: [
      'POST   /jsonl/{agent}                      one turn: {"text"} in, NDJSON event lines out',
      'GET    /jsonl/{agent}                      the agent: name, description, where to POST',
    ],
  }
}

const discovery = (info: AgentInfo, context: { url: string; apiKeyRequired: boolean }) => ({
  id: info.id,
  name: info.name,
  ...(info.description ? { description: info.description } : {}),
  url: context.url,
  apiKeyRequired: context.apiKeyRequired,
})

// ── Client ──────────────────────────────────────────────────────────────────────────────────────────────────────

const LABEL = 'jsonl server'

/** The lines of an NDJSON answer as wire events: a deadline for the first bytes, a cap per line, each line checked. */
async function* readLines(upstream: Upstream, res: Response, url: string, signal: AbortSignal) {
  if (!res.body) return
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  const stop = () => void reader.cancel().catch(() => {})
  signal.addEventListener('abort', stop, { once: true })
  let buffer = ''
  let number = 0
  let first = true
  try {
    for (;;) {
      const read = reader.read()
      const { done, value } = first ? await firstRead(read, upstream, url) : await read
      first = false
      if (value) buffer += value
      const cut = done ? buffer.length : buffer.lastIndexOf('\n') + 1
      for (const text of buffer.slice(0, cut).split('\n')) {
        if (!text.trim()) continue
        number += 1
        const raw = eventJson(LABEL, text, `line ${number}`)
        const kind = (raw as { kind?: unknown } | null)?.kind
        yield readWire(LABEL, JsonlLine, raw, typeof kind === 'string' ? `'${kind}' line` : `line ${number}`)
      }
      buffer = buffer.slice(cut)
      if (buffer.length > MAX_EVENT_SIZE) throw invalidError(LABEL, `line ${number + 1}`, 'it is too long.')
      if (done) return
    }
  } finally {
    signal.removeEventListener('abort', stop)
    stop()
  }
}

/** The first read, or `upstream_timeout` when no byte comes within the upstream's first-byte deadline. */
function firstRead<T>(read: Promise<T>, upstream: Upstream, url: string): Promise<T> {
  const ms = upstream.limits.firstByteTimeoutMs
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(LABEL, url, ms, 'first byte')), ms)
  })
  return Promise.race([read, late]).finally(() => clearTimeout(timer))
}

export type JsonlClientOptions = ReturnType<typeof upstreamClientOptions>

/** An AgentBackend for an agent behind a jsonl face (`url` is the agent's own `/jsonl/{agent}`). */
export function createJsonlClient(options: JsonlClientOptions): AgentBackend {
  const upstream = createUpstream({ ...options, label: LABEL, headers: { accept: NDJSON, ...options.headers } })
  const info: AgentInfo = {
    id: options.id,
    name: options.name ?? options.id,
    description: options.description ?? `jsonl agent at ${options.url}`,
    capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
    inputModes: ['text/plain'],
    outputModes: ['text/plain'],
  }
  return upstreamBackend(LABEL, {
    info: () => info,
    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentEvent> {
      const body = JSON.stringify(encodeRequest(request))
      const res = await upstream.fetch(options.url, { method: 'POST', body, signal })
      const decoder = createDecoder({ messageId: newId() })
      yield* decodeEach(readLines(upstream, res, options.url, signal), decoder, decode)
      if (!decoder.done && !signal.aborted) {
        throw new BridgeError('upstream_failed', `The upstream ${LABEL} stream ended before its run finished.`)
      }
    },
  })
}

// ── Descriptor ──────────────────────────────────────────────────────────────────────────────────────────────────

export const jsonlLoss: LossTable = [
  { feature: 'text deltas', fidelity: 'carried', how: 'one `delta` line each' },
  { feature: '`run.completed`', fidelity: 'carried', how: 'a `done` line' },
  { feature: '`run.failed`', fidelity: 'carried', how: 'an `error` line with the message and the code' },
  { feature: '`run.canceled`', fidelity: 'approximated', how: 'an `error` line with code `canceled`' },
  {
    feature: 'several messages in one turn',
    fidelity: 'approximated',
    how: 'their deltas run together; the client reads one assistant message',
  },
  { feature: 'conversation history', fidelity: 'dropped', how: 'every request is a new conversation' },
  { feature: 'reasoning and sub-agents', fidelity: 'dropped', how: 'only the answer goes out' },
  {
    feature: 'tool calls, interrupts, artifacts, usage',
    fidelity: 'dropped',
    how: 'no line for them; a pause for input ends the stream with an `error` line',
  },
]

/** The jsonl dialect, registered by listing it: `createBridge({ dialects: [...dialects, jsonl] })`. */
export const jsonl = defineDialect({
  name: 'jsonl',
  options: upstreamOptions('jsonl'),
  face: jsonlFace,
  client: (config, deps: BackendDeps) => createJsonlClient(upstreamClientOptions(config, deps)),
  mappers: {
    createEncoder,
    encode,
    createDecoder,
    decode,
    encodeRequest,
    decodeRequest,
  } satisfies Encoder<JsonlEncoderState, void, JsonlLine> &
    Decoder<JsonlDecoderState, { messageId: string }, JsonlLine> &
    RequestMappers,
  loss: jsonlLoss,
  discovery,
})
