// How the upstream clients recover from faults, and where they must not: retries only where a request may be sent
// again (README: `agents[].retries`), deadlines on answers whose body stalls and the long-poll exemption
// (`agents[].timeouts`), the bounded event size, streams that break off being picked up again (Responses resumes with
// `starting_after`, A2A re-subscribes, ACP rejoins with `Last-Event-ID`), errors and empty streams that are not
// swallowed, and cancels the upstream calls moot (README "Upstream clients").
//
// One loopback node:http server plays every upstream: a Responses server under /v1, an A2A agent per binding under
// /rpc (JSON-RPC 1.0) and /rest (HTTP+JSON 1.0), an ACP server under /acp, and bare routes for `createUpstream`. Each
// test installs its own handler; discovery documents are served soundly unless the handler answers them itself.
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import { BridgeError } from '../../src/core/index.js'
import type { UpstreamLimits } from '../../src/upstream/index.js'
import { createUpstream, MAX_EVENT_SIZE, readEvents } from '../../src/upstream/index.js'
import type { Client, ClientOptions } from '../helpers/upstreams.js'
import {
  A2A_ANSWER,
  a2aCard,
  acpDescriptor,
  answerText,
  artifactUpdate,
  CLIENTS,
  clientFor as clientOn,
  deadUrl,
  responsesAnswer,
  runRequest,
  runToEnd,
  statusUpdate,
  task,
  textDelta,
  values,
} from '../helpers/upstreams.js'

// ── The upstream server ─────────────────────────────────────────────────────────────────────────────────────────

/** One request the server saw. */
interface Hit {
  method: string
  /** The path with its query. */
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** The JSON-RPC request, for bodies that are one. */
  rpc?: { id: unknown; method: string; params: Record<string, unknown> }
}

/** Answers a request and says so; a request it leaves is served as discovery (or 404). */
type Handler = (hit: Hit, res: ServerResponse) => boolean

let server: Server
let base = ''
const hits: Hit[] = []
let handle: Handler = () => false

const CARD_PATHS = { rpc: '/rpc/.well-known/agent-card.json', rest: '/rest/.well-known/agent-card.json' }
const DESCRIPTOR_PATH = '/acp/agents/up/descriptor'

/** The sound discovery documents; false for any other request. */
function discovery(hit: Hit, res: ServerResponse): boolean {
  if (hit.method !== 'GET') return false
  const document =
    hit.path === CARD_PATHS.rpc
      ? a2aCard('JSONRPC', `${base}/rpc/a2a`, 'An A2A agent that recovers')
      : hit.path === CARD_PATHS.rest
        ? a2aCard('HTTP+JSON', `${base}/rest/a2a`, 'An A2A agent that recovers')
        : hit.path === DESCRIPTOR_PATH
          ? acpDescriptor('An ACP agent that recovers')
          : undefined
  if (!document) return false
  json(res, 200, document)
  return true
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const hit: Hit = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }
    try {
      const parsed = JSON.parse(body) as Hit['rpc']
      if (parsed && typeof parsed === 'object' && 'jsonrpc' in parsed) hit.rpc = parsed
    } catch {
      // not JSON
    }
    hits.push(hit)
    if (handle(hit, res) || discovery(hit, res)) return
    json(res, 404, { detail: 'Not Found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      // Answers a test left stalled must not keep the server (and vitest) alive.
      server.closeAllConnections()
    }),
)

beforeEach(() => {
  hits.length = 0
  handle = () => false
})

/** The requests the server saw, as `METHOD /path?query`, discovery left out. */
const requests = () =>
  hits
    .filter((h) => h.path !== CARD_PATHS.rpc && h.path !== CARD_PATHS.rest && h.path !== DESCRIPTOR_PATH)
    .map((h) => `${h.method} ${h.path}`)

// ── SSE by hand ─────────────────────────────────────────────────────────────────────────────────────────────────

interface Frame {
  id?: string
  event?: string
  data: unknown
}

const format = ({ id, event, data }: Frame): string =>
  `${id === undefined ? '' : `id: ${id}\n`}${event === undefined ? '' : `event: ${event}\n`}data: ${
    typeof data === 'string' ? data : JSON.stringify(data)
  }\n\n`

/**
 * Answers 200 with the frames as an event stream, then ends it (`end`), or breaks it off with the connection
 * reset once the frames are on the wire (`drop`).
 */
