// The ACP face: AGNTCY Agent Connect Protocol v0.2.3 under `/acp`, for every configured agent.
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { z } from 'zod'
import type { BridgeEnv, BridgeRuntime, Face } from '../../bridge/face.js'
import { readJsonBody } from '../../bridge/http.js'
import type { ErrorCode } from '../../core/index.js'
import { BridgeError, HTTP_STATUS, parseWith } from '../../core/index.js'
import type { SSEMessage } from '../../stream/index.js'
import { KEEP_ALIVE_LINE, mapThrough, sseResponse } from '../../stream/index.js'
import { errcodeOf, frameText } from './encode.js'
import { agentUuid, fromUuid, toUuid } from './ids.js'
import { agentObject, descriptor } from './schemas.js'
import { invalid } from './errors.js'
import type { Frame } from './output-stream.js'
import type { RunDoc } from './runs.js'
import { AcpRuns, modesOf } from './runs.js'
import { AcpThreads } from './threads.js'
import { AcpWebhooks } from './webhooks.js'
import * as wire from './wire.js'
import type { RunCreateStateful, RunCreateStateless, RunOutputStreamData } from './wire.js'
import { ACP_EVENT } from './wire.js'

export interface AcpFaceOptions {
  /** Idle milliseconds before a keep-alive line goes out on a stream (0: none). Default 15000. */
  keepAliveMs?: number
  /**
   * `values` streams: at most one snapshot per this many milliseconds while deltas arrive (stretched once the values
   * pass 64 Ki characters), plus one at each boundary (a message or artifact completes, an interrupt, the run's end);
   * 0 sends one per change. Default 100.
   */
  valuesIntervalMs?: number
}

/** A batch of frames as SSE messages. */
const toMessages = (batch: readonly Frame[]): SSEMessage[] =>
  batch.map((f) => ({ id: f.id, event: ACP_EVENT, data: frameText(f.data), json: true }))

/** ACP answers validation failures with 422 and conflicts with 409. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_request: 422,
  content_type: 422,
  unsupported: 422,
  version: 422,
  not_cancelable: 409,
  too_far_behind: 409,
}

/** The last event of a stream that cannot go on: an ACP `error` naming the run. */
export const streamError = (runId: string, error: BridgeError): RunOutputStreamData => ({
  type: 'error',
  run_id: toUuid(runId),
  status: 'error',
  errcode: errcodeOf(error),
  description: error.message,
})

/** ErrorResponse is a bare JSON string (the spec's shape). */
export function acpErrorResponse(error: BridgeError): Response {
  const status = error.fixedStatus ? error.status : (STATUS[error.code] ?? HTTP_STATUS[error.code])
  return Response.json(error.message, { status })
}

async function body<T>(c: Context<BridgeEnv>, schema: z.ZodType<T>, what: string, optional = false): Promise<T> {
  const raw =
    c.req.header('content-length') === '0' || (optional && !c.req.header('content-type'))
      ? undefined
      : await readJsonBody(c.req.raw).catch((e: unknown) => {
          if (optional && e instanceof BridgeError && /empty/.test(e.message)) return undefined
          throw e
        })
  return parseWith(schema, raw ?? (optional ? {} : raw), (p) =>
    invalid(`Invalid ${what}${p.path ? ` at ${p.path}` : ''}: ${p.message}.`),
  )
}

const intQuery = (
  c: Context<BridgeEnv>,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
) => {
  const raw = c.req.query(name)
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max)
    throw invalid(
      `Query parameter ${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}.`,
    )
  return n
}

