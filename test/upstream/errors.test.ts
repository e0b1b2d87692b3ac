// Upstream faults read the same whatever the upstream's dialect. The same fault — a malformed event, a 500 with a JSON
// or an HTML body, a refused connection, no answer or no first byte within the deadline — fails the run with the same
// canonical error code in the Responses, A2A (JSON-RPC and HTTP+JSON) and ACP clients; and behind a bridge, the client
// of each face reads the upstream's status and message in its own dialect's error format.
//
// One small node:http server per fault plays all four upstreams at once: its discovery documents (the A2A cards, the
// ACP descriptor) are sound, and every run request meets the fault.
import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ErrorCode } from '../../src/core/index.js'
import { BridgeError } from '../../src/core/index.js'
import { EXTENSION_URI } from '../../src/dialects/a2a/ext.js'
import type { RunningBridge } from '../../src/node.js'
import type { UpstreamLimits } from '../../src/upstream/index.js'
import { startBridge } from '../helpers/bridge.js'
import type { Client } from '../helpers/upstreams.js'
import {
  A2A_ANSWER,
  a2aCard,
  acpDescriptor,
  answerText,
  CLIENTS,
  clientFor,
  deadUrl,
  response,
  responsesAnswer,
  runRequest,
  runToEnd,
  task,
  textRef,
  values,
} from '../helpers/upstreams.js'

// ── The upstream's wire, per client ─────────────────────────────────────────────────────────────────────────────

/** Event data sent as it is (`[DONE]`, or text that is not JSON); `type` is its SSE event name over Responses. */
class Raw {
  constructor(
    readonly data: string,
    readonly type?: string,
  ) {}
}

/** Per client: a sound first event, one of a known type with a field of the wrong type, and a whole answer. */
const WIRE: Record<Client, { opening: unknown; malformed: unknown; answer: unknown[] }> = {
  responses: {
    opening: { type: 'response.created', sequence_number: 0, response: response('in_progress') },
    malformed: { type: 'response.output_text.delta', sequence_number: 1, ...textRef, delta: 5, logprobs: [] },
    answer: [...responsesAnswer(['Hi there']), new Raw('[DONE]')],
  },
  'a2a-jsonrpc': {
    opening: task('TASK_STATE_WORKING'),
    malformed: { statusUpdate: { taskId: 5, contextId: 'ctx-1', status: { state: 'TASK_STATE_WORKING' } } },
    answer: A2A_ANSWER,
  },
  'a2a-rest': {
    opening: task('TASK_STATE_WORKING'),
    malformed: { statusUpdate: { taskId: 5, contextId: 'ctx-1', status: { state: 'TASK_STATE_WORKING' } } },
    answer: A2A_ANSWER,
  },
  acp: {
    opening: values('pending'),
    malformed: { ...values('pending'), run_id: 5 },
    answer: [values('success', 'Hi there')],
  },
}

/** How each client's error message names the malformed event and its field. */
const NAMES_EVENT_AND_FIELD: Record<Client, RegExp> = {
  responses: /invalid 'response\.output_text\.delta' event: delta:/,
  'a2a-jsonrpc': /invalid event: statusUpdate\.taskId:/,
  'a2a-rest': /invalid event: statusUpdate\.taskId:/,
  acp: /invalid 'values' stream data: run_id:/,
}

/** How each client's error message names the event whose data is not JSON: its SSE event name, its id, or none. */
const NAMES_EVENT: Record<Client, RegExp> = {
  responses: /invalid event 'response\.output_text\.delta': it is not JSON/,
  'a2a-jsonrpc': /invalid event: it is not JSON/,
  'a2a-rest': /invalid event: it is not JSON/,
  acp: /invalid event 2: it is not JSON/,
}

/** What a request hit on the fault server: which client's route, discovery or the run itself. */
interface Hit {
  client: Client
  step: 'discovery' | 'run'
  /** The request's body (a JSON-RPC answer echoes its id). */
  body: string
}