function stream(res: ServerResponse, frames: Frame[], then: 'end' | 'drop' = 'end'): true {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  res.flushHeaders()
  const text = frames.map(format).join('')
  if (then === 'end') {
    res.end(text)
    return true
  }
  const drop = () => setTimeout(() => res.socket?.destroy(), 30)
  if (text) res.write(text, drop)
  else drop()
  return true
}

// ── The upstream wires ──────────────────────────────────────────────────────────────────────────────────────────

/** A whole Responses answer, "Hello, world" in three deltas, sequence numbers 0 to 7. */
const RESPONSE_EVENTS = responsesAnswer(['Hel', 'lo, ', 'world'])
const responsesFrames = (events: { type: string }[]): Frame[] => events.map((e) => ({ event: e.type, data: e }))

type Binding = 'rpc' | 'rest'
/** What an A2A request asks, in either binding: `stream`, `subscribe`, `cancel`, … and the task it names. */
function a2aOp(hit: Hit): { binding: Binding; op: string; taskId?: string } | undefined {
  if (hit.method !== 'POST') return undefined
  if (hit.path === '/rpc/a2a' && hit.rpc) {
    const ops: Record<string, string> = {
      SendStreamingMessage: 'stream',
      SubscribeToTask: 'subscribe',
      CancelTask: 'cancel',
      GetTask: 'get',
      SendMessage: 'send',
    }
    const taskId = hit.rpc.params?.id
    return {
      binding: 'rpc',
      op: ops[hit.rpc.method] ?? hit.rpc.method,
      ...(typeof taskId === 'string' ? { taskId } : {}),
    }
  }
  if (hit.path === '/rest/a2a/message:stream') return { binding: 'rest', op: 'stream' }
  const onTask = /^\/rest\/a2a\/tasks\/([^/:]+):(subscribe|cancel)$/.exec(hit.path)
  if (onTask) return { binding: 'rest', op: onTask[2] ?? '', taskId: decodeURIComponent(onTask[1] ?? '') }
  return undefined
}

/** A2A StreamResponses as frames: JSON-RPC wraps each in a reply to the request's id. */
const a2aFrames = (hit: Hit, events: unknown[]): Frame[] =>
  events.map((result) => ({ data: hit.rpc ? { jsonrpc: '2.0', id: hit.rpc.id, result } : result }))

/** ACP stream data as frames with ids from `first`. */
const acpFrames = (data: unknown[], first = 1): Frame[] =>
  data.map((d, i) => ({ id: String(first + i), event: 'agent_event', data: d }))

// ── The clients ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The client of one dialect pointed at the server (or at `url`); its A2A task polls quick, so tests stay short. */
const clientFor = (client: Client, { url = base, ...options }: ClientOptions & { url?: string } = {}) =>
  clientOn(client, url, { ...options, a2aPollIntervalMs: 10 })

/** The same ids every run unless a test names its own run. */
const request = (runId = 'run_1') => runRequest({ runId, contextId: 'ctx_1', messageId: 'm1' })

/** The run completed, with exactly this answer and nothing after the end. */
function expectCompleted(run: { events: AgentEvent[]; error: unknown }, text: string): void {
  expect(run.error, `the run failed: ${(run.error as Error)?.message}`).toBeUndefined()
  expect(run.events.at(-1)?.type).toBe('run.completed')
  expect(run.events.filter((e) => e.type === 'run.completed')).toHaveLength(1)
  expect(answerText(run.events)).toBe(text)
}

/** The run failed with this canonical code, its message matching. */
function expectFailure(error: unknown, code: string, message: RegExp): BridgeError {
  expect(error).toBeInstanceOf(BridgeError)
  const e = error as BridgeError
  expect({ code: e.code, message: e.message }).toEqual({ code, message: expect.stringMatching(message) })
  return e
}

/** A fetch that counts its calls (by method) and hands them on. */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = []
  const counting = (input: string | URL | Request, init?: RequestInit) => {
    calls.push(init?.method ?? 'GET')
    return fetch(input, init)
  }
  return { fetch: counting as typeof fetch, calls }
}

// ── 1. Retries ──────────────────────────────────────────────────────────────────────────────────────────────────

