// The Responses face: OpenAI-Responses-compatible routes in front of any configured agent.
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { BridgeEnv, BridgeRuntime, Face } from '../../bridge/face.js'
import { readJsonBody } from '../../bridge/http.js'
import type { ErrorCode, PendingInterrupt, RunInput } from '../../core/index.js'
import { BridgeError, HTTP_STATUS, newId, toBridgeError } from '../../core/index.js'
import type { SSEMessage } from '../../stream/index.js'
import { sseResponse } from '../../stream/index.js'
import type { DecodedCreateResponse } from './decode.js'
import { decodeRequest } from './decode.js'
import type { PriorCall, ResponseEcho, ResponseEncoderState } from './encode.js'
import { createEncoder, encode, openResponse } from './encode.js'
import { itemId } from './ids.js'
import type { Model, Response as ResponseObject, ResponseStreamEvent } from './wire.js'

export interface ResponsesFaceOptions {
  /** End streams with `data: [DONE]` (Open Responses wants it; OpenAI's SDK ignores it). Default true. */
  done?: boolean
  keepAliveMs?: number
}

/** What the face keeps per response: which slice of which run it shows, and what it echoes. */
interface ResponseDoc {
  id: string
  runId: string
  agentId: string
  contextId: string
  model: string
  /** The response shows the run's events after this seq. */
  afterSeq: number
  createdAt: number
  echo: ResponseEcho
  priorCalls: PriorCall[]
}

