// The TrueFoundry face: TrueFoundry's two agent surfaces in front of every configured agent, under `/truefoundry`
// (the tenant base URL a TrueFoundry client is given: `https://bridge.example/truefoundry`). Surface B, sessions and
// turns (`/v1/agents/sessions…`), is TrueFoundry's current API; Surface A, the agent responses stream
// (`/agent/responses`), its earlier one. An agent's id is its `agent_name`.
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { BridgeEnv, BridgeRuntime, Face, FaceOptions } from '../../bridge/face.js'
import { isJsonType, notJson, parseRequestJson, readJsonBody } from '../../bridge/http.js'
import type { ErrorCode } from '../../core/index.js'
import { BridgeError, HTTP_STATUS, parseWith } from '../../core/index.js'
import type { SSEMessage } from '../../stream/index.js'
import { mapThrough, sseResponse } from '../../stream/index.js'
import { tolerant } from '../../upstream/index.js'
import { decodeResponsesRequest, decodeTurnRequest } from './request.js'
import { TrueFoundryResponses } from './responses.js'
import type { AgentResponseStreamEvent } from './responses-wire.js'
import type { SessionDoc, TurnDoc } from './sessions.js'
import { TrueFoundrySessions } from './sessions.js'
import type { TurnStreamingEvent } from './sessions-wire.js'
import { CancelResponseRequest } from './responses-wire.js'
import { CreateSessionRequest, SubscribeTurnRequest } from './sessions-wire.js'

const ERROR_TYPE: Partial<Record<ErrorCode, string>> = {
  not_found: 'not_found_error',
  invalid_request: 'invalid_request_error',
  unauthenticated: 'authentication_error',
  rate_limited: 'rate_limit_error',
}

/** TrueFoundry's error body: `{"error": {message, type, code, param}}`. */
export function trueFoundryErrorResponse(error: BridgeError): Response {
  const status = error.fixedStatus ? error.status : HTTP_STATUS[error.code]
  const body = {
    error: {
      message: error.message,
      type: ERROR_TYPE[error.code] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      code: error.wireCode ?? error.code,
      ...(error.param ? { param: error.param } : {}),
    },
  }
  return Response.json(body, { status })
}

const fail = (problem: { path: string; message: string }) =>
  new BridgeError('invalid_request', `Invalid request: ${problem.path || 'body'}: ${problem.message}`, {
    param: problem.path || undefined,
  })

/** A body that may be left out (subscribe, cancel): `{}` when there is none, else JSON like any other. */
async function optionalJsonBody(request: Request): Promise<unknown> {
  const text = await request.clone().text()
  if (!text.trim()) return {}
  if (!isJsonType(request.headers.get('content-type'))) throw notJson(request.headers.get('content-type'))
  return parseRequestJson(text)
}

/** A page of a list: `page_token` is the offset of the page's first item. */
function page<T>(items: T[], c: Context<BridgeEnv>, defaultLimit: number, maxLimit: number) {
  const limit = Number(c.req.query('limit') ?? defaultLimit)
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new BridgeError('invalid_request', `limit must be an integer from 1 to ${maxLimit}.`, { param: 'limit' })
  }
  const token = c.req.query('page_token')
  const start = token === undefined ? 0 : Number(token)
  if (!Number.isInteger(start) || start < 0) {
    throw new BridgeError('invalid_request', 'page_token is not one this server gave.', { param: 'page_token' })
  }
  const data = items.slice(start, start + limit)
  const next = start + limit < items.length ? { next_page_token: String(start + limit) } : {}
  const previous = start > 0 ? { previous_page_token: String(Math.max(0, start - limit)) } : {}
  return { data, pagination: { ...next, ...previous, limit } }
}

