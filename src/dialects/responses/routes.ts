// The Responses face: OpenAI-Responses-compatible routes in front of any configured agent.
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { BridgeEnv, BridgeRuntime, Face } from '../../bridge/face.js'
import { readJsonBody } from '../../bridge/http.js'
import type { ErrorCode } from '../../core/index.js'
import { BridgeError, HTTP_STATUS } from '../../core/index.js'
import type { SSEMessage } from '../../stream/index.js'
import { mapThrough, sseResponse } from '../../stream/index.js'
import { decodeRequest } from './decode.js'
import { eventText, modelEntry, openResponse } from './encode.js'
import type { ResponseDoc } from './service.js'
import { ResponseService } from './service.js'

export interface ResponsesFaceOptions {
  /** End streams with `data: [DONE]` (Open Responses wants it; OpenAI's SDK ignores it). Default true. */
  done?: boolean
  /**
   * Idle milliseconds before a `: keep-alive` comment block (0: none; default 15000). The openai SDKs skip it, since
   * this face writes no `id:` lines (see KEEP_ALIVE_COMMENT).
   */
  keepAliveMs?: number
}

const ERROR_TYPE: Record<ErrorCode, string> = {
  not_found: 'invalid_request_error',
  invalid_request: 'invalid_request_error',
  conflict: 'invalid_request_error',
  not_cancelable: 'invalid_request_error',
  unsupported: 'invalid_request_error',
  content_type: 'invalid_request_error',
  version: 'invalid_request_error',
  too_far_behind: 'invalid_request_error',
  unauthenticated: 'authentication_error',
  rate_limited: 'rate_limit_error',
  upstream_failed: 'server_error',
  upstream_timeout: 'server_error',
  internal: 'server_error',
}

/** OpenAI answers conflicts with 400 rather than 409/410. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  conflict: 400,
  not_cancelable: 400,
  too_far_behind: 400,
  content_type: 400,
}

/** The OpenAI error object: `{error: {message, type, param, code}}`. */
export function responsesErrorResponse(error: BridgeError): Response {
  const status = error.fixedStatus ? error.status : (STATUS[error.code] ?? HTTP_STATUS[error.code])
  const body = {
    error: {
      message: error.message,
      type: ERROR_TYPE[error.code],
      param: error.param ?? null,
      code: error.wireCode ?? null,
    },
  }
  return Response.json(body, { status })
}

export function responsesFace(runtime: BridgeRuntime, options: ResponsesFaceOptions = {}): Face {
  const { agents } = runtime
  const responsesOf = (c: Context<BridgeEnv>) => new ResponseService(runtime.forRequest(c))
  const sendDone = options.done ?? true
  const startedAt = Math.floor(Date.now() / 1000)
  const app = new Hono<BridgeEnv>()
  app.onError((err, c) => responsesErrorResponse(runtime.report(err, c)))

  /** The response's events as SSE: a failure as the Responses `error` event, then `[DONE]` (unless the client left). */
  function sse(
    responses: ResponseService,
    report: (error: unknown) => BridgeError,
    doc: ResponseDoc,
    signal: AbortSignal,
    startingAfter?: number,
  ): AsyncIterable<SSEMessage[]> {
    let last = startingAfter ?? -1
    return mapThrough(() => responses.events(doc, signal, startingAfter), {
      map: (batch) => {
        last = batch.at(-1)?.sequence_number ?? last
        return batch.map((event) => {
          const type = event.type
          return { event: type, data: eventText(event, type), json: true }
        })
      },
      failed: (err) => {
        if (signal.aborted) return undefined
        const e = report(err)
        const error = {
          type: 'error',
          code: e.wireCode ?? e.code,
          message: e.message,
          param: e.param ?? null,
          sequence_number: last + 1,
        }
        return [{ event: 'error', data: JSON.stringify(error), json: true }]
      },
      last: () => (sendDone && !signal.aborted ? [{ data: '[DONE]' }] : undefined),
    })
  }

  // The stream outlives the handler: it holds the service and a reporter, not the request's Context.
  const stream = (c: Context<BridgeEnv>, responses: ResponseService, doc: ResponseDoc, startingAfter?: number) => {
    const report = runtime.reporter(c)
    return sseResponse((signal) => sse(responses, report, doc, signal, startingAfter), {
      signal: c.req.raw.signal,
      keepAliveMs: options.keepAliveMs,
    })
  }

  app.post('/responses', async (c) => {
    const request = decodeRequest(await readJsonBody(c.req.raw))
    const responses = responsesOf(c)
    const doc = await responses.create(request)
    c.set('agent', doc.agentId)
    if (request.stream) return stream(c, responses, doc)
    if (request.background) {
      const encoder = responses.encoder(doc)
      openResponse(encoder)
      return c.json(encoder.response)
    }
    return c.json(await responses.snapshot(doc, c.req.raw.signal))
  })

  app.get('/responses/:id', async (c) => {
    const responses = responsesOf(c)
    const doc = await responses.get(c.req.param('id'))
    c.set('agent', doc.agentId)
    if (c.req.query('stream') !== 'true') return c.json(await responses.snapshot(doc))
    const raw = c.req.query('starting_after')
    const startingAfter = raw === undefined ? undefined : Number(raw)
    if (startingAfter !== undefined && (raw?.trim() === '' || !Number.isInteger(startingAfter))) {
      throw new BridgeError('invalid_request', `Invalid 'starting_after': expected an integer, got '${raw}'.`, {
        param: 'starting_after',
      })
    }
    return stream(c, responses, doc, startingAfter)
  })

  app.delete('/responses/:id', async (c) => {
    const doc = await responsesOf(c).get(c.req.param('id'))
    await responsesOf(c).delete(doc)
    return c.json({ id: doc.id, object: 'response' as const, deleted: true })
  })

  app.post('/responses/:id/cancel', async (c) => {
    const doc = await responsesOf(c).get(c.req.param('id'))
    c.set('agent', doc.agentId)
    return c.json(await responsesOf(c).cancel(doc))
  })

  const model = (id: string) => modelEntry(id, startedAt)
  app.get('/models', (c) => c.json({ object: 'list' as const, data: agents.ids().map(model) }))
  app.get('/models/:model', (c) => {
    const id = c.req.param('model')
    agents.require(id, 'model')
    return c.json(model(id))
  })

  return {
    name: 'responses',
    basePath: '/v1',
    routes: app,
    errorResponse: responsesErrorResponse,
    endpoints: [
      'POST   /v1/responses                       create (stream, background, previous_response_id)',
      'GET    /v1/responses/{id}                  retrieve; ?stream=true&starting_after=N re-streams',
      'POST   /v1/responses/{id}/cancel           cancel a background response',
      'DELETE /v1/responses/{id}                  forget a response',
      'GET    /v1/models                          the configured agents (use as `model`)',
    ],
  }
}

export const responsesFaceWith = (options: ResponsesFaceOptions) => (runtime: BridgeRuntime) =>
  responsesFace(runtime, options)