describe('retries: only where the request may be sent again', () => {
  const upstream = (limits: UpstreamLimits, fetcher?: typeof fetch) =>
    createUpstream({
      label: 'Test server',
      url: base,
      backoffMs: 1,
      ...limits,
      ...(fetcher ? { fetch: fetcher } : {}),
    })

  it('a GET answered 502 is sent again, and the second answer is the result', async () => {
    let seen = 0
    handle = (hit, res) => {
      if (hit.path !== '/plain/flaky') return false
      if (seen++ === 0) json(res, 502, { error: { message: 'bad gateway' } })
      else json(res, 200, { ok: true })
      return true
    }
    await expect(upstream({ retries: 1 }).json(`${base}/plain/flaky`)).resolves.toEqual({ ok: true })
    expect(requests()).toEqual(['GET /plain/flaky', 'GET /plain/flaky'])
  })

  it.each(['responses', 'a2a-jsonrpc', 'acp'] as const)(
    'the %s client does not send its POST again after a 502, even with retries: 2',
    async (client) => {
      handle = (hit, res) => {
        if (hit.method !== 'POST') return false
        json(res, 502, { error: { message: 'gateway lost the upstream' } })
        return true
      }
      const { error } = await runToEnd(clientFor(client, { retries: 2 }), request())
      const e = expectFailure(error, 'upstream_failed', /answered 502: gateway lost the upstream/)
      expect(e.upstreamStatus).toBe(502)
      expect(hits.filter((h) => h.method === 'POST')).toHaveLength(1)
    },
  )

  it('a POST answered 503 with Retry-After: 0 is sent again, body and all', async () => {
    let seen = 0
    handle = (hit, res) => {
      if (hit.path !== '/plain/busy') return false
      if (seen++ === 0) json(res, 503, { error: { message: 'busy' } }, { 'retry-after': '0' })
      else json(res, 200, { echoed: JSON.parse(hit.body) })
      return true
    }
    const answer = await upstream({ retries: 1 }).json(`${base}/plain/busy`, { method: 'POST', body: '{"n":1}' })
    expect(answer).toEqual({ echoed: { n: 1 } })
    expect(hits.map((h) => `${h.method} ${h.path} ${h.body}`)).toEqual([
      'POST /plain/busy {"n":1}',
      'POST /plain/busy {"n":1}',
    ])
  })

  it('the Responses client sends its run again after a 503 with Retry-After: 0 and completes', async () => {
    handle = (hit, res) => {
      if (hit.path !== '/v1/responses') return false
      if (hits.length === 1) json(res, 503, { error: { message: 'busy' } }, { 'retry-after': '0' })
      else stream(res, responsesFrames(RESPONSE_EVENTS))
      return true
    }
    expectCompleted(await runToEnd(clientFor('responses', { retries: 1 }), request()), 'Hello, world')
    expect(requests()).toEqual(['POST /v1/responses', 'POST /v1/responses'])
  })

  it.each(['GET', 'POST'])(
    'a %s answered 429 with Retry-After: 60 (above the 10 s default) fails at once as rate_limited',
    async (method) => {
      handle = (hit, res) => {
        if (hit.path !== '/plain/limited') return false
        json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '60' })
        return true
      }
      const started = Date.now()
      const error = await upstream({ retries: 2 })
        .json(`${base}/plain/limited`, { method, ...(method === 'POST' ? { body: '{}' } : {}) })
        .catch((e: unknown) => e)
      expect(Date.now() - started).toBeLessThan(1000)
      const e = expectFailure(error, 'rate_limited', /answered 429: slow down/)
      expect(e.upstreamStatus).toBe(429)
      expect(requests()).toEqual([`${method} /plain/limited`])
    },
  )

  it('a POST whose connection is refused is sent again (it never reached the upstream)', async () => {
    const counting = countingFetch()
    const url = await deadUrl()
    const { error } = await runToEnd(
      clientFor('responses', { url, retries: 1, backoffMs: 1, fetch: counting.fetch }),
      request(),
    )
    expectFailure(
      error,
      'upstream_failed',
      /^Could not reach the upstream Responses server at http:\/\/127\.0\.0\.1:\d+\/v1\/responses/,
    )
    expect(counting.calls).toEqual(['POST', 'POST'])
  })

  it('createUpstream sends a refused POST again, as many times as retries allows', async () => {
    const counting = countingFetch()
    const url = await deadUrl()
    const error = await upstream({ retries: 2 }, counting.fetch)
      .json(`${url}/runs`, { method: 'POST', body: '{}' })
      .catch((e: unknown) => e)
    expectFailure(error, 'upstream_failed', /^Could not reach the upstream Test server at/)
    expect(counting.calls).toEqual(['POST', 'POST', 'POST'])
  })

  it('a POST whose connection was made and then reset is not sent again (the upstream may have acted on it)', async () => {
    handle = (hit, res) => {
      if (hit.path !== '/v1/responses') return false
      res.socket?.destroy()
      return true
    }
    const { error } = await runToEnd(clientFor('responses', { retries: 2 }), request())
    expectFailure(error, 'upstream_failed', /^Could not reach the upstream Responses server/)
    expect(requests()).toEqual(['POST /v1/responses'])
  })
})

