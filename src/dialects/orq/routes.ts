// The Orq face: Orq's v2 agents API in front of every configured agent, under `/orq` (the official SDK keeps a path
// prefix in `serverURL`: `new Orq({ serverURL: "https://bridge.example/orq" })`). An agent's id is its Orq key.
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { BridgeEnv, BridgeRuntime, Face, FaceOptions } from '../../bridge/face.js'
import { readJsonBody } from '../../bridge/http.js'
import type { AgentInfo } from '../../core/index.js'
import { BridgeError, HTTP_STATUS } from '../../core/index.js'
import type { SSEMessage } from '../../stream/index.js'
import { mapThrough, sseResponse } from '../../stream/index.js'
import { modelId, WORKSPACE_ID } from './encode.js'
import { decodeRequest } from './request.js'
import type { TaskDoc } from './tasks.js'
import { OrqTasks } from './tasks.js'
import type { AgentManifest, AgentStreamEvent, ResponseStreamEvent } from './wire.js'

/** Orq's error body: `{message}` (and `code`, which the `/responses` surface has). */
export function orqErrorResponse(error: BridgeError): Response {
  const status = error.fixedStatus ? error.status : HTTP_STATUS[error.code]
  return Response.json({ message: error.message, code: error.wireCode ?? error.code }, { status })
}

/** An agent as Orq describes one (`GET /v2/agents/{agent_key}`): built from what the bridge knows of it. */
export function agentManifest(info: AgentInfo): AgentManifest {
  const tools = (info.interrupts ?? []).map((i) => ({
    id: i.type,
    key: i.type,
    action_type: 'function',
    ...(i.description ? { description: i.description } : {}),
    requires_approval: i.reason === 'approval',
  }))
  return {
    _id: info.id,
    key: info.id,
    display_name: info.name,
    project_id: WORKSPACE_ID,
    workspace_id: WORKSPACE_ID,
    status: 'live',
    ...(info.version ? { version: info.version } : {}),
    path: WORKSPACE_ID,
    type: 'internal',
    source: 'external',
    role: 'Agent',
    description: info.description ?? '',
    instructions: '',
    ...(info.skills?.length ? { skills: info.skills.map((s) => s.id) } : {}),
    settings: { tool_approval_required: 'respect_tool', ...(tools.length ? { tools } : {}) },
    model: { id: modelId(info.id) },
  }
}

const iso = () => new Date().toISOString()

/** `stream_timeout_seconds` of a body `decodeRequest` has already checked (1 to 3600), when given. */
const streamTimeout = (body: unknown): number | undefined => {
  const seconds = (body as { stream_timeout_seconds?: unknown }).stream_timeout_seconds
  return typeof seconds === 'number' ? seconds : undefined
}