/** Writes SSE events in the client's framing. */
function sse(res: ServerResponse, hit: Hit, events: unknown[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  const id = hit.client === 'a2a-jsonrpc' ? (JSON.parse(hit.body) as { id: unknown }).id : undefined
  events.forEach((event, i) => {
    const data =
      event instanceof Raw
        ? event.data
        : JSON.stringify(hit.client === 'a2a-jsonrpc' ? { jsonrpc: '2.0', id, result: event } : event)
    const type = (event as { type?: unknown }).type
    if (hit.client === 'responses' && typeof type === 'string') res.write(`event: ${type}\n`)
    if (hit.client === 'acp') res.write(`id: ${i + 1}\nevent: agent_event\n`)
    res.write(`data: ${data}\n\n`)
  })
  res.end()
}

/** A 500 with a JSON body in the upstream's own error shape, its message `boom-json`. */
function errorBody(hit: Hit): unknown {
  if (hit.client === 'acp') return { detail: 'boom-json' } // FastAPI
  if (hit.client === 'a2a-jsonrpc' && hit.step === 'run') {
    const { id } = JSON.parse(hit.body) as { id: unknown }
    return { jsonrpc: '2.0', id, error: { code: -32603, message: 'boom-json' } }
  }
  if (hit.client === 'a2a-rest') return { error: { code: 500, status: 'INTERNAL', message: 'boom-json' } }
  return { error: { message: 'boom-json', type: 'server_error', param: null, code: null } } // OpenAI, A2A card
}

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Internal Server Error boom-html</title></head>' +
  '<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>'

// ── The fault server ────────────────────────────────────────────────────────────────────────────────────────────

/** How a fault answers one request. */
type Answer = (res: ServerResponse, hit: Hit) => void

interface FaultServer {
  url: string
  hits: Hit[]
  close(): Promise<void>
}

const ROUTES: Record<string, [Client, Hit['step']]> = {
  'GET /rpc/.well-known/agent-card.json': ['a2a-jsonrpc', 'discovery'],
  'GET /rest/.well-known/agent-card.json': ['a2a-rest', 'discovery'],
  'GET /acp/agents/up/descriptor': ['acp', 'discovery'],
  'POST /v1/responses': ['responses', 'run'],
  'POST /rpc/a2a': ['a2a-jsonrpc', 'run'],
  'POST /rest/a2a/message:stream': ['a2a-rest', 'run'],
  'POST /acp/runs/stream': ['acp', 'run'],
}

/**
 * Serves the four upstreams on one loopback port: the Responses API under /v1, an A2A agent per binding under /rpc and
 * /rest, an ACP server under /acp. Run requests get `answer`; discovery too when `faultyDiscovery`.
 */
async function startFaultServer(answer: Answer, { faultyDiscovery = false } = {}): Promise<FaultServer> {
  const hits: Hit[] = []
  let base = ''
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const route = ROUTES[`${req.method} ${req.url}`]
    if (!route) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}')
    const hit: Hit = { client: route[0], step: route[1], body }
    hits.push(hit)
    if (hit.step === 'run' || faultyDiscovery) return answer(res, hit)
    const document =
      hit.client === 'acp'
        ? acpDescriptor('An ACP agent with a fault')
        : hit.client === 'a2a-jsonrpc'
          ? a2aCard('JSONRPC', `${base}/rpc/a2a`, 'An A2A agent with a fault')
          : a2aCard('HTTP+JSON', `${base}/rest/a2a`, 'An A2A agent with a fault')
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Requests a fault left hanging must not keep the server (and vitest) alive.
        server.closeAllConnections()
      }),
  }
}

/** Each run a new one: its own run and context ids. */
const request = () =>
  runRequest({ runId: `run-${crypto.randomUUID()}`, contextId: `ctx-${crypto.randomUUID()}`, messageId: 'msg-user' })

// ── The faults ──────────────────────────────────────────────────────────────────────────────────────────────────

interface Fault {
  name: string
  /** How the upstream answers; absent: nothing listens at all. */
  answer?: Answer
  limits?: UpstreamLimits
  code: ErrorCode
  /** What the canonical message must say (for this client). */
  says: (client: Client) => RegExp[]
  /** What it must not say. */
  saysNot?: RegExp
  /** The upstream's HTTP status, kept on the error. */
  status?: number
  /** The fault can also hit discovery (an A2A card, an ACP descriptor). */
  discovery?: boolean
  /** Also shown through a bridge, to the client of each face. */
  face?: boolean
}

