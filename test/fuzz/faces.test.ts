// Fuzzing every face in-process (Hono's app.request: no sockets): the routes come from the app's own route table, so
// a new route is fuzzed without being listed here. Whatever is sent — odd paths, odd methods, broken or hostile
// bodies, wrong content types, JSON-RPC envelopes with odd methods and ids — the answer is a success or a 4xx in that
// face's own error format, never a 5xx, never a hang; and the bridge still answers afterwards. Bounded (a fixed seed,
// a few thousand requests) so it runs in CI; fast-check prints the seed and the shrunk request of any failure.
import fc from 'fast-check'
import { Hono } from 'hono'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import type { BridgeApp } from '../../src/bridge/index.js'
import { createBridge } from '../../src/bridge/index.js'
import type { Pools } from './arbitraries.js'
import {
  A2A_REST_TARGETS,
  ACP_TARGETS,
  concurrent,
  emptyPools,
  ORQ_TARGETS,
  RESPONSES_TARGETS,
  RPC_JOINS,
  routeRequest,
  routeTable,
  rpcRequest,
  TFY_TARGETS,
  TOUCH_TARGETS,
  targeted,
} from './arbitraries.js'
import type { Handler, Req, Verdict } from './oracle.js'
import { describeReq, facesOf, failure, judge, routedPath } from './oracle.js'

// CI runs the fixed seed. To explore further locally: FUZZ_SEED (another seed), FUZZ_SCALE (multiplies every numRuns),
// FUZZ_SLOW=<ms> (logs requests slower than that), FUZZ_STATS=1 (prints the statuses seen, per property).
const SEED = Number(process.env.FUZZ_SEED || 20_260_611)
const SCALE = Number(process.env.FUZZ_SCALE || 1)
const SLOW_MS = Number(process.env.FUZZ_SLOW || Number.POSITIVE_INFINITY)
const KEY = 'k'

/** Where push notifications and webhooks would go: nowhere (no request leaves the process). */
let deliveries = 0
const noNetwork: typeof fetch = async () => {
  deliveries++
  return new Response(null, { status: 204 })
}

const agents = [{ id: 'demo', dialect: 'demo', delayMs: 0 }] as const
const open = createBridge({ agents: [...agents], fetch: noNetwork })
const keyed = createBridge({ agents: [...agents], apiKeys: [KEY], fetch: noNetwork })
const openPools = emptyPools()
const keyedPools = emptyPools()

const handler =
  (app: BridgeApp): Handler =>
  (request) =>
    app.request(request)