export function acpFace(runtime: BridgeRuntime, options: AcpFaceOptions = {}): Face {
  // The services of one request, over its principal's runs and threads.
  const scoped = new WeakMap<Context<BridgeEnv>, { acp: AcpRuns; threads: AcpThreads; webhooks: AcpWebhooks }>()
  const servicesOf = (c: Context<BridgeEnv>) => {
    let services = scoped.get(c)
    if (!services) {
      const forRequest = runtime.forRequest(c)
      const threads = new AcpThreads(forRequest)
      const acp = new AcpRuns(forRequest, threads)
      services = { acp, threads, webhooks: new AcpWebhooks(forRequest, acp) }
      scoped.set(c, services)
    }
    return services
  }
  const infoOf = (agentId: string) => runtime.agents.info(agentId)
  const cadence = options.valuesIntervalMs === undefined ? {} : { valuesIntervalMs: options.valuesIntervalMs }

  /**
   * An ACP event stream. A stream that cannot go on (the run's log no longer holds what it needs, a snapshot too large
   * to write, a bug) ends with an `error` event naming the run, never silently.
   */
  const stream = (c: Context<BridgeEnv>, runId: string, frames: (signal: AbortSignal) => AsyncIterable<Frame[]>) => {
    const report = runtime.reporter(c)
    return sseResponse(
      // A large batch (a backlog, big values snapshots) goes out in parts (the pump's MAX_WRITE_CHARS).
      (signal) => mapThrough(() => frames(signal), { map: toMessages }),
      // A comment line, not a comment block: the official ACP client (agntcy-acp) takes every blank line for an
      // event and fails on its empty data (see KEEP_ALIVE_COMMENT).
      {
        signal: c.req.raw.signal,
        keepAliveMs: options.keepAliveMs,
        keepAlive: KEEP_ALIVE_LINE,
        onError: (error) => ({ event: ACP_EVENT, data: JSON.stringify(streamError(runId, report(error))), json: true }),
      },
    )
  }

  const app = new Hono<BridgeEnv>()
  app.onError((err, c) => acpErrorResponse(runtime.report(err, c)))

  app.post('/agents/search', async (c) => {
    const q = await body(c, wire.AgentSearchRequest, 'AgentSearchRequest')
    // An agent whose upstream cannot describe itself is left out (and logged), not allowed to hide the others.
    const settled = await Promise.allSettled(runtime.agents.ids().map(infoOf))
    const infos = settled.flatMap((r, i) => {
      if (r.status === 'fulfilled') return [r.value]
      runtime.log(`warn: agent ${runtime.agents.ids()[i]} left out of an ACP search: ${(r.reason as Error).message}`)
      return []
    })
    const found = infos.filter(
      (i) => (!q.name || q.name === i.id) && (!q.version || q.version === (i.version ?? '1.0.0')),
    )
    const offset = q.offset ?? 0
    return c.json(found.slice(offset, offset + (q.limit ?? 10)).map(agentObject))
  })
  app.get('/agents/:agentId', async (c) => {
    const id = servicesOf(c).acp.agentId(c.req.param('agentId'))
    c.set('agent', id)
    return c.json(agentObject(await infoOf(id)))
  })
  app.get('/agents/:agentId/descriptor', async (c) => {
    const id = servicesOf(c).acp.agentId(c.req.param('agentId'))
    c.set('agent', id)
    return c.json(descriptor(await infoOf(id)))
  })

  /** The three ways to create a run, stateless or on a thread. */
  type Mode = 'background' | 'stream' | 'wait'
  const create = async (c: Context<BridgeEnv>, mode: Mode, threadId?: string) => {
    const create =
      threadId === undefined
        ? await body(c, wire.RunCreateStateless, 'RunCreateStateless')
        : await body(c, wire.RunCreateStateful, 'RunCreateStateful')
    const { record, afterSeq } = await servicesOf(c).acp.create(create as RunCreateStateless | RunCreateStateful, {
      ...(threadId !== undefined ? { threadId } : {}),
      background: mode === 'background',
      streaming: mode === 'stream',
    })
    c.set('agent', record.agentId)
    if (create.webhook) c.get('defer')(servicesOf(c).webhooks.watch(record.runId, create.webhook))
    if (mode === 'stream')
      return stream(c, record.runId, (signal) =>
        servicesOf(c).acp.stream(record, afterSeq, modesOf(create.stream_mode), {
          signal,
          startSeq: afterSeq,
          fresh: true,
          ...cadence,
        }),
      )
    if (mode === 'wait') return c.json(await servicesOf(c).acp.wait(record, afterSeq, c.req.raw.signal))
    return c.json(await servicesOf(c).acp.run(record))
  }
  const runOf = async (c: Context<BridgeEnv>) => {
    const record = await servicesOf(c).acp.record(c.req.param('runId') ?? '', c.req.param('threadId'))
    c.set('agent', record.agentId)
    return record
  }
  const joinStream = async (c: Context<BridgeEnv>) => {
    const record = await runOf(c)
    const doc: RunDoc = await servicesOf(c).acp.doc(record)
    // Last-Event-ID (`N`, or `N.k` for the k-th frame of event N) resumes exactly after it; without one (or with one
    // this server did not give out) a join starts from the values so far.
    const id = /^(\d+)(?:\.(\d+))?$/.exec(c.req.header('last-event-id') ?? '')
    const afterSeq = id ? Math.min(Number(id[1]), record.state.lastSeq) : record.state.lastSeq
    const afterFrame = id ? Number(id[2] ?? 0) : Number.POSITIVE_INFINITY
    return stream(c, record.runId, (signal) =>
      servicesOf(c).acp.stream(record, afterSeq, modesOf(doc.creation.stream_mode), {
        snapshot: !id,
        signal,
        afterFrame,
        ...cadence,
        ...(id && doc.startSeq !== undefined ? { startSeq: doc.startSeq } : {}),
      }),
    )
  }
  const resume = async (c: Context<BridgeEnv>) => {
    const record = await runOf(c)
    const payload = await body(c, wire.ResumePayloadSchema, 'resume payload')
    const { record: resumed } = await servicesOf(c).acp.resume(record, payload)
    return c.json(await servicesOf(c).acp.run(await servicesOf(c).acp.record(resumed.runId)))
  }
  const cancel = async (c: Context<BridgeEnv>) => {
    const record = await runOf(c)
    const action = c.req.query('action') ?? 'interrupt'
    if (action !== 'interrupt' && action !== 'rollback')
      throw invalid(`Query parameter action must be interrupt or rollback, not '${action}'.`)
    const wait = c.req.query('wait')
    if (wait !== undefined && wait !== 'true' && wait !== 'false')
      throw invalid(`Query parameter wait must be true or false, not '${wait}'.`)
    await servicesOf(c).acp.cancel(record, action)
    return c.body(null, 204)
  }
  const remove = async (c: Context<BridgeEnv>) => {
    await servicesOf(c).acp.delete(await runOf(c))
    return c.body(null, 204)
  }
  const waitFor = async (c: Context<BridgeEnv>) => {
    const record = await runOf(c)
    return c.json(await servicesOf(c).acp.wait(record, record.state.lastSeq, c.req.raw.signal))
  }

  // Static paths before parameters: /runs/search is not a run id.
  app.post('/runs/search', async (c) => {
    const q = await body(c, wire.RunSearchRequest, 'RunSearchRequest')
    // An agent this server does not have has no runs: an empty list, not an error.
    const agentId = q.agent_id
      ? runtime.agents
          .ids()
          .find((a) => a === q.agent_id || toUuid(a) === q.agent_id || agentUuid(a) === q.agent_id?.toLowerCase())
      : undefined
    if (q.agent_id && !agentId) return c.json([])
    return c.json(
      await servicesOf(c).acp.search({
        ...(agentId ? { agentId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.metadata ? { metadata: q.metadata } : {}),
        limit: q.limit,
        offset: q.offset,
      }),
    )
  })
  // The same run verbs, stateless and on a thread (where the path names the thread).
  const runVerbs = (runs: '/runs' | '/threads/:threadId/runs') => {
    const threadId = (c: Context<BridgeEnv>) => c.req.param('threadId')
    app.post(`${runs}/stream`, (c) => create(c, 'stream', threadId(c)))
    app.post(`${runs}/wait`, (c) => create(c, 'wait', threadId(c)))
    app.post(runs, (c) => create(c, 'background', threadId(c)))
    app.get(`${runs}/:runId/stream`, joinStream)
    app.get(`${runs}/:runId/wait`, waitFor)
    app.post(`${runs}/:runId/cancel`, cancel)
    app.get(`${runs}/:runId`, async (c) => c.json(await servicesOf(c).acp.run(await runOf(c))))
    app.post(`${runs}/:runId`, resume)
    app.delete(`${runs}/:runId`, remove)
  }
  runVerbs('/runs')

  app.post('/threads/search', async (c) => {
    const q = await body(c, wire.ThreadSearchRequest, 'ThreadSearchRequest')
    return c.json(
      await servicesOf(c).threads.searchThreads({
        ...(q.metadata ? { metadata: q.metadata } : {}),
        ...(q.status ? { status: q.status } : {}),
        limit: q.limit,
        offset: q.offset,
      }),
    )
  })
  app.post('/threads', async (c) =>
    c.json(
      await servicesOf(c).threads.thread(
        await servicesOf(c).threads.createThread(await body(c, wire.ThreadCreate, 'ThreadCreate', true)),
      ),
    ),
  )
  const threadOf = async (c: Context<BridgeEnv>) => {
    const doc = await servicesOf(c).threads.threadDoc(c.req.param('threadId') ?? '')
    if (!doc) throw new BridgeError('not_found', `Thread ${c.req.param('threadId')} not found.`)
    return doc
  }
  app.get('/threads/:threadId/history', async (c) => {
    const threadId = c.req.param('threadId')
    return c.json(
      await servicesOf(c).threads.history(threadId, intQuery(c, 'limit', 10, 1, 1000), c.req.query('before')),
    )
  })
  app.post('/threads/:threadId/copy', async (c) =>
    c.json(await servicesOf(c).threads.thread(await servicesOf(c).threads.copyThread(c.req.param('threadId')))),
  )
  app.get('/threads/:threadId/runs', async (c) => {
    const doc = await threadOf(c)
    const limit = intQuery(c, 'limit', 10, 1, 1000)
    const offset = intQuery(c, 'offset', 0, 0)
    return c.json(await servicesOf(c).acp.search({ contextId: fromUuid('ctx', doc.threadId), limit, offset }))
  })
  runVerbs('/threads/:threadId/runs')
  app.get('/threads/:threadId', async (c) => c.json(await servicesOf(c).threads.thread(await threadOf(c))))
  app.patch('/threads/:threadId', async (c) => {
    await threadOf(c)
    return c.json(
      await servicesOf(c).threads.thread(
        await servicesOf(c).threads.patchThread(
          c.req.param('threadId'),
          await body(c, wire.ThreadPatch, 'ThreadPatch'),
        ),
      ),
    )
  })
  app.delete('/threads/:threadId', async (c) => {
    await servicesOf(c).threads.deleteThread(c.req.param('threadId'))
    return c.body(null, 204)
  })

  return {
    name: 'acp',
    basePath: '/acp',
    routes: app,
    errorResponse: acpErrorResponse,
    endpoints: [
      'POST   /acp/agents/search                 find agents (GET /acp/agents/{agent_id}, …/descriptor)',
      'POST   /acp/runs                          stateless run in the background (also /runs/stream, /runs/wait)',
      'GET    /acp/runs/{run_id}                 a run (POST resumes it; DELETE; /stream, /wait, /cancel; POST /runs/search)',
      'POST   /acp/threads                       create a thread (search, get, patch, delete, /history, /copy)',
      'POST   /acp/threads/{thread_id}/runs      a run on the thread (also /stream, /wait; GET lists; …/runs/{run_id}/…)',
    ],
  }
}