// ── 2. Deadlines ────────────────────────────────────────────────────────────────────────────────────────────────

describe('deadlines: a whole answer within connectMs, a long poll exempt', () => {
  const STALLS = [
    { client: 'a2a-jsonrpc', path: CARD_PATHS.rpc, run: 'POST /rpc/a2a' },
    { client: 'acp', path: DESCRIPTOR_PATH, run: 'POST /acp/runs/stream' },
  ] as const

  it.each(STALLS)(
    'the $client discovery document whose body stalls fails with upstream_timeout, and the next run discovers again',
    async ({ client, path, run }) => {
      let served = 0
      handle = (hit, res) => {
        if (hit.path === path && served++ === 0) {
          // Headers at once, half a JSON document, then nothing.
          res.writeHead(200, { 'content-type': 'application/json' })
          res.write('{"name": "up", "descr')
          return true
        }
        if (client === 'acp' && hit.path === '/acp/runs/stream')
          return stream(res, acpFrames([values('success', 'Hi')]))
        const op = a2aOp(hit)
        if (op?.op === 'stream') return stream(res, a2aFrames(hit, A2A_ANSWER))
        return false
      }
      const backend = clientFor(client, { connectTimeoutMs: 200 })
      const first = await runToEnd(backend, request())
      expectFailure(
        first.error,
        'upstream_timeout',
        /at http:\/\/127\.0\.0\.1:\d+\/\S+ did not finish its answer within 200 ms\.$/,
      )
      expect(first.ms).toBeLessThan(1500)

      const second = await runToEnd(backend, request('run_2'))
      expectCompleted(second, client === 'acp' ? 'Hi' : 'Hi there')
      expect(hits.map((h) => h.path).filter((p) => p === path)).toHaveLength(2)
      expect(requests()).toEqual([run])
    },
  )

  it('an ACP /wait (a blocking wait) may take longer than connectMs', async () => {
    handle = (hit, res) => {
      // The stream names the run and ends before the run does; /wait tells how it ended, after 500 ms.
      if (hit.path === '/acp/runs/stream') return stream(res, acpFrames([values('pending', 'Hi')]))
      if (hit.path !== '/acp/runs/run-1/wait') return false
      setTimeout(
        () => json(res, 200, { output: { type: 'result', values: values('success', 'Hi there').values } }),
        500,
      )
      return true
    }
    const run = await runToEnd(clientFor('acp', { connectTimeoutMs: 200 }), request())
    expectCompleted(run, 'Hi there')
    expect(run.ms).toBeGreaterThanOrEqual(450)
    expect(requests()).toEqual(['POST /acp/runs/stream', 'GET /acp/runs/run-1/wait'])
  })
})

// ── 3. Event size ───────────────────────────────────────────────────────────────────────────────────────────────