/** A request that must succeed while the pools are being filled: its body as text (a stream read to its end). */
async function okText(app: BridgeApp, method: string, path: string, body?: unknown): Promise<string> {
  const res = await app.request(path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'a2a-version': '1.0' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text
}

/** The same, its body as JSON. */
const ok = async (app: BridgeApp, method: string, path: string, body?: unknown) =>
  JSON.parse(await okText(app, method, path, body)) as Record<string, unknown>

/**
 * Creates what ids in paths and bodies can name (responses, runs, threads, tasks, push configs, Orq tasks, TrueFoundry
 * sessions, turns and responses, and the calls they wait on), afresh.
 */
async function fillPools(app: BridgeApp, pools: Pools): Promise<void> {
  for (const list of Object.values(pools)) list.length = 0
  const weather = {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  }
  for (const body of [
    { input: 'hello' },
    { input: 'What is the weather in Paris?', tools: [weather] },
    { input: 'count to 3', background: true },
    { input: 'please fail' },
  ])
    pools.responses.push((await ok(app, 'POST', '/v1/responses', body)).id as string)

  const input = (text: string) => ({ messages: [{ role: 'user', content: text }] })
  for (const text of ['hello', 'deploy to production', 'plan a trip']) {
    const waited = await ok(app, 'POST', '/acp/runs/wait', { agent_id: 'demo', input: input(text) })
    pools.runs.push((waited.run as { run_id: string }).run_id)
  }
  for (let i = 0; i < 2; i++) {
    const thread = (await ok(app, 'POST', '/acp/threads', {})).thread_id as string
    pools.threads.push(thread)
    for (const text of ['my name is Ada', 'What is the weather in Paris?']) {
      const waited = await ok(app, 'POST', `/acp/threads/${thread}/runs/wait`, { input: input(text) })
      pools.threadRuns.push([thread, (waited.run as { run_id: string }).run_id])
    }
  }

  for (const text of ['hello', 'plan a trip', 'deploy to production']) {
    const message = { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text }] }
    const { task } = (await ok(app, 'POST', '/a2a/demo/message:send', { message })) as {
      task: { id: string; contextId: string }
    }
    pools.tasks.push(task.id)
    pools.contexts.push(task.contextId)
  }
  const taskId = pools.tasks[0] as string
  const config = await ok(app, 'POST', `/a2a/demo/tasks/${taskId}/pushNotificationConfigs`, {
    url: 'https://example.com/hook',
  })
  pools.configs.push([taskId, config.id as string])

  for (const text of ['hello', 'What is the weather in Paris?', 'please fail']) {
    const body = { message: { role: 'user', parts: [{ kind: 'text', text }] }, configuration: { blocking: true } }
    harvestOrq(pools, JSON.stringify(await ok(app, 'POST', '/orq/v2/agents/demo/task', body)), false)
  }
  if (!pools.orqCalls.length) throw new Error('the Orq weather task did not pause on a tool call')

  const sessions = '/truefoundry/v1/agents/sessions'
  for (const texts of [
    ['hello', 'What is the weather in Paris?'],
    ['deploy to production'],
    ['plan a trip'],
    ['research cats', 'please fail'],
  ]) {
    const created = await okText(app, 'POST', sessions, { agent_name: 'demo' })
    harvestTfy(pools, sessions, undefined, created, false)
    const id = (JSON.parse(created) as { data: { id: string } }).data.id
    for (const text of texts) {
      const path = `${sessions}/${id}/turns`
      const body = { input: [{ type: 'user.message', content: text }] }
      harvestTfy(pools, path, body, await okText(app, 'POST', path, body), true)
    }
  }
  for (const text of ['hello', 'What is the weather in Paris?', 'deploy to production', 'please fail']) {
    const body = { agent_name: 'demo', input: [{ role: 'user', content: text }] }
    harvestTfy(
      pools,
      '/truefoundry/agent/responses',
      body,
      await okText(app, 'POST', '/truefoundry/agent/responses', body),
      true,
    )
  }
  if (!pools.tfyCalls.length) throw new Error('no TrueFoundry turn paused on a tool call')
  if (!pools.tfyResponseCalls.length) throw new Error('no TrueFoundry response paused on a tool call')
}

const POOL_SIZE = 40
const add = <T>(list: T[], item: T) => {
  list.push(item)
  if (list.length > POOL_SIZE) list.shift()
}

/** Ids a successful answer names join the pools, so later cases can address what earlier ones created. */
function harvest(pools: Pools, text: string): void {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return
  }
  const visit = (v: unknown, depth: number) => {
    if (depth > 4 || typeof v !== 'object' || v === null) return
    if (Array.isArray(v)) return v.slice(0, 5).forEach((x) => visit(x, depth + 1))
    const o = v as Record<string, unknown>
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined)
    const [id, runId, threadId] = [str('id'), str('run_id'), str('thread_id')]
    if (o.object === 'response' && id) add(pools.responses, id)
    if (runId && threadId) add(pools.threadRuns, [threadId, runId])
    else if (runId) add(pools.runs, runId)
    else if (threadId && str('created_at')) add(pools.threads, threadId)
    if (id?.startsWith('run_') && str('contextId')) {
      add(pools.tasks, id)
      add(pools.contexts, str('contextId') as string)
    }
    const taskId = str('taskId')
    if (id && taskId && str('url')) add(pools.configs, [taskId, id])
    for (const x of Object.values(o)) visit(x, depth + 1)
  }
  visit(body, 0)
}

/**
 * The Orq task an Orq answer names, and the tool calls it now waits for (those it waited for before are answered or
 * moot): a Task (`kind: "task"`, `id`, `tool_call` parts when `input-required`), a `/responses` answer (`task_id`,
 * `pending_tool_calls`), or a stream (`agent_task_id` or `taskId` first, `pending_tool_calls` or `pendingToolCalls`
 * at the end). Orq task ids join their own pool, never A2A's.
 */