export function orqFace(runtime: BridgeRuntime, options: FaceOptions = {}): Face {
  const { agents } = runtime
  const tasksOf = (c: Context<BridgeEnv>) => new OrqTasks(runtime.forRequest(c), options.valuesIntervalMs)
  const app = new Hono<BridgeEnv>()
  app.onError((err, c) => orqErrorResponse(runtime.report(err, c)))

  const agentId = (c: Context<BridgeEnv>, key: string) => {
    agents.require(key, 'agent_key')
    c.set('agent', key)
    return key
  }

  /** An SSE stream of data-only frames ending with `data: [DONE]`; a failure mid-stream is the surface's own event. */
  const sse = <E>(
    c: Context<BridgeEnv>,
    source: (signal: AbortSignal) => AsyncIterable<E[]>,
    failure: (e: BridgeError) => E,
  ) => {
    const report = runtime.reporter(c)
    return sseResponse(
      (signal) =>
        mapThrough(() => source(signal), {
          map: (batch) => batch.map((e): SSEMessage => ({ data: JSON.stringify(e), json: true })),
          failed: (err) => (signal.aborted ? undefined : [{ data: JSON.stringify(failure(report(err))), json: true }]),
          last: () => (signal.aborted ? undefined : [{ data: '[DONE]' }]),
        }),
      { signal: c.req.raw.signal, keepAliveMs: options.keepAliveMs },
    )
  }

  const streamError = (e: BridgeError): AgentStreamEvent => ({
    type: 'agents.error',
    timestamp: iso(),
    data: { error: e.message, code: e.code },
  })
  const responseError = (e: BridgeError): ResponseStreamEvent => ({
    type: 'response.failed',
    timestamp: iso(),
    data: { error: e.message, code: HTTP_STATUS[e.code] },
  })
  const streamTask = (c: Context<BridgeEnv>, doc: TaskDoc, body: unknown) =>
    sse(c, (signal) => tasksOf(c).stream(doc, signal, streamTimeout(body)), streamError)

  app.get('/v2/agents', async (c) => {
    const limit = Number(c.req.query('limit') ?? 50)
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new BridgeError('invalid_request', 'limit must be an integer from 1 to 200.', { param: 'limit' })
    }
    let ids = agents.ids()
    const after = c.req.query('starting_after')
    const before = c.req.query('ending_before')
    if (after) ids = ids.slice(ids.indexOf(after) + 1)
    if (before) ids = ids.slice(0, Math.max(0, ids.indexOf(before)))
    const type = c.req.query('type')
    if (type === 'a2a') ids = []
    const page = ids.slice(0, limit)
    const data = await Promise.all(page.map(async (id) => agentManifest(await agents.info(id))))
    return c.json({ object: 'list' as const, data, has_more: ids.length > page.length })
  })

  app.get('/v2/agents/:agent_key', async (c) => {
    const id = agentId(c, c.req.param('agent_key'))
    return c.json(agentManifest(await agents.info(id)))
  })

  app.post('/v2/agents/:key/task', async (c) => {
    const id = agentId(c, c.req.param('key'))
    const request = decodeRequest(await readJsonBody(c.req.raw))
    const tasks = tasksOf(c)
    const doc = await tasks.turn(id, request, { background: !request.blocking })
    if (!request.blocking) return c.json(await tasks.task(doc))
    return c.json(await tasks.task(doc, { wait: c.req.raw.signal, messages: true }))
  })

  app.post('/v2/agents/:key/stream-task', async (c) => {
    const id = agentId(c, c.req.param('key'))
    const body = await readJsonBody(c.req.raw)
    return streamTask(c, await tasksOf(c).turn(id, decodeRequest(body)), body)
  })

  // `run` and `stream-run` define the agent inline; its `key` picks a configured agent, and the definition's
  // instructions and function tools go with the turn.
  app.post('/v2/agents/run', async (c) => {
    const request = decodeRequest(await readJsonBody(c.req.raw), 'run')
    const id = agentId(c, request.key ?? '')
    const tasks = tasksOf(c)
    const doc = await tasks.turn(id, request, { background: !request.blocking })
    if (!request.blocking) return c.json(await tasks.task(doc))
    return c.json(await tasks.task(doc, { wait: c.req.raw.signal, messages: true }))
  })

  app.post('/v2/agents/stream-run', async (c) => {
    const body = await readJsonBody(c.req.raw)
    const request = decodeRequest(body, 'run')
    const id = agentId(c, request.key ?? '')
    return streamTask(c, await tasksOf(c).turn(id, request), body)
  })

  app.post('/v2/agents/:agent_key/responses', async (c) => {
    const id = agentId(c, c.req.param('agent_key'))
    const request = decodeRequest(await readJsonBody(c.req.raw), 'response')
    const tasks = tasksOf(c)
    const doc = await tasks.respond(await tasks.turn(id, request, { background: !request.stream && !request.blocking }))
    if (request.stream) return sse(c, (signal) => tasks.responseStream(doc, signal), responseError)
    const {
      status: _status,
      error: _error,
      ...response
    } = await tasks.response(doc, request.blocking ? c.req.raw.signal : undefined)
    return c.json(response)
  })

  app.get('/v2/agents/:agent_key/responses/:task_id', async (c) => {
    const id = agentId(c, c.req.param('agent_key'))
    const tasks = tasksOf(c)
    const doc = await tasks.get(c.req.param('task_id'))
    if (doc.agentId !== id) throw new BridgeError('not_found', `Task '${doc.id}' not found for agent '${id}'.`)
    return c.json(await tasks.response(doc))
  })

  return {
    name: 'orq',
    basePath: '/orq',
    routes: app,
    errorResponse: orqErrorResponse,
    endpoints: [
      'GET    /orq/v2/agents                              the configured agents as Orq agent manifests',
      'GET    /orq/v2/agents/{agent_key}                  one agent manifest',
      'POST   /orq/v2/agents/{key}/task                   invoke (configuration.blocking waits; task_id continues)',
      'POST   /orq/v2/agents/{key}/stream-task            invoke, streamed (thoughts, tools, inactive, [DONE])',
      'POST   /orq/v2/agents/run | /stream-run            the same with the agent defined inline (`key` picks one)',
      'POST   /orq/v2/agents/{agent_key}/responses        a response (JSON, or SSE part deltas with stream: true)',
      "GET    /orq/v2/agents/{agent_key}/responses/{task_id}  the task's latest response and its status",
    ],
  }
}