describe('event size: at most 8 Mi characters per event', () => {
  // Well above the limit: more than the network chunks the last of which may still hold the event's end.
  const huge = 'x'.repeat(MAX_EVENT_SIZE + 1024 * 1024)

  it('the limit is 8 Mi characters', () => {
    expect(MAX_EVENT_SIZE).toBe(8 * 1024 * 1024)
  })

  it.each(CLIENTS)('the %s client fails the run when one event is larger than 8388608 characters', async (client) => {
    handle = (hit, res) => {
      if (client === 'responses' && hit.path === '/v1/responses')
        return stream(res, responsesFrames([RESPONSE_EVENTS[0]!, RESPONSE_EVENTS[1]!, textDelta(2, huge)]))
      if (client === 'acp' && hit.path === '/acp/runs/stream')
        return stream(res, acpFrames([values('pending', 'Hi'), values('pending', huge)]))
      if (a2aOp(hit)?.op === 'stream')
        return stream(res, a2aFrames(hit, [task('TASK_STATE_WORKING'), artifactUpdate(huge)]))
      return false
    }
    const run = await runToEnd(clientFor(client), request())
    expectFailure(run.error, 'upstream_failed', /an event is larger than 8388608 characters/)
    expect(answerText(run.events)).not.toContain('xxxx')
    // Bad data is not a broken stream: nothing is asked again.
    expect(requests()).toHaveLength(1)
  })

  /** An SSE body in chunks of `size` characters, as a network delivers it (or in one, as a string body is). */
  const body = (frames: Frame[], size: number) => {
    const text = frames.map(format).join('')
    const encoder = new TextEncoder()
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < text.length; at += size) controller.enqueue(encoder.encode(text.slice(at, at + size)))
        controller.close()
      },
    })
  }
  /** What readEvents yields of the frames with maxEventSize 1000, and what it throws. */
  async function readAll(frames: Frame[], chunk: number) {
    const res = new Response(body(frames, chunk), { headers: { 'content-type': 'text/event-stream' } })
    const seen: number[] = []
    try {
      const options = { url: 'http://up.example/s', maxEventSize: 1000 }
      for await (const e of readEvents(createUpstream({ label: 'Test server', url: options.url }), res, options))
        seen.push(e.data.length)
      return { seen, error: undefined as unknown }
    } catch (error) {
      return { seen, error }
    }
  }
  const FRAMES = [{ data: 'a'.repeat(500) }, { data: 'b'.repeat(2000) }, { data: 'c'.repeat(10) }]

  it('readEvents passes events within maxEventSize', async () => {
    const run = await readAll([{ data: 'a'.repeat(500) }, { data: 'b'.repeat(1000) }], 100)
    expect(run).toEqual({ seen: [500, 1000], error: undefined })
  })

  it('readEvents fails on the first event beyond maxEventSize, naming the limit', async () => {
    const run = await readAll(FRAMES, 100)
    expectFailure(run.error, 'upstream_failed', /an event is larger than 1000 characters/)
    expect(run.seen).toEqual([500])
  })

  it('readEvents fails on an event beyond maxEventSize even when it arrives in one read', async () => {
    const run = await readAll(FRAMES, 1_000_000)
    expectFailure(run.error, 'upstream_failed', /an event is larger than 1000 characters/)
    expect(run.seen).toEqual([500])
  })
})

// ── 4. Streams that break off ───────────────────────────────────────────────────────────────────────────────────