const DOCS = 'responses'
/** runId → the id of the run's latest response (the only one a follow-up can resume). */
const LATEST = 'responses:latest'

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
  const { agents, runs, store } = runtime
  const sendDone = options.done ?? true
  const startedAt = Math.floor(Date.now() / 1000)
  const app = new Hono<BridgeEnv>()
  app.onError((err) => responsesErrorResponse(toBridgeError(err)))

  const loadDoc = async (id: string): Promise<ResponseDoc> => {
    const doc = await store.getDoc<ResponseDoc>(DOCS, id)
    // A response whose run has expired is gone too.
    if (!doc || !(await store.getRun(doc.runId)))
      throw new BridgeError('not_found', `Response with id '${id}' not found.`)
    return doc
  }

  const encoderFor = (doc: ResponseDoc) =>
    createEncoder({
      responseId: doc.id,
      model: doc.model,
      createdAt: doc.createdAt,
      echo: doc.echo,
      priorCalls: doc.priorCalls,
      serverLabel: doc.agentId,
    })

  /** The response's events, from its run's log: replayed from the start, then live until the response ends. */
  async function* responseEvents(
    doc: ResponseDoc,
    signal: AbortSignal,
    startingAfter = -1,
  ): AsyncGenerator<ResponseStreamEvent[]> {
    const encoder = encoderFor(doc)
    const fresh = (events: ResponseStreamEvent[]) => events.filter((e) => e.sequence_number > startingAfter)
    yield fresh(openResponse(encoder))
    for await (const batch of runs.events(doc.runId, doc.afterSeq, { signal })) {
      const out: ResponseStreamEvent[] = []
      for (const event of batch) {
        out.push(...encode(encoder, event))
        if (encoder.done) break
      }
      yield fresh(out)
      if (encoder.done) return
    }
  }

  async function* sse(doc: ResponseDoc, signal: AbortSignal, startingAfter?: number): AsyncGenerator<SSEMessage[]> {
    let last = startingAfter ?? -1
    try {
      for await (const batch of responseEvents(doc, signal, startingAfter)) {
        last = batch.at(-1)?.sequence_number ?? last
        yield batch.map((event) => ({ event: event.type, data: JSON.stringify(event) }))
      }
    } catch (err) {
      if (signal.aborted) return
      const e = toBridgeError(err)
      const error = {
        type: 'error',
        code: e.wireCode ?? e.code,
        message: e.message,
        param: e.param ?? null,
        sequence_number: last + 1,
      }
      yield [{ event: 'error', data: JSON.stringify(error) }]
    }
    if (sendDone && !signal.aborted) yield [{ data: '[DONE]' }]
  }

  const stream = (c: Context<BridgeEnv>, doc: ResponseDoc, startingAfter?: number) =>
    sseResponse((signal) => sse(doc, signal, startingAfter), {
      signal: c.req.raw.signal,
      keepAliveMs: options.keepAliveMs,
    })

  /** The Response as it stands: its slice of the log folded through the encoder, without waiting. */
  async function snapshot(doc: ResponseDoc, wait?: AbortSignal): Promise<ResponseObject> {
    const encoder: ResponseEncoderState = encoderFor(doc)
    openResponse(encoder)
    const batches = wait ? runs.events(doc.runId, doc.afterSeq, { signal: wait }) : store.read(doc.runId, doc.afterSeq)
    for await (const batch of batches) {
      for (const event of batch) {
        encode(encoder, event)
        if (encoder.done) return encoder.response
      }
    }
    return encoder.response
  }

  app.post('/responses', async (c) => {
    const request = decodeRequest(await readJsonBody(c.req.raw))
    const previous = request.previousResponseId ? await previousResponse(request.previousResponseId) : undefined
    const agentId = request.model ?? previous?.agentId ?? agents.default.id
    agents.require(agentId, 'model')
    c.set('agent', agentId)
    if (request.background && !request.store) {
      throw new BridgeError('invalid_request', 'Background responses must be stored; drop store: false.', {
        param: 'store',
      })
    }

    const input: RunInput = {
      input: request.input,
      instructions: request.instructions,
      toolResults: request.toolResults,
      decisions: request.decisions,
      tools: request.tools,
      toolChoice: request.toolChoice,
      metadata: request.metadata,
      stream: request.stream,
      background: request.background,
    }
    const turn = previous ? await continueFrom(previous, agentId, request, input) : undefined
    const started = turn ?? {
      ...(await runs.start(agentId, input, { background: request.background })).record,
      afterSeq: 0,
      priorCalls: [],
    }
    const doc: ResponseDoc = {
      id: newId('resp'),
      runId: started.runId,
      agentId,
      contextId: started.contextId,
      model: request.model ?? agentId,
      afterSeq: started.afterSeq,
      createdAt: Math.floor(Date.now() / 1000),
      echo: request.echo,
      priorCalls: started.priorCalls,
    }
    if (request.store) {
      await store.putDoc(DOCS, doc.id, doc)
      await store.putDoc(LATEST, doc.runId, doc.id)
    }

    if (request.stream) return stream(c, doc)
    if (request.background) {
      const encoder = encoderFor(doc)
      openResponse(encoder)
      return c.json(encoder.response)
    }
    return c.json(await snapshot(doc, c.req.raw.signal))
  })

  async function previousResponse(id: string): Promise<ResponseDoc> {
    const doc = await store.getDoc<ResponseDoc>(DOCS, id)
    if (!doc) {
      throw new BridgeError('invalid_request', `Previous response with id '${id}' not found.`, {
        param: 'previous_response_id',
        wireCode: 'previous_response_not_found',
      })
    }
    return doc
  }

  /**
   * A follow-up: if the previous response paused its run and this request answers it, the same run resumes;
   * otherwise a new run starts in the same conversation.
   */
  async function continueFrom(previous: ResponseDoc, agentId: string, request: DecodedCreateResponse, input: RunInput) {
    const record = await store.getRun(previous.runId)
    const latest = await store.getDoc<string>(LATEST, previous.runId)
    const pending =
      record?.state.status === 'input_required' && latest === previous.id ? record.state.pending : undefined
    if (!record || !pending) {
      const { record: run } = await runs.start(agentId, input, {
        contextId: previous.contextId,
        background: request.background,
      })
      return { runId: run.runId, contextId: run.contextId, afterSeq: 0, priorCalls: [] as PriorCall[] }
    }
    if (agentId !== record.agentId) {
      throw new BridgeError(
        'invalid_request',
        `Response '${previous.id}' is waiting on agent '${record.agentId}'; model must be '${record.agentId}' to answer it.`,
        { param: 'model' },
      )
    }
    const { afterSeq } = await runs.resume(record.runId, { ...input, resume: answerTo(pending, request) })
    const priorCalls = pending.calls.map((call) => ({ ...call, approvalRequested: pending.reason === 'approval' }))
    return { runId: record.runId, contextId: record.contextId, afterSeq, priorCalls }
  }

  app.get('/responses/:id', async (c) => {
    const doc = await loadDoc(c.req.param('id'))
    c.set('agent', doc.agentId)
    if (c.req.query('stream') !== 'true') return c.json(await snapshot(doc))
    const raw = c.req.query('starting_after')
    const startingAfter = raw === undefined ? undefined : Number(raw)
    if (startingAfter !== undefined && (raw?.trim() === '' || !Number.isInteger(startingAfter))) {
      throw new BridgeError('invalid_request', `Invalid 'starting_after': expected an integer, got '${raw}'.`, {
        param: 'starting_after',
      })
    }
    return stream(c, doc, startingAfter)
  })

  app.delete('/responses/:id', async (c) => {
    const doc = await loadDoc(c.req.param('id'))
    await store.deleteDoc(DOCS, doc.id)
    return c.json({ id: doc.id, object: 'response' as const, deleted: true })
  })

  app.post('/responses/:id/cancel', async (c) => {
    const doc = await loadDoc(c.req.param('id'))
    c.set('agent', doc.agentId)
    if (!doc.echo.background) {
      throw new BridgeError('invalid_request', 'Only responses created with background: true can be cancelled.', {
        wireCode: 'not_cancellable',
      })
    }
    const current = await snapshot(doc)
    if (current.status === 'cancelled') return c.json(current)
    if (current.status !== 'queued' && current.status !== 'in_progress') {
      throw new BridgeError(
        'not_cancelable',
        `Response '${doc.id}' is already ${current.status}; it cannot be cancelled.`,
        { wireCode: 'not_cancellable' },
      )
    }
    await runs.cancel(doc.runId, 'cancelled through the Responses API').catch((e) => {
      if (!(e instanceof BridgeError && e.code === 'not_cancelable')) throw e
    })
    return c.json(await snapshot(doc))
  })

  const model = (id: string): Model => ({ id, object: 'model', created: startedAt, owned_by: 'dialect-bridge' })
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

