// TrueFoundry's agent responses (Surface A) over the bridge's runs: each request mints a response (`response_id`),
// a slice of a run's log. A continuation (`previous_response_id`) that answers the pause its response ended on
// resumes that run; any other continues the conversation with a new run.
import type { BridgeRuntime } from '../../bridge/face.js'
import type { PendingInterrupt, RunInput, ToolCall } from '../../core/index.js'
import { BridgeError, isTerminalStatus } from '../../core/index.js'
import type { DecodedResponsesRequest } from './request.js'
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
      const input: RunInput = { ...request.input.input, ...answerTo(pending, request) }
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

  async *stream(doc: TrueFoundryResponseDoc, signal: AbortSignal): AsyncGenerator<AgentResponseStreamEvent[]> {
    const encoder = this.encoder(doc)
    yield openResponseStream(encoder)
    for await (const batch of this.runtime.runs.events(doc.runId, doc.afterSeq, { signal })) {
      const out: AgentResponseStreamEvent[] = []
      for (const event of batch) {
        out.push(...encodeResponseStream(encoder, event))
        if (encoder.done) break
      }
      if (out.length) yield out
      if (encoder.done) return
    }
  }

  /** Cancels the response's run; one that is not running is a 412, as TrueFoundry answers. */
  async cancel(id: string): Promise<void> {
    const doc = await this.get(id)
    await this.runtime.runs.cancel(doc.runId, 'client-cancelled').catch((e) => {
      throw e instanceof BridgeError && e.code === 'not_cancelable'
        ? new BridgeError('conflict', `Response '${id}' is not running.`, { status: 412 })
        : e
    })
  }
}

/** The pause's answer: every pending call answered (approvals or tool responses), or a question's tool response. */
function answerTo(pending: PendingInterrupt, request: DecodedResponsesRequest): Partial<RunInput> {
  const resume = { interruptId: pending.interruptId }
  const { toolResults = [], decisions = [] } = request.input.input
  if (pending.callIds.length === 0) {
    const answer = toolResults.find((r) => r.callId === pending.interruptId)
    if (answer) return { toolResults: [], resume: { ...resume, payload: answer.output } }
    if (!request.input.answers) return { resume }
    throw new BridgeError(
      'invalid_request',
      `The response waits for a tool.client_side_response to '${pending.interruptId}'.`,
      {
        param: 'input',
      },
    )
  }
  const answered = new Set([...toolResults.map((r) => r.callId), ...decisions.map((d) => d.callId)])
  for (const callId of pending.callIds) {
    if (answered.has(callId)) continue
    const what = pending.reason === 'approval' ? 'a tool.approval' : 'a tool.client_side_response'
    throw new BridgeError(
      'invalid_request',
      `The response waits for ${what} for tool call '${callId}' (send all of them).`,
      {
        param: 'input',
      },
    )
  }
  return { resume }
}