describe('a stream that breaks off is picked up again', () => {
  it('the Responses client resumes with starting_after the last sequence number it saw', async () => {
    handle = (hit, res) => {
      // Breaks off after 'lo, ' (sequence number 3); the resumed stream honours starting_after.
      if (hit.method === 'POST' && hit.path === '/v1/responses')
        return stream(res, responsesFrames(RESPONSE_EVENTS.slice(0, 4)), 'drop')
      const resume = /^\/v1\/responses\/resp_1\?stream=true&starting_after=(-?\d+)$/.exec(hit.path)
      if (hit.method !== 'GET' || !resume) return false
      const after = Number(resume[1])
      return stream(res, responsesFrames(RESPONSE_EVENTS.filter((e) => e.sequence_number > after)))
    }
    const run = await runToEnd(clientFor('responses'), request())
    expectCompleted(run, 'Hello, world')
    expect(requests()).toEqual(['POST /v1/responses', 'GET /v1/responses/resp_1?stream=true&starting_after=3'])
    expect(run.events.filter((e) => e.type === 'message.started')).toHaveLength(1)
  })

  it('the Responses client fails naming the broken stream when it broke off before a response was named', async () => {
    handle = (hit, res) => {
      if (hit.path !== '/v1/responses') return false
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': working\n\n', () => setTimeout(() => res.socket?.destroy(), 30))
      return true
    }
    const run = await runToEnd(clientFor('responses'), request())
    expectFailure(
      run.error,
      'upstream_failed',
      /^The upstream Responses server's stream from http:\/\/127\.0\.0\.1:\d+\/v1\/responses broke off: /,
    )
    expect(requests()).toEqual(['POST /v1/responses'])
  })

  it.each([
    { client: 'a2a-jsonrpc', binding: 'rpc' },
    { client: 'a2a-rest', binding: 'rest' },
  ] as const)(
    'the $client client re-subscribes to the task and completes from that stream',
    async ({ client, binding }) => {
      handle = (hit, res) => {
        const op = a2aOp(hit)
        // The first stream names the task and the start of the answer, then breaks off.
        if (op?.op === 'stream')
          return stream(res, a2aFrames(hit, [task('TASK_STATE_WORKING'), artifactUpdate('Hel')]), 'drop')
        // Re-subscribed: the task as it stands, then what follows.
        if (op?.op === 'subscribe' && op.taskId === 'task-1')
          return stream(
            res,
            a2aFrames(hit, [
              task('TASK_STATE_WORKING', [{ artifactId: 'answer', parts: [{ text: 'Hel' }] }]),
              artifactUpdate('lo', { append: true, lastChunk: true }),
              statusUpdate('TASK_STATE_COMPLETED'),
            ]),
          )
        return false
      }
      const run = await runToEnd(clientFor(client), request())
      expectCompleted(run, 'Hello')
      expect(hits.map(a2aOp).filter(Boolean)).toEqual([
        { binding, op: 'stream' },
        { binding, op: 'subscribe', taskId: 'task-1' },
      ])
    },
  )

  it('the ACP client joins the run stream again with Last-Event-ID and completes', async () => {
    const all = [values('pending', 'Hel'), values('pending', 'Hello, '), values('success', 'Hello, world')]
    handle = (hit, res) => {
      // Events 1 and 2 name run-1, then the stream breaks off; the joined stream sends what follows Last-Event-ID.
      if (hit.method === 'POST' && hit.path === '/acp/runs/stream')
        return stream(res, acpFrames(all.slice(0, 2)), 'drop')
      if (hit.method !== 'GET' || hit.path !== '/acp/runs/run-1/stream') return false
      const last = Number(hit.headers['last-event-id'] ?? 0)
      return stream(res, acpFrames(all.slice(last), last + 1))
    }
    const run = await runToEnd(clientFor('acp'), request())
    expectCompleted(run, 'Hello, world')
    expect(requests()).toEqual(['POST /acp/runs/stream', 'GET /acp/runs/run-1/stream'])
    expect(hits.at(-1)?.headers['last-event-id']).toBe('2')
    expect(run.events.filter((e) => e.type === 'message.started')).toHaveLength(1)
  })
})

// ── 5. Not silently swallowed ───────────────────────────────────────────────────────────────────────────────────