const FAULTS: Fault[] = [
  {
    name: 'an event of a known type with a field of the wrong type',
    answer: (res, hit) => sse(res, hit, [WIRE[hit.client].opening, WIRE[hit.client].malformed]),
    code: 'upstream_failed',
    says: (client) => [NAMES_EVENT_AND_FIELD[client], /expected string, received number/],
  },
  {
    name: 'event data that is not JSON',
    answer: (res, hit) =>
      sse(res, hit, [WIRE[hit.client].opening, new Raw('this is {not json', 'response.output_text.delta')]),
    code: 'upstream_failed',
    says: (client) => [NAMES_EVENT[client], /\("this is \{not json"\)/],
  },
  {
    name: 'a 500 with a JSON error body',
    answer: (res, hit) =>
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(hit))),
    code: 'upstream_failed',
    says: () => [/^The upstream .* at http:\/\/127\.0\.0\.1:\d+\/\S+ answered 500: boom-json$/],
    status: 500,
    discovery: true,
    face: true,
  },
  {
    name: 'a 500 with an HTML page',
    answer: (res) => res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_PAGE),
    code: 'upstream_failed',
    says: () => [/answered 500: Internal Server Error boom-html$/],
    saysNot: /<|DOCTYPE|encountered/,
    status: 500,
    discovery: true,
  },
  {
    // A 4xx that is not the dialect's own error reply (a gateway's page) is read by its status in every client.
    name: 'a 403 with an HTML page',
    answer: (res) =>
      res
        .writeHead(403, { 'content-type': 'text/html' })
        .end('<html><head><title>403 Forbidden</title></head><body>nope</body></html>'),
    code: 'upstream_failed',
    says: () => [/answered 403: 403 Forbidden$/],
    saysNot: /<|nope/,
    status: 403,
  },
  {
    // Nothing listens at all, so the A2A and ACP clients meet it in discovery already.
    name: 'a refused connection',
    code: 'upstream_failed',
    says: () => [/^Could not reach the upstream .* at http:\/\/127\.0\.0\.1:\d+\//],
  },
  {
    name: 'no answer (no status, no headers) within the connect timeout',
    answer: () => {},
    limits: { connectTimeoutMs: 200 },
    code: 'upstream_timeout',
    says: () => [/did not answer within 200 ms/],
    discovery: true,
    face: true,
  },
  {
    name: 'a 200 event stream whose first byte never comes',
    answer: (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.flushHeaders()
    },
    limits: { firstByteTimeoutMs: 200 },
    code: 'upstream_timeout',
    says: () => [/answered but sent nothing within 200 ms/],
  },
]

/** Starts what a fault needs; the base URL of its upstreams. */
async function upstreamWith(fault: Fault, options: { faultyDiscovery?: boolean } = {}) {
  if (!fault.answer) return { url: await deadUrl(), hits: [] as Hit[], close: async () => {} }
  return startFaultServer(fault.answer, options)
}

/** The error must be the fault's canonical error, worded as the fault says. */
function expectFault(error: unknown, fault: Fault, client: Client): void {
  expect(error).toBeInstanceOf(BridgeError)
  const e = error as BridgeError
  expect({ code: e.code, message: e.message }).toEqual({ code: fault.code, message: expect.any(String) })
  for (const pattern of fault.says(client)) expect(e.message).toMatch(pattern)
  if (fault.saysNot) expect(e.message).not.toMatch(fault.saysNot)
  if (fault.status) expect(e.upstreamStatus).toBe(fault.status)
}

// ── Client layer: the same fault, the same canonical error in every client ─────────────────────────────────────

describe.each(FAULTS)('upstream fault: $name → $code', (fault) => {
  let upstream: FaultServer
  beforeAll(async () => {
    upstream = await upstreamWith(fault)
  })
  afterAll(() => upstream.close())

  it.each(CLIENTS)(`the %s client fails the run with ${fault.code}`, async (client) => {
    const { events, error } = await runToEnd(clientFor(client, upstream.url, fault.limits), request())
    expect(error, `the run ended without an error after ${JSON.stringify(events)}`).toBeDefined()
    expectFault(error, fault, client)
    if (fault.answer) {
      // The fault met the run itself, after a sound discovery.
      expect(upstream.hits.filter((h) => h.client === client).map((h) => h.step)).toEqual(
        client === 'responses' ? ['run'] : ['discovery', 'run'],
      )
    }
  })
})

describe.each(FAULTS.filter((f) => f.discovery))('the same fault in discovery: $name → $code', (fault) => {
  let upstream: FaultServer
  beforeAll(async () => {
    upstream = await upstreamWith(fault, { faultyDiscovery: true })
  })
  afterAll(() => upstream.close())

  it.each(['a2a-jsonrpc', 'a2a-rest', 'acp'] as const)(
    `the %s client fails the run with ${fault.code}`,
    async (client) => {
      const { error } = await runToEnd(clientFor(client, upstream.url, fault.limits), request())
      expectFault(error, fault, client)
      expect(upstream.hits.filter((h) => h.client === client).map((h) => h.step)).toEqual(['discovery'])
    },
  )
})