/**
 * How a follow-up answers the interrupt its run waits on: tool outputs for client tools, approval responses
 * for approvals, and for a bare question either a function_call_output to the interrupt's call or a message.
 */
function answerTo(pending: PendingInterrupt, request: DecodedCreateResponse): RunInput['resume'] {
  const results = new Map(request.toolResults.map((r) => [r.callId, r]))
  const decisions = new Map(request.decisions.map((d) => [d.callId, d]))
  if (pending.callIds.length === 0) {
    const result = results.get(pending.interruptId)
    if (result) return { interruptId: pending.interruptId, payload: parseOutput(result.output) }
    if (request.input.some((m) => m.role === 'user')) return { interruptId: pending.interruptId }
    throw new BridgeError(
      'invalid_request',
      `This conversation is waiting for an answer: send a user message or a function_call_output for call_id '${pending.interruptId}'.`,
      { param: 'input' },
    )
  }
  for (const callId of pending.callIds) {
    if (results.has(callId) || decisions.has(callId)) continue
    const message =
      pending.reason === 'approval'
        ? `No approval response found for approval request '${itemId('mcp_approval_request', callId)}'.`
        : `No tool output found for function call ${callId}.`
    throw new BridgeError('invalid_request', message, { param: 'input' })
  }
  return { interruptId: pending.interruptId }
}

const parseOutput = (output: unknown): unknown => {
  if (typeof output !== 'string') return output
  try {
    return JSON.parse(output)
  } catch {
    return output
  }
}

export const responsesFaceWith = (options: ResponsesFaceOptions) => (runtime: BridgeRuntime) =>
  responsesFace(runtime, options)