describe('faults in a stream are not swallowed', () => {
  it.each(['a2a-jsonrpc', 'a2a-rest'] as const)(
    'an error inside the %s stream after the task was named fails the run, without re-subscribing',
    async (client) => {
      handle = (hit, res) => {
        if (a2aOp(hit)?.op !== 'stream') return false
        const error = hit.rpc
          ? { data: { jsonrpc: '2.0', id: hit.rpc.id, error: { code: -32603, message: 'the model exploded' } } }
          : { event: 'error', data: { error: { code: 500, status: 'INTERNAL', message: 'the model exploded' } } }
        return stream(res, [...a2aFrames(hit, [task('TASK_STATE_WORKING')]), error])
      }
      const run = await runToEnd(clientFor(client), request())
      expectFailure(run.error, 'upstream_failed', /the model exploded/)
      expect(run.events.map((e) => e.type)).not.toContain('run.completed')
      expect(hits.map((h) => a2aOp(h)?.op).filter(Boolean)).toEqual(['stream'])
    },
  )

  const EMPTY = [
    { client: 'a2a-jsonrpc', says: /^The upstream A2A agent's answer ended before it named a task or a reply\.$/ },
    { client: 'a2a-rest', says: /^The upstream A2A agent's answer ended before it named a task or a reply\.$/ },
    { client: 'acp', says: /^The upstream ACP server's stream ended before it named a run\.$/ },
    { client: 'responses', says: /^The upstream Responses server stream ended before its response finished\.$/ },
  ] as const

  it.each(EMPTY)('a 200 event stream with no events fails the $client run', async ({ client, says }) => {
    handle = (hit, res) => {
      const runs = hit.method === 'POST' && ['/v1/responses', '/acp/runs/stream'].includes(hit.path)
      return runs || a2aOp(hit)?.op === 'stream' ? stream(res, []) : false
    }
    const run = await runToEnd(clientFor(client), request())
    expectFailure(run.error, 'upstream_failed', says)
    expect(run.events.map((e) => e.type)).not.toContain('run.completed')
    expect(requests()).toHaveLength(1)
  })
})

// ── 6. Moot cancels ─────────────────────────────────────────────────────────────────────────────────────────────

describe('a cancel the upstream calls moot is not an error', () => {
  /** Runs the A2A agent's whole answer, so the run is linked to task-1; cancel then gets `answer`. */
  async function cancelAfterRun(client: Client, answer: (hit: Hit, res: ServerResponse) => void) {
    handle = (hit, res) => {
      const op = a2aOp(hit)
      if (op?.op === 'stream') return stream(res, a2aFrames(hit, A2A_ANSWER))
      if (op?.op === 'cancel' || hit.path === '/acp/runs/run-1/cancel') {
        answer(hit, res)
        return true
      }
      if (hit.path === '/acp/runs/stream') return stream(res, acpFrames([values('success', 'Hi')]))
      return false
    }
    const backend = clientFor(client)
    const run = await runToEnd(backend, request('run_c'))
    expect(run.error).toBeUndefined()
    const cancel = await backend.cancel!('run_c').then(
      () => undefined,
      (e: unknown) => e,
    )
    return { cancel, ops: hits.map(a2aOp).filter(Boolean) }
  }

  it.each([
    { code: -32002, name: 'TaskNotCancelable' },
    { code: -32001, name: 'TaskNotFound' },
  ])('an A2A CancelTask answered with JSON-RPC error $code ($name) resolves', async ({ code, name }) => {
    const { cancel, ops } = await cancelAfterRun('a2a-jsonrpc', (hit, res) =>
      json(res, 200, { jsonrpc: '2.0', id: hit.rpc?.id, error: { code, message: `${name}: task-1` } }),
    )
    expect(cancel).toBeUndefined()
    expect(ops).toEqual([
      { binding: 'rpc', op: 'stream' },
      { binding: 'rpc', op: 'cancel', taskId: 'task-1' },
    ])
  })

  it('an A2A CancelTask answered 500 still fails', async () => {
    const { cancel, ops } = await cancelAfterRun('a2a-jsonrpc', (_hit, res) =>
      json(res, 500, { error: { message: 'cancel broke' } }),
    )
    const e = expectFailure(cancel, 'upstream_failed', /answered 500: cancel broke/)
    expect(e.upstreamStatus).toBe(500)
    expect(ops.at(-1)).toEqual({ binding: 'rpc', op: 'cancel', taskId: 'task-1' })
  })

  it.each([404, 409])('an ACP cancel answered %i resolves', async (status) => {
    const { cancel } = await cancelAfterRun('acp', (_hit, res) => json(res, status, { detail: 'run is over' }))
    expect(cancel).toBeUndefined()
    expect(requests()).toEqual(['POST /acp/runs/stream', 'POST /acp/runs/run-1/cancel'])
  })
})

describe('an ACP 422 that is not about stream_mode', () => {
  it('fails the run, and the next run still asks for its stream mode', async () => {
    let refusals = 2
    handle = (hit, res) => {
      if (hit.method !== 'POST' || hit.path !== '/acp/runs/stream') return false
      if (refusals-- > 0) {
        json(res, 422, { detail: [{ loc: ['body', 'input'], msg: 'quota exceeded', type: 'value_error' }] })
        return true
      }
      return stream(res, acpFrames([values('success', 'Hello')]))
    }
    const acp = clientFor('acp')
    const first = await runToEnd(acp, request())
    expect(first.error).toBeInstanceOf(BridgeError)
    expect((first.error as BridgeError).upstreamStatus).toBe(422)
    const second = await runToEnd(acp, request())
    expectCompleted(second, 'Hello')
    const posts = hits.filter((h) => h.path === '/acp/runs/stream').map((h) => JSON.parse(h.body) as object)
    // Asked with the mode, then without it once; the 422 came back alike, so the next run asks with the mode again.
    expect(posts.map((p) => 'stream_mode' in p)).toEqual([true, false, true])
  })
})
