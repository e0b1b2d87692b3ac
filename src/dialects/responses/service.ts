// The Responses operations over the bridge's runs: a response is a slice of a run's log (one turn), kept as a small
// document so it can be retrieved, re-streamed, continued (previous_response_id) and cancelled.
import type { BridgeRuntime } from '../../bridge/face.js'
import type { AgentRegistry } from '../../bridge/registry.js'
import type { PendingInterrupt, RunEvent, RunInput } from '../../core/index.js'
import { BridgeError, jsonOrText, newId } from '../../core/index.js'
import type { DecodedCreateResponse } from './decode.js'
import type { PriorCall, ResponseEcho, ResponseEncoderState } from './encode.js'
import { createEncoder, encode, openResponse } from './encode.js'
import { mapThrough } from '../../stream/index.js'
import { itemId } from './ids.js'
import type { Response as ResponseObject, ResponseStreamEvent } from './wire.js'

/** What the face keeps per response: which slice of which run it shows, and what it echoes. */
export interface ResponseDoc {
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

export class ResponseService {
  constructor(private readonly runtime: BridgeRuntime) {}

  /** Starts the turn a CreateResponse asks for (a new run, a new turn of the conversation, or a resume). */
  async create(request: DecodedCreateResponse): Promise<ResponseDoc> {
    const { agents, runs, store } = this.runtime
    const previous = request.previousResponseId ? await this.previous(request.previousResponseId) : undefined
    const agentId = request.model ? agentForModel(agents, request.model) : (previous?.agentId ?? agents.default.id)
    agents.require(agentId, 'model')
    if (request.background && !request.store) {
      throw new BridgeError('invalid_request', 'Background responses must be stored; drop store: false.', {
        param: 'store',
      })
    }
    const input: RunInput = {
      input: request.input,
      ...(request.history.length ? { history: request.history } : {}),
      instructions: request.instructions,
      toolResults: request.toolResults,
      decisions: request.decisions,
      tools: request.tools,
      toolChoice: request.toolChoice,
      metadata: request.metadata,
      stream: request.stream,
      background: request.background,
    }
    const turn = previous ? await this.continueFrom(previous, agentId, request, input) : undefined
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
    if (request.store) await store.putDoc(DOCS, doc.id, doc)
    // Written even for an unstored response: a turn it started moved its run on, so an older response's answer is stale.
    await store.putDoc(LATEST, doc.runId, doc.id)
    return doc
  }

  /** A stored response whose run still exists, or `not_found`. */
  async get(id: string): Promise<ResponseDoc> {
    const { store } = this.runtime
    const doc = await store.getDoc<ResponseDoc>(DOCS, id)
    // A response whose run has expired is gone too.
    if (!doc || !(await store.getRun(doc.runId)))
      throw new BridgeError('not_found', `Response with id '${id}' not found.`)
    return doc
  }

  async delete(doc: ResponseDoc): Promise<void> {
    await this.runtime.store.deleteDoc(DOCS, doc.id)
  }

  encoder(doc: ResponseDoc): ResponseEncoderState {
    return createEncoder({
      responseId: doc.id,
      model: doc.model,
      createdAt: doc.createdAt,
      echo: doc.echo,
      priorCalls: doc.priorCalls,
      serverLabel: doc.agentId,
    })
  }

  /** The response's events, from its run's log: replayed from the start, then live until the response ends. */
  events(doc: ResponseDoc, signal: AbortSignal, startingAfter = -1): AsyncIterable<ResponseStreamEvent[]> {
    const encoder = this.encoder(doc)
    // A stream read from its start (the usual case) keeps every event: no copy of each batch.
    const fresh = (events: ResponseStreamEvent[]) =>
      startingAfter < 0 ? events : events.filter((e) => e.sequence_number > startingAfter)
    return mapThrough(() => this.runtime.runs.events(doc.runId, doc.afterSeq, { signal }), {
      first: () => fresh(openResponse(encoder)),
      map: (batch) => {
        // One event (a paced stream's usual batch) goes out as its encoding, not copied into another array.
        if (batch.length === 1) return fresh(encode(encoder, batch[0] as RunEvent))
        const out: ResponseStreamEvent[] = []
        for (const event of batch) {
          for (const e of encode(encoder, event)) out.push(e)
          if (encoder.done) break
        }
        return fresh(out)
      },
      stop: () => encoder.done,
    })
  }