function harvestOrq(pools: Pools, text: string, sse: boolean): void {
  const bodies: Record<string, unknown>[] = []
  try {
    if (!sse) bodies.push(JSON.parse(text))
    else
      for (const line of text.split(/\r\n|\n|\r/))
        if (line.startsWith('data:') && line !== 'data: [DONE]') bodies.push(JSON.parse(line.slice(5)).data ?? {})
  } catch {
    return
  }
  let taskId: string | undefined
  let status: { state?: unknown; message?: { parts?: unknown } } | undefined
  let pending: unknown
  for (const o of bodies) {
    if (typeof o !== 'object' || o === null) return
    const id = o.kind === 'task' ? o.id : (o.task_id ?? o.agent_task_id ?? o.taskId)
    if (typeof id === 'string') taskId ??= id
    if (o.kind === 'task') status = o.status as typeof status
    pending = o.pending_tool_calls ?? o.pendingToolCalls ?? pending
  }
  if (!taskId) return
  add(pools.orqTasks, taskId)
  const parts: { kind?: unknown; tool_call_id?: unknown }[] =
    status?.state === 'input-required' && Array.isArray(status.message?.parts) ? status.message.parts : []
  const calls = [
    ...parts.filter((p) => p?.kind === 'tool_call').map((p) => p.tool_call_id),
    ...(Array.isArray(pending) ? (pending as { id?: unknown }[]).map((c) => c?.id) : []),
  ]
  const task = taskId
  for (const pair of pools.orqCalls.filter(([t]) => t === task)) pools.orqCalls.splice(pools.orqCalls.indexOf(pair), 1)
  for (const call of calls) if (typeof call === 'string') add(pools.orqCalls, [task, call])
}

/**
 * What a TrueFoundry answer names (`path`: the routed path it came from, `body`: the request's JSON): sessions
 * (`type: "session"`) and turn records (`session_id`) from JSON; from a new turn's stream (`POST …/sessions/{id}/turns`)
 * the turn (`turn.created`) and the calls its pause waits for (`tool.*_required`: thread and call ids), which replace
 * the session's earlier ones (a new turn answers them or makes them moot); from a responses stream the response
 * (`response.created`) and the calls it paused on (`execution_id`), replacing those of the response it continued.
 * Subscribes replay a known turn and add nothing.
 */