export function trueFoundryFace(runtime: BridgeRuntime, options: FaceOptions = {}): Face {
  const { agents } = runtime
  const sessionsOf = (c: Context<BridgeEnv>) => new TrueFoundrySessions(runtime.forRequest(c))
  const responsesOf = (c: Context<BridgeEnv>) => new TrueFoundryResponses(runtime.forRequest(c))
  const app = new Hono<BridgeEnv>()
  app.onError((err, c) => trueFoundryErrorResponse(runtime.report(err, c)))

  const agentId = (c: Context<BridgeEnv>, name: string, param = 'agent_name') => {
    agents.require(name, param)
    c.set('agent', name)
    return name
  }
  const subject = (c: Context<BridgeEnv>) => sessionsOf(c).subject(c.get('principal'))

  // ── Surface B: sessions and turns ──────────────────────────────────────────────────────────────────────────

  const sessionOf = async (c: Context<BridgeEnv>): Promise<SessionDoc> => {
    const session = await sessionsOf(c).get(c.req.param('sessionId') ?? '')
    c.set('agent', session.agentId)
    return session
  }
  const turnOf = async (c: Context<BridgeEnv>): Promise<[SessionDoc, TurnDoc]> => {
    const session = await sessionOf(c)
    return [session, await sessionsOf(c).turn(session, c.req.param('turnId') ?? '')]
  }

  /** A turn's events as SSE, `id: <sequence number>` on each; a failure in the bridge ends it with `turn.done`. */
  const turnStream = (c: Context<BridgeEnv>, turn: TurnDoc, after = 0) => {
    // The stream outlives the handler: it holds the service and a reporter, not the request's Context.
    const sessions = sessionsOf(c)
    const report = runtime.reporter(c)
    return sseResponse(
      (signal) => {
        let last = after
        return mapThrough(() => sessions.stream(turn, signal, after), {
          map: (batch) => {
            last = batch.at(-1)?.[0] ?? last
            return batch.map(
              ([seq, event]): SSEMessage => ({ id: String(seq), data: JSON.stringify(event), json: true }),
            )
          },
          failed: (err) => {
            if (signal.aborted) return undefined
            const e = report(err)
            const done: TurnStreamingEvent = {
              type: 'turn.done',
              id: `${turn.id}.error`,
              state: { status: 'error', message: e.message, completed_at: new Date().toISOString() },
              created_at: new Date().toISOString(),
              thread_id: null,
            }
            return [{ id: String(last + 1), data: JSON.stringify(done), json: true }]
          },
        })
      },
      { signal: c.req.raw.signal, keepAliveMs: options.keepAliveMs },
    )
  }

  app.get('/v1/agents/sessions', async (c) => {
    const name = c.req.query('agent_name')
    if (!name) throw new BridgeError('invalid_request', 'agent_name is required.', { param: 'agent_name' })
    agentId(c, name)
    const order = c.req.query('order') ?? 'desc'
    if (order !== 'asc' && order !== 'desc') {
      throw new BridgeError('invalid_request', 'order must be asc or desc.', { param: 'order' })
    }
    const time = (param: string) => {
      const raw = c.req.query(param)
      if (raw === undefined) return undefined
      const ms = Date.parse(raw)
      if (Number.isNaN(ms)) throw new BridgeError('invalid_request', `${param} must be an ISO timestamp.`, { param })
      return ms
    }
    // TrueFoundry's window: the 30 minutes before `end_timestamp` (default now), unless `start_timestamp` says.
    const end = time('end_timestamp') ?? Date.now()
    const start = time('start_timestamp') ?? end - 30 * 60_000
    const sessions = (await sessionsOf(c).list(name)).filter((s) => s.createdAt >= start && s.createdAt <= end)
    if (order === 'desc') sessions.reverse()
    const { data, pagination } = page(sessions, c, 10, 100)
    return c.json({ data: data.map((s) => sessionsOf(c).session(s)), pagination: { ...pagination, order } })
  })

  app.post('/v1/agents/sessions', async (c) => {
    const request = parseWith(tolerant(CreateSessionRequest), await readJsonBody(c.req.raw), fail)
    const session = await sessionsOf(c).create(agentId(c, request.agent_name), subject(c))
    return c.json({ data: sessionsOf(c).session(session) })
  })

  app.get('/v1/agents/sessions/:sessionId', async (c) => c.json({ data: sessionsOf(c).session(await sessionOf(c)) }))

  app.post('/v1/agents/sessions/:sessionId/cancel', async (c) => {
    await optionalJsonBody(c.req.raw)
    const session = await sessionOf(c)
    const last = await sessionsOf(c).last(session)
    if (!last || !(await sessionsOf(c).running(last))) {
      throw new BridgeError('conflict', `Session '${session.id}' has no running turn to cancel.`, { status: 412 })
    }
    await runtime.forRequest(c).runs.cancel(last.runId, 'client-cancelled')
    return c.json({})
  })

  app.get('/v1/agents/sessions/:sessionId/turns', async (c) => {
    const session = await sessionOf(c)
    const sessions = sessionsOf(c)
    const turns = (
      await Promise.all([...session.turns].reverse().map((id) => sessions.turn(session, id).catch(() => undefined)))
    ).filter((t): t is TurnDoc => t !== undefined)
    const { data, pagination } = page(turns, c, 10, 25)
    return c.json({ data: await Promise.all(data.map((t) => sessions.record(t))), pagination })
  })

  app.post('/v1/agents/sessions/:sessionId/turns', async (c) => {
    const session = await sessionOf(c)
    const { input, previous } = decodeTurnRequest(await readJsonBody(c.req.raw))
    const turn = await sessionsOf(c).start(session, input, previous, subject(c))
    return turnStream(c, turn)
  })

  app.get('/v1/agents/sessions/:sessionId/turns/:turnId', async (c) => {
    const [, turn] = await turnOf(c)
    return c.json({ data: await sessionsOf(c).record(turn) })
  })

  app.post('/v1/agents/sessions/:sessionId/turns/:turnId/subscribe', async (c) => {
    const [, turn] = await turnOf(c)
    const body = parseWith(tolerant(SubscribeTurnRequest), await optionalJsonBody(c.req.raw), fail)
    const header = c.req.header('last-event-id')
    let after = body.after_sequence_number
    if (after === undefined && header !== undefined) {
      after = Number(header)
      if (!Number.isInteger(after) || after < 0) {
        throw new BridgeError('invalid_request', `Last-Event-Id must be a sequence number, got '${header}'.`, {
          param: 'Last-Event-Id',
        })
      }
    }
    return turnStream(c, turn, after ?? 0)
  })

  app.get('/v1/agents/sessions/:sessionId/turns/:turnId/events', async (c) => {
    const [, turn] = await turnOf(c)
    const sessions = sessionsOf(c)
    if (await sessions.running(turn)) {
      throw new BridgeError('conflict', `Turn '${turn.id}' is still running: subscribe to it instead.`, { status: 409 })
    }
    const order = c.req.query('order') ?? 'asc'
    if (order !== 'asc' && order !== 'desc') {
      throw new BridgeError('invalid_request', 'order must be asc or desc.', { param: 'order' })
    }
    const { events } = await sessions.fold(turn)
    const content = events.filter((e) => e.type !== 'turn.created' && e.type !== 'turn.done')
    if (order === 'desc') content.reverse()
    const { data, pagination } = page(content, c, 25, 25)
    return c.json({ data, pagination })
  })

  app.get('/v1/agents/sessions/:sessionId/events', async (c) => {
    const session = await sessionOf(c)
    const sessions = sessionsOf(c)
    const entries: { turn_id: string; event: TurnStreamingEvent }[] = []
    // Newest first, from `last_turn_id` (default: the session's last turn) back along the chain.
    const anchor = c.req.query('last_turn_id')
    const upTo = anchor === undefined ? session.turns.length : session.turns.indexOf(anchor) + 1
    if (upTo === 0) throw new BridgeError('not_found', `Turn '${anchor}' not found in session '${session.id}'.`)
    for (const id of session.turns.slice(0, upTo).reverse()) {
      const turn = await sessions.turn(session, id).catch(() => undefined)
      // A running turn is left out: subscribe to it.
      if (!turn || (await sessions.running(turn))) continue
      const { events } = await sessions.fold(turn)
      for (const event of [...events].reverse()) entries.push({ turn_id: turn.id, event })
    }
    const { data, pagination } = page(entries, c, 100, 100)
    return c.json({ data, pagination })
  })

  // ── Surface A: the agent responses stream ──────────────────────────────────────────────────────────────────

  const responseStream = (
    c: Context<BridgeEnv>,
    source: (signal: AbortSignal) => AsyncIterable<AgentResponseStreamEvent[]>,
  ) => {
    const report = runtime.reporter(c)
    return sseResponse(
      (signal) => {
        let last = 0
        return mapThrough(() => source(signal), {
          map: (batch) => {
            last = batch.at(-1)?.sequence_id ?? last
            return batch.map((event): SSEMessage => ({ data: JSON.stringify(event), json: true }))
          },
          failed: (err) => {
            if (signal.aborted) return undefined
            const e = report(err)
            const done: AgentResponseStreamEvent = {
              type: 'response.done',
              status: 'error',
              message: e.message,
              sequence_id: last + 1,
            }
            return [{ data: JSON.stringify(done), json: true }]
          },
        })
      },
      { signal: c.req.raw.signal, keepAliveMs: options.keepAliveMs },
    )
  }

  app.post('/agent/responses', async (c) => {
    const request = decodeResponsesRequest(await readJsonBody(c.req.raw))
    const responses = responsesOf(c)
    const doc = await responses.create(agentId(c, request.agent), request)
    return responseStream(c, (signal) => responses.stream(doc, signal))
  })

  app.post('/agent/responses/cancel', async (c) => {
    const request = parseWith(tolerant(CancelResponseRequest), await readJsonBody(c.req.raw), fail)
    await responsesOf(c).cancel(request.response_id)
    return c.json({})
  })

  return {
    name: 'truefoundry',
    basePath: '/truefoundry',
    routes: app,
    errorResponse: trueFoundryErrorResponse,
    endpoints: [
      'POST   /truefoundry/v1/agents/sessions                      create a session for an agent (agent_name)',
      'GET    /truefoundry/v1/agents/sessions                      sessions of an agent (agent_name, limit, order, page_token)',
      'GET    /truefoundry/v1/agents/sessions/{sessionId}          a session',
      'POST   /truefoundry/v1/agents/sessions/{sessionId}/cancel   cancel its running turn',
      'POST   /truefoundry/v1/agents/sessions/{sessionId}/turns    start a turn, streamed (id: sequence number)',
      'GET    /truefoundry/v1/agents/sessions/{sessionId}/turns    its turns, newest first',
      'GET    /truefoundry/v1/agents/sessions/{sessionId}/turns/{turnId}            a turn and its state',
      'POST   /truefoundry/v1/agents/sessions/{sessionId}/turns/{turnId}/subscribe  re-stream after a sequence number',
      "GET    /truefoundry/v1/agents/sessions/{sessionId}/turns/{turnId}/events     a finished turn's events",
      "GET    /truefoundry/v1/agents/sessions/{sessionId}/events   the session's events, newest first",
      'POST   /truefoundry/agent/responses                         a response, streamed (agent_name or model)',
      'POST   /truefoundry/agent/responses/cancel                  cancel a running response',
    ],
  }
}