  /** The Response as it stands (its slice of the log folded through the encoder), or once it ends with `wait`. */
  async snapshot(doc: ResponseDoc, wait?: AbortSignal): Promise<ResponseObject> {
    const { runs, store } = this.runtime
    const encoder = this.encoder(doc)
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

  /** Cancels a background response's run; a response that already ended as cancelled is returned as it is. */
  async cancel(doc: ResponseDoc): Promise<ResponseObject> {
    if (!doc.echo.background) {
      throw new BridgeError('invalid_request', 'Only responses created with background: true can be cancelled.', {
        wireCode: 'not_cancellable',
      })
    }
    const current = await this.snapshot(doc)
    if (current.status === 'cancelled') return current
    if (current.status !== 'queued' && current.status !== 'in_progress') {
      throw new BridgeError(
        'not_cancelable',
        `Response '${doc.id}' is already ${current.status}; it cannot be cancelled.`,
        { wireCode: 'not_cancellable' },
      )
    }
    await this.runtime.runs.cancel(doc.runId, 'cancelled through the Responses API').catch((e) => {
      if (!(e instanceof BridgeError && e.code === 'not_cancelable')) throw e
    })
    return this.snapshot(doc)
  }

  private async previous(id: string): Promise<ResponseDoc> {
    const doc = await this.runtime.store.getDoc<ResponseDoc>(DOCS, id)
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
  private async continueFrom(previous: ResponseDoc, agentId: string, request: DecodedCreateResponse, input: RunInput) {
    const { runs, store } = this.runtime
    const record = await store.getRun(previous.runId)
    const latest = await store.getDoc<string>(LATEST, previous.runId)
    const pending =
      record?.state.status === 'input_required' && latest === previous.id ? record.state.pending : undefined
    // An answer (tool output, approval) to a response whose run already went on answers nothing: the same answer sent
    // twice must not run the tool, or start anything, again.
    if (record && latest && latest !== previous.id && (request.toolResults.length || request.decisions.length)) {
      throw alreadyAnswered(previous.id, `its run went on as '${latest}'; continue from that response`)
    }
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
    const { afterSeq } = await runs
      .resume(record.runId, { ...input, resume: answerTo(pending, request) })
      .catch((e) => {
        // Two answers racing for one pause: the one that lost is told so.
        throw e instanceof BridgeError && e.code === 'conflict' ? alreadyAnswered(previous.id, e.message) : e
      })
    const priorCalls = pending.calls.map((call) => ({ ...call, approvalRequested: pending.reason === 'approval' }))
    return { runId: record.runId, contextId: record.contextId, afterSeq, priorCalls }
  }
}

/**
 * The agent a `model` names: its id, or `agent/<id>` as Orq's router (`/v3/router/responses`) names agents, so an Orq
 * client switches to the bridge by its base URL alone.
 */
export function agentForModel(agents: AgentRegistry, model: string): string {
  if (agents.get(model) || !model.startsWith('agent/')) return model
  const id = model.slice('agent/'.length)
  return agents.get(id) ? id : model
}

/** 409, not OpenAI's usual 400 for conflicts: the request was right, only late. */
const alreadyAnswered = (id: string, why: string) =>
  new BridgeError('conflict', `Response '${id}' has already been answered: ${why}.`, {
    status: 409,
    param: 'previous_response_id',
    wireCode: 'response_already_answered',
  })

/**
 * How a follow-up answers the interrupt its run waits on: tool outputs for client tools, approval responses
 * for approvals, and for a bare question either a function_call_output to the interrupt's call or a message.
 */
function answerTo(pending: PendingInterrupt, request: DecodedCreateResponse): RunInput['resume'] {
  const results = new Map(request.toolResults.map((r) => [r.callId, r]))
  const decisions = new Map(request.decisions.map((d) => [d.callId, d]))
  if (pending.callIds.length === 0) {
    const result = results.get(pending.interruptId)
    if (result) return { interruptId: pending.interruptId, payload: jsonOrText(result.output) }
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
