// TrueFoundry's agent responses (Surface A) over the bridge's runs: each request mints a response (`response_id`),
// a slice of a run's log. A continuation (`previous_response_id`) that answers the pause its response ended on
// resumes that run; any other continues the conversation with a new run.
import type { BridgeRuntime } from '../../bridge/face.js'
import type { RunInput, ToolCall } from '../../core/index.js'
import { BridgeError, isTerminalStatus } from '../../core/index.js'
import { mapThrough } from '../../stream/index.js'
import type { DecodedResponsesRequest } from './request.js'
import { answerPause, RESPONSES_ANSWERS } from './request.js'
import type { ResponseStreamState } from './responses-encode.js'
import { createResponseStream, encodeResponseStream, openResponseStream } from './responses-encode.js'
import type { AgentResponseStreamEvent } from './responses-wire.js'

export interface TrueFoundryResponseDoc {
  id: string
  agentId: string
  contextId: string
  runId: string
  afterSeq: number
  createdAt: number
  priorCalls?: ToolCall[]
}

const DOCS = 'truefoundry:responses'
/** runId → its latest response: only that one can be running (an earlier one ended where the run paused). */
const LATEST = 'truefoundry:responses:latest'

/** Response ids are tenant-prefixed, as TrueFoundry's are (`<tenant>.<uuid>`). */
const responseId = () => `bridge.${crypto.randomUUID()}`

export class TrueFoundryResponses {
  constructor(private readonly runtime: BridgeRuntime) {}

  async create(agentId: string, request: DecodedResponsesRequest): Promise<TrueFoundryResponseDoc> {
    const { runs, store } = this.runtime
    const previous = request.previousResponseId
      ? await this.get(request.previousResponseId, 'previous_response_id')
      : undefined
    if (previous && previous.agentId !== agentId) {
      throw new BridgeError(
        'invalid_request',
        `Response '${previous.id}' belongs to agent '${previous.agentId}', not '${agentId}'.`,
        { param: 'agent_name' },
      )
    }
    const record = previous ? await store.getRun(previous.runId) : undefined
    const pending = record?.state.status === 'input_required' ? record.state.pending : undefined
    const createdAt = Date.now()
    let doc: TrueFoundryResponseDoc
    if (previous && pending && (request.input.answers || pending.callIds.length === 0)) {
      const input: RunInput = { ...request.input.input, ...answerPause(pending, request.input, RESPONSES_ANSWERS) }
      const { afterSeq } = await runs.resume(previous.runId, input).catch((e) => {
        throw e instanceof BridgeError && e.code === 'conflict'
          ? new BridgeError('conflict', `Response '${previous.id}' has already been answered.`, { status: 412 })
          : e
      })
      doc = {
        id: responseId(),
        agentId,
        contextId: previous.contextId,
        runId: previous.runId,
        afterSeq,
        createdAt,
        priorCalls: pending.calls,
      }
    } else {
      if (request.input.answers) {
        throw new BridgeError('invalid_request', 'No tool call of this conversation is waiting for an answer.', {
          param: 'input',
        })
      }
      if (record && !isTerminalStatus(record.state.status) && record.state.status !== 'input_required') {
        throw new BridgeError('conflict', `Response '${previous?.id}' is still running.`, { status: 412 })
      }
      const started = await runs.start(agentId, request.input.input, {
        ...(previous ? { contextId: previous.contextId } : {}),
      })
      doc = {
        id: responseId(),
        agentId,
        contextId: started.record.contextId,
        runId: started.record.runId,
        afterSeq: 0,
        createdAt,
      }
    }
    await store.putDoc(DOCS, doc.id, doc)
    await store.putDoc(LATEST, doc.runId, doc.id)
    return doc
  }

  async get(id: string, param = 'response_id'): Promise<TrueFoundryResponseDoc> {
    const doc = await this.runtime.store.getDoc<TrueFoundryResponseDoc>(DOCS, id)
    if (!doc || !(await this.runtime.store.getRun(doc.runId))) {
      throw new BridgeError('not_found', `Response '${id}' not found.`, { param })
    }
    return doc
  }

  encoder(doc: TrueFoundryResponseDoc): ResponseStreamState {
    return createResponseStream({
      responseId: doc.id,
      rootExecution: `exec_${doc.runId}`,
      createdAt: doc.createdAt,
      agentId: doc.agentId,
      ...(doc.priorCalls ? { priorCalls: doc.priorCalls } : {}),
    })
  }

  stream(doc: TrueFoundryResponseDoc, signal: AbortSignal): AsyncIterable<AgentResponseStreamEvent[]> {
    const encoder = this.encoder(doc)
    // A mapping the SSE pump polls, no generator step per batch (see `mapThrough`).
    return mapThrough(() => this.runtime.runs.events(doc.runId, doc.afterSeq, { signal }), {
      first: () => openResponseStream(encoder),
      map: (batch) => {
        const out: AgentResponseStreamEvent[] = []
        for (const event of batch) {
          out.push(...encodeResponseStream(encoder, event))
          if (encoder.done) break
        }
        return out
      },
      stop: () => encoder.done,
    })
  }

  /** Cancels the response's run; one that is not running is a 412, as TrueFoundry answers. */
  async cancel(id: string): Promise<void> {
    const { runs, store } = this.runtime
    const doc = await this.get(id)
    const record = await store.getRun(doc.runId)
    const latest = await store.getDoc<string>(LATEST, doc.runId)
    const running = record && ['queued', 'working', 'auth_required'].includes(record.state.status)
    if (latest !== doc.id || !running) {
      throw new BridgeError('conflict', `Response '${id}' is not running.`, { status: 412 })
    }
    await runs.cancel(doc.runId, 'client-cancelled').catch((e) => {
      throw e instanceof BridgeError && e.code === 'not_cancelable'
        ? new BridgeError('conflict', `Response '${id}' is not running.`, { status: 412 })
        : e
    })
  }
}