describe('retries before the first byte', () => {
  let upstream: FaultServer
  beforeAll(async () => {
    const busy = new Set<Client>()
    upstream = await startFaultServer((res, hit) => {
      if (busy.has(hit.client)) return sse(res, hit, WIRE[hit.client].answer)
      busy.add(hit.client)
      res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' }).end(JSON.stringify(errorBody(hit)))
    })
  })
  afterAll(() => upstream.close())

  it.each(CLIENTS)('the %s client sends the run again after a 503 and completes', async (client) => {
    const { events, error } = await runToEnd(clientFor(client, upstream.url, { retries: 1 }), request())
    expect(error).toBeUndefined()
    expect(events.at(-1)?.type).toBe('run.completed')
    expect(answerText(events)).toBe('Hi there')
    expect(upstream.hits.filter((h) => h.client === client && h.step === 'run')).toHaveLength(2)
  })
})

// ── Face layer: the client of each face reads the upstream's fault in its own dialect ──────────────────────────

interface Seen {
  /** The dialect's own verdict on the run. */
  state: unknown
  /** The dialect's own code for the error. */
  code: unknown
  /** The text the dialect gives the client. */
  message: string
}

const FACES: { face: string; read: (bridge: string) => Promise<Seen> }[] = [
  {
    face: 'Responses',
    read: async (bridge) => {
      const res = await post(`${bridge}/v1/responses`, { model: 'up', input: 'hi' })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { status: string; error: { code: string; message: string } | null }
      return { state: body.status, code: body.error?.code, message: body.error?.message ?? '' }
    },
  },
  {
    face: 'A2A',
    read: async (bridge) => {
      const res = await post(
        `${bridge}/a2a/up`,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'SendMessage',
          params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'hi' }] } },
        },
        { 'a2a-version': '1.0' },
      )
      expect(res.status).toBe(200)
      type Task = {
        status: { state: string; message?: { role: string; parts: { text?: string }[] } }
        metadata?: Record<string, { error?: { code: string } }>
      }
      const body = (await res.json()) as { result?: { task?: Task } }
      const task = body.result?.task
      expect(task?.status.message?.role).toBe('ROLE_AGENT')
      return {
        state: task?.status.state,
        // The canonical code rides in the bridge's A2A extension metadata.
        code: task?.metadata?.[EXTENSION_URI]?.error?.code,
        message: task?.status.message?.parts.map((p) => p.text ?? '').join('') ?? '',
      }
    },
  },
  {
    face: 'ACP',
    read: async (bridge) => {
      const res = await post(`${bridge}/acp/runs/wait`, {
        agent_id: 'up',
        input: { messages: [{ role: 'user', content: 'hi' }] },
      })
      expect(res.status).toBe(200)
      const body = (await res.json()) as {
        run?: { status: string }
        output?: { type: string; errcode?: number; description?: string }
      }
      expect(body.output?.type).toBe('error')
      return { state: body.run?.status, code: body.output?.errcode, message: body.output?.description ?? '' }
    },
  },
]

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  })

/** What each face shows for a failed run, per canonical code: its state, and its own error code. */
const FAILED: Record<string, Record<string, Pick<Seen, 'state' | 'code'>>> = {
  Responses: {
    upstream_failed: { state: 'failed', code: 'server_error' },
    upstream_timeout: { state: 'failed', code: 'server_error' },
  },
  A2A: {
    upstream_failed: { state: 'TASK_STATE_FAILED', code: 'upstream_failed' },
    upstream_timeout: { state: 'TASK_STATE_FAILED', code: 'upstream_timeout' },
  },
  ACP: {
    upstream_failed: { state: 'error', code: 502 },
    upstream_timeout: { state: 'error', code: 504 },
  },
}

const FACE_CASES = FAULTS.filter((f) => f.face).flatMap((fault) =>
  CLIENTS.map((client) => ({ fault, client, name: fault.name })),
)

describe.each(FACE_CASES)('behind a bridge, a $client upstream with $name', ({ fault, client }) => {
  let upstream: FaultServer
  let bridge: RunningBridge
  beforeAll(async () => {
    upstream = await upstreamWith(fault)
    bridge = await startBridge({ agents: [{ id: 'up', backend: clientFor(client, upstream.url, fault.limits) }] })
  })
  afterAll(async () => {
    await bridge?.close()
    await upstream?.close()
  })

  it.each(FACES)('the $face client sees the upstream fault in its own error format', async ({ face, read }) => {
    const seen = await read(bridge.url)
    expect({ state: seen.state, code: seen.code }).toEqual(FAILED[face]?.[fault.code])
    for (const pattern of fault.says(client)) expect(seen.message).toMatch(pattern)
  })
})