function harvestTfy(pools: Pools, path: string, body: unknown, text: string, sse: boolean): void {
  const values: unknown[] = []
  try {
    if (!sse) values.push(JSON.parse(text))
    else
      for (const line of text.split(/\r\n|\n|\r/)) if (line.startsWith('data:')) values.push(JSON.parse(line.slice(5)))
  } catch {
    return
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  const str = (o: Record<string, unknown>, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined)
  const callIds = (o: Record<string, unknown>) =>
    Array.isArray(o.tool_calls)
      ? o.tool_calls.flatMap((c: unknown) => (isObj(c) && typeof c.id === 'string' ? [c.id] : []))
      : []
  if (!sse) {
    const visit = (v: unknown, depth: number) => {
      if (depth > 3) return
      if (Array.isArray(v)) return v.slice(0, 5).forEach((x) => visit(x, depth + 1))
      if (!isObj(v)) return
      const [id, sessionId] = [str(v, 'id'), str(v, 'session_id')]
      if (v.type === 'session' && id) add(pools.tfySessions, id)
      if (id && sessionId) add(pools.tfyTurns, [sessionId, id])
      visit(v.data, depth + 1)
    }
    visit(values[0], 0)
    return
  }
  const session = /^\/truefoundry\/v1\/agents\/sessions\/([^/]+)\/turns$/.exec(path)?.[1]
  const previous = isObj(body) ? str(body, 'previous_response_id') : undefined
  let response: string | undefined
  for (const v of values) {
    if (!isObj(v)) continue
    if (session && v.type === 'turn.created' && str(v, 'turn_id')) {
      for (const c of pools.tfyCalls.filter(([s]) => s === session)) pools.tfyCalls.splice(pools.tfyCalls.indexOf(c), 1)
      add(pools.tfyTurns, [session, str(v, 'turn_id') as string])
    }
    if (v.type === 'response.created' && str(v, 'response_id')) {
      response = str(v, 'response_id') as string
      add(pools.tfyResponses, response)
      for (const c of pools.tfyResponseCalls.filter(([r]) => r === previous))
        pools.tfyResponseCalls.splice(pools.tfyResponseCalls.indexOf(c), 1)
    }
    if (v.type !== 'tool.approval_required' && v.type !== 'tool.response_required') continue
    const thread = str(v, 'thread_id')
    const execution = str(v, 'execution_id')
    const waits = v.type === 'tool.approval_required' ? 'approval' : 'response'
    for (const id of callIds(v)) {
      if (session && thread) add(pools.tfyCalls, [session, thread, id, waits])
      if (response && execution) add(pools.tfyResponseCalls, [response, execution, id, waits])
    }
  }
}

/**
 * Joins of a run or task that may be unfinished: only their headers must come in time. Orq's streams (`stream-task`,
 * `stream-run`, `/responses` with `stream: true`) are POSTs that start a turn, not joins: they must end in time.
 */
const mayStayOpen = (req: Req, rpcMethod?: unknown) =>
  req.method === 'GET' || /:subscribe(\?|$)/.test(req.path) || RPC_JOINS.has(rpcMethod as string)

/** The routes served without a key (test/bridge/route-auth.test.ts lists the same). */
const isPublic = (req: Req) => {
  if (req.method !== 'GET') return false
  const path = routedPath(req.path)
  return (
    ['/', '/healthz', '/.well-known/agent-card.json'].includes(path) ||
    /^\/a2a\/[^/]+\/\.well-known\/agent-card\.json$/.test(path)
  )
}

/** A JSON-RPC error envelope (which travels in a 200). */
const isRpcError = (text: string) => {
  try {
    const body = JSON.parse(text) as { jsonrpc?: unknown; error?: unknown }
    return body.jsonrpc === '2.0' && typeof body.error === 'object' && body.error !== null
  } catch {
    return false
  }
}

/** Statuses seen per property, to show the fuzz gets past validation (FUZZ_STATS=1 prints them). */
const seen = new Map<string, number>()
const tally = (what: string, v: Verdict) => {
  const key = `${what} ${v.status}`
  seen.set(key, (seen.get(key) ?? 0) + 1)
}

async function check(app: BridgeApp, pools: Pools, what: string, req: Req, rpcMethod?: unknown): Promise<Verdict> {
  const started = performance.now()
  const v = await judge(handler(app), req, mayStayOpen(req, rpcMethod))
  const ms = performance.now() - started
  if (ms > SLOW_MS) console.log(`slow: ${ms.toFixed(0)} ms, ${v.status}\n${describeReq(req)}`)
  tally(what, v)
  if (v.problem) throw failure(req, v)
  if (v.status >= 300) return v
  const sse = /^text\/event-stream/.test(v.contentType)
  const json = /json/.test(v.contentType)
  if (facesOf(req).includes('orq')) {
    if (sse || json) harvestOrq(pools, v.text, sse)
  } else if (facesOf(req).includes('truefoundry')) {
    const body = req.body && 'json' in req.body ? req.body.json : undefined
    if (sse || json) harvestTfy(pools, routedPath(req.path), body, v.text, sse)
  } else if (json) harvest(pools, v.text)
  return v
}

const params = (numRuns: number): fc.Parameters<unknown> => ({
  seed: SEED,
  numRuns: Math.round(numRuns * SCALE),
  // A hang costs a deadline per run while shrinking; stop shrinking after a while and report what it got to.
  interruptAfterTimeLimit: 50_000,
  markInterruptAsFailure: false,
})

afterAll(async () => {
  await open.close()
  await keyed.close()
  if (!process.env.FUZZ_STATS) return
  const counts = [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`)
  console.log(`fuzz statuses (seed ${SEED}):\n  ${counts.join('\n  ')}\nnotifications sent: ${deliveries}`)
})

describe('fuzzing every face', () => {
  // Each property starts from live ids (the one before may have deleted or resumed them).
  beforeEach(async () => {
    await fillPools(open, openPools)
    await fillPools(keyed, keyedPools)
  }, 20_000)

  it('the route table has routes of every face', () => {
    const paths = routeTable(open).map((r) => r.path)
    for (const prefix of ['/v1/', '/a2a/', '/acp/', '/orq/', '/truefoundry/'])
      expect(paths.some((p) => p.startsWith(prefix))).toBe(true)
  })

  it('every route, any method, any body: a success or the face’s own 4xx, no 5xx, no hang', async () => {
    await fc.assert(
      fc.asyncProperty(routeRequest(routeTable(open), openPools), async (req) => {
        await check(open, openPools, 'route', req)
      }),
      params(2000),
    )
  }, 90_000)

  it('A2A JSON-RPC: any envelope gets a JSON-RPC answer', async () => {
    await fc.assert(
      fc.asyncProperty(rpcRequest(openPools), async ({ req, method }) => {
        await check(open, openPools, 'rpc', req, method)
      }),
      params(1000),
    )
  }, 90_000)

  it.each([
    ['Responses', RESPONSES_TARGETS, 400],
    ['ACP', ACP_TARGETS, 700],
    ['A2A HTTP+JSON', A2A_REST_TARGETS, 400],
    ['Orq', ORQ_TARGETS, 600],
    ['TrueFoundry', TFY_TARGETS, 600],
  ] as const)(
    '%s: valid requests with one field mutated',
    async (name, targets, runs) => {
      await fc.assert(
        fc.asyncProperty(targeted([...targets], openPools), async (req) => {
          await check(open, openPools, name, req)
        }),
        params(runs),
      )
    },
    90_000,
  )

  it('requests at once about the same run, thread, response and task: each answered properly', async () => {
    const targets = [
      ...RESPONSES_TARGETS,
      ...ACP_TARGETS,
      ...A2A_REST_TARGETS,
      ...ORQ_TARGETS,
      ...TFY_TARGETS,
      ...TOUCH_TARGETS,
    ]
    await fc.assert(
      fc.asyncProperty(concurrent(targets, openPools), async (reqs) => {
        await Promise.all(reqs.map((req) => check(open, openPools, 'concurrent', req)))
      }),
      params(250),
    )
  }, 90_000)

  it('with API keys: the same, with the key, a wrong one or none; nothing but discovery served without it', async () => {
    const auth = fc.constantFrom<Record<string, string>>(
      { authorization: `Bearer ${KEY}` },
      { 'x-api-key': KEY },
      { authorization: `bearer   ${KEY}` },
      {},
      { authorization: 'Bearer wrong' },
      { authorization: KEY },
      { authorization: `Basic ${KEY}` },
      { 'x-api-key': '' },
    )
    await fc.assert(
      fc.asyncProperty(routeRequest(routeTable(keyed), keyedPools, auth), async (req) => {
        const v = await check(keyed, keyedPools, 'keyed', req)
        const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]
        const sent = bearer ?? req.headers['x-api-key']
        if (sent !== KEY && v.status < 300 && !isPublic(req) && !isRpcError(v.text))
          throw failure(req, { ...v, problem: 'served without a valid API key' })
      }),
      params(800),
    )
  }, 90_000)

  it('afterwards the bridge is healthy: /healthz is 200 and /v1/models answers', async () => {
    for (const app of [open, keyed]) {
      expect((await app.request('/healthz')).status).toBe(200)
      const models = await app.request('/v1/models', { headers: { authorization: `Bearer ${KEY}` } })
      expect(models.status).toBe(200)
      expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['demo'])
    }
  })
})

describe('the oracle fails what it should', () => {
  // A throwaway app that answers wrongly in every way the oracle looks for, each under the face its path belongs to;
  // and answers rightly too, so the oracle is seen to pass what it should.
  const broken = new Hono()
  const encoder = new TextEncoder()
  const endless = () =>
    new Response(new ReadableStream({ start: (c) => c.enqueue(encoder.encode('data: {}\n\n')) }), {
      headers: { 'content-type': 'text/event-stream' },
    })
  const responsesError = { error: { message: 'x', type: 't', param: null, code: null } }
  const restError = { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'x', details: [] } }
  broken.get('/v1/crash', () => new Response('boom', { status: 500 }))
  broken.get('/v1/bad-gateway', (c) => c.json(responsesError, 502))
  broken.get('/v1/rest-shape', (c) => c.json(restError, 400))
  broken.get('/v1/text', (c) => c.text('nope', 404))
  broken.get('/acp/object', (c) => c.json({ error: 'x' }, 422))
  broken.get('/acp/empty-string', (c) => c.json('', 404))
  broken.get('/a2a/demo/tasks/x', (c) => c.json(responsesError, 404))
  broken.get('/a2a/demo/code', (c) => c.json({ error: { ...restError.error, code: 404 } }, 400))
  broken.post('/a2a/demo', (c) => c.json({ error: { code: 400, message: 'x' } }, 200))
  broken.post('/a2a/demo/', (c) => c.json(restError, 400))
  broken.get('/elsewhere', (c) => c.json('not found', 404))
  broken.get('/orq/bridge-shape', (c) => c.json({ error: { code: 'not_found', message: 'x' } }, 404))
  broken.get('/orq/empty-message', (c) => c.json({ message: '', code: 'not_found' }, 404))
  broken.post('/orq/v2/agents/demo/stream-task', endless)
  broken.get('/truefoundry/bridge-shape', (c) => c.json({ error: { code: 'not_found', message: 'x' } }, 404))
  broken.get('/truefoundry/no-code', (c) => c.json({ error: { message: 'x', type: 'not_found_error' } }, 404))
  broken.get('/truefoundry/orq-shape', (c) => c.json({ message: 'x', code: 'not_found' }, 404))
  broken.post('/truefoundry/v1/agents/sessions/s/turns', endless)
  broken.post('/truefoundry/v1/agents/sessions/s/turns/t/subscribe', endless)
  broken.get('/acp/hang', () => new Promise<Response>(() => {}))
  broken.post('/v1/endless', endless)
  broken.get('/acp/runs/x/stream', endless)
  broken.post(
    '/acp/not-json-event',
    () => new Response('data: {oops\n\n', { headers: { 'content-type': 'text/event-stream' } }),
  )
  broken.get('/v1/redirect', (c) => c.redirect('/v1/models'))
  broken.get('/v1/fine', (c) => c.json(responsesError, 404))
  broken.get('/acp/fine', (c) => c.json('Run x not found.', 404))
  broken.post('/a2a/demo/fine', (c) => c.json(restError, 400))
  broken.post('/a2a/ok', (c) => c.json({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'x' } }))
  broken.get('/elsewhere/fine', (c) => c.json({ error: { code: 'not_found', message: 'x' } }, 404))
  broken.get('/orq/fine', (c) => c.json({ message: 'Task x not found.', code: 'not_found' }, 404))
  broken.get('/truefoundry/fine', (c) =>
    c.json({ error: { message: 'Session x not found.', type: 'not_found_error', code: 'not_found' } }, 404),
  )
  broken.post(
    '/orq/stream-fine',
    () =>
      new Response('data: {"type":"agents.error"}\n\ndata: [DONE]\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      }),
  )

  const quick = { headers: 200, body: 200, join: 50 }
  const send = (method: string, path: string) => {
    const req = { method, path, headers: { 'content-type': 'application/json' } }
    return judge((r) => broken.request(r), req, mayStayOpen(req), quick)
  }

  it.each([
    ['GET', '/v1/crash', /^500/],
    ['GET', '/v1/bad-gateway', /^502/],
    ['GET', '/v1/rest-shape', /not in the face's error format/],
    ['GET', '/v1/text', /content-type/],
    ['GET', '/acp/object', /not in the face's error format/],
    ['GET', '/acp/empty-string', /not in the face's error format/],
    ['GET', '/a2a/demo/tasks/x', /not in the face's error format/],
    ['GET', '/a2a/demo/code', /is not the HTTP status/],
    ['POST', '/a2a/demo', /not a JSON-RPC 2.0 envelope/],
    ['POST', '/a2a/demo/', /not a JSON-RPC 2.0 envelope/],
    ['GET', '/elsewhere', /not in the face's error format/],
    ['GET', '/orq/bridge-shape', /not in the face's error format/],
    ['GET', '/orq/empty-message', /not in the face's error format/],
    ['POST', '/orq/v2/agents/demo/stream-task', /hang: the body did not end/],
    ['GET', '/acp/hang', /hang: no response/],
    ['POST', '/v1/endless', /hang: the body did not end/],
    ['POST', '/acp/not-json-event', /not JSON/],
    ['GET', '/v1/redirect', /unexpected status 302/],
    ['GET', '/truefoundry/bridge-shape', /not in the face's error format/],
    ['GET', '/truefoundry/no-code', /error.code is not a string/],
    ['GET', '/truefoundry/orq-shape', /not in the face's error format/],
    ['POST', '/truefoundry/v1/agents/sessions/s/turns', /hang: the body did not end/],
    ['POST', '/truefoundry/v1/agents/sessions/s/turns/t/subscribe', /hang: the body did not end/],
  ])('%s %s is a failure', async (method, path, why) => {
    expect((await send(method, path)).problem).toMatch(why)
  })

  it.each([
    ['GET', '/v1/fine'],
    ['GET', '/acp/fine'],
    ['POST', '/a2a/demo/fine'],
    ['POST', '/a2a/ok'],
    ['GET', '/elsewhere/fine'],
    ['GET', '/orq/fine'],
    ['GET', '/truefoundry/fine'],
    ['POST', '/orq/stream-fine'],
    ['GET', '/acp/runs/x/stream'],
  ])('%s %s passes', async (method, path) => {
    expect((await send(method, path)).problem).toBeUndefined()
  })
})
