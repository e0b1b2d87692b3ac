// The Orq operations over the bridge's runs. An Orq task is a conversation: it maps to a canonical context, and each
// turn (a first message, a continuation with `task_id`) to a run — or, when the task paused on tool calls and the
// continuation answers them, to the same run resumed. A small document per task says which run and which slice of
// its log the latest turn is.
import type { BridgeRuntime } from '../../bridge/face.js'
import type { PendingInterrupt, RunInput, ToolCall } from '../../core/index.js'
import { BridgeError, newId, settlesTurn } from '../../core/index.js'
import type { RunStatus } from '../../core/index.js'
import { mapThrough, pollThrough } from '../../stream/index.js'
import type { OrqEncoderState } from './encode.js'
import { createEncoder, encode, modelId, pendingCall, thoughtSize, usageOf } from './encode.js'
import type { ResponseEncoderState } from './response-encode.js'
import { createResponseEncoder, encodeResponse, openAgentResponse } from './response-encode.js'
import type { DecodedOrqRequest } from './request.js'
import { TaskStream } from './task-stream.js'
import type {
  AgentResponse,
  AgentResponseState,
  AgentStreamEvent,
  RequestMessage,
  ResponseStreamEvent,
  Task,
  TaskMessage,
  TaskState,
} from './wire.js'

/** What the face keeps per task: its latest turn. */
export interface TaskDoc {
  id: string
  agentId: string
  contextId: string
  /** The latest turn's run, and the seq its events follow. */
  runId: string
  afterSeq: number
  workflowRunId: string
  /** The latest turn's input message, as the client sent it. */
  input: RequestMessage
  instructions?: string
  turns: number
  /** Index in the task's conversation of the latest turn's first answer message. */
  firstIndex: number
  startedAt: number
  /** The `/responses` id of the latest turn, when it came through that surface. */
  responseId?: string
  /** A turn that answered a pause: the calls it answered, and its approval decisions. */
  priorCalls?: ToolCall[]
  reviews?: { callId: string; approved: boolean }[]
}

const DOCS = 'orq:tasks'

/** How long a stream may last, as Orq's `stream_timeout_seconds` defaults. */
export const DEFAULT_STREAM_TIMEOUT_SECONDS = 1800

/** The default cadence of thoughts while text streams (`faces.orq.valuesIntervalMs`). */
export const DEFAULT_THOUGHT_INTERVAL_MS = 100
/** Past this many characters of changed messages a thought's interval stretches in proportion (see ACP `values`). */
const THOUGHT_CHARS_PER_INTERVAL = 65_536

export class OrqTasks {
  constructor(
    private readonly runtime: BridgeRuntime,
    private readonly thoughtIntervalMs = DEFAULT_THOUGHT_INTERVAL_MS,
  ) {}

  /** Starts the turn a request asks for: a new task, the next turn of one, or the answer to its pending calls. */
  async turn(agentId: string, request: DecodedOrqRequest, options: { background?: boolean } = {}): Promise<TaskDoc> {
    const { runs, store } = this.runtime
    const startedAt = Date.now()
    const base = { agentId, workflowRunId: newId(), input: request.message, startedAt }
    const instructions = request.input.instructions ? { instructions: request.input.instructions } : {}
    let doc: TaskDoc
    if (!request.taskId) {
      if (request.answersTools) throw notWaiting('A new task')
      const { record } = await runs.start(agentId, request.input, { background: options.background })
      const ids = { id: newId(), contextId: record.contextId, runId: record.runId }
      doc = { ...base, ...instructions, ...ids, afterSeq: 0, turns: 1, firstIndex: 1 }
    } else {
      const previous = await this.get(request.taskId)
      if (previous.agentId !== agentId) {
        throw new BridgeError(
          'invalid_request',
          `Task '${previous.id}' belongs to agent '${previous.agentId}', not '${agentId}'.`,
          { param: 'task_id' },
        )
      }
      const record = await runs.get(previous.runId)
      const status: RunStatus = record.state.status
      if (status === 'queued' || status === 'working' || status === 'auth_required') {
        throw new BridgeError('conflict', `Task '${previous.id}' is still active; continue it once it is inactive.`, {
          param: 'task_id',
        })
      }
      const firstIndex = previous.firstIndex + (await this.answerCount(previous)) + 1
      const common = { ...base, ...instructions, id: previous.id, contextId: previous.contextId }
      const pending = status === 'input_required' ? record.state.pending : undefined
      if (pending) {
        const input: RunInput = { ...request.input, ...answer(previous.id, pending, request) }
        const { afterSeq } = await runs.resume(previous.runId, input).catch((e) => {
          throw e instanceof BridgeError && e.code === 'conflict' ? active(previous.id) : e
        })
        const reviews = input.decisions?.map(({ callId, approved }) => ({ callId, approved }))
        const answered = { priorCalls: pending.calls, ...(reviews?.length ? { reviews } : {}) }
        doc = { ...common, ...answered, runId: previous.runId, afterSeq, turns: previous.turns + 1, firstIndex }
      } else {
        if (request.answersTools) throw notWaiting(`Task '${previous.id}'`)
        const { record: run } = await runs.start(agentId, request.input, {
          contextId: previous.contextId,
          background: options.background,
        })
        doc = { ...common, runId: run.runId, afterSeq: 0, turns: previous.turns + 1, firstIndex }
      }
    }
    await store.putDoc(DOCS, doc.id, doc)
    return doc
  }

  /** Gives the task's latest turn a `/responses` id. */
  async respond(doc: TaskDoc): Promise<TaskDoc> {
    const next = { ...doc, responseId: `resp_${newId()}` }
    await this.runtime.store.putDoc(DOCS, doc.id, next)
    return next
  }

  /** A task of this principal whose latest run still exists, or `not_found`. */
  async get(id: string): Promise<TaskDoc> {
    const { store } = this.runtime
    const doc = await store.getDoc<TaskDoc>(DOCS, id)
    if (!doc || !(await store.getRun(doc.runId))) throw new BridgeError('not_found', `Task '${id}' not found.`)
    return doc
  }

  encoder(doc: TaskDoc, thoughts: 'change' | 'boundary' = 'boundary'): OrqEncoderState {
    return createEncoder({
      taskId: doc.id,
      workflowRunId: doc.workflowRunId,
      agentId: doc.agentId,
      input: doc.input,
      ...(doc.instructions ? { instructions: doc.instructions } : {}),
      continuation: doc.turns > 1,
      firstIndex: doc.firstIndex,
      startedAt: doc.startedAt,
      ...(doc.priorCalls ? { priorCalls: doc.priorCalls } : {}),
      ...(doc.reviews ? { reviews: doc.reviews } : {}),
      thoughts,
    })
  }

  /**
   * The turn's task stream, live: the opening events, then each canonical batch encoded. Thoughts the deltas owe go
   * out at most once per interval (stretched for long messages), and always at a boundary and the turn's end.
   */
  stream(
    doc: TaskDoc,
    signal: AbortSignal,
    timeoutSeconds = DEFAULT_STREAM_TIMEOUT_SECONDS,
  ): AsyncIterable<AgentStreamEvent[]> {
    const interval = this.thoughtIntervalMs
    const runs = this.runtime.runs
    return {
      [Symbol.asyncIterator]: () =>
        new TaskStream(
          this.encoder(doc, interval > 0 ? 'boundary' : 'change'),
          pollThrough(() => runs.events(doc.runId, doc.afterSeq, { signal })),
          { interval, stretch, timeoutSeconds },
        ),
    }
  }

  /** The `/responses` stream of the turn: deltas as they come. */
  responseStream(doc: TaskDoc, signal: AbortSignal): AsyncIterable<ResponseStreamEvent[]> {
    const encoder = this.responseEncoder(doc)
    // A mapping the SSE pump polls, no generator step per batch (see `mapThrough`).
    return mapThrough(() => this.runtime.runs.events(doc.runId, doc.afterSeq, { signal }), {
      first: () => openAgentResponse(encoder),
      map: (batch) => {
        const out: ResponseStreamEvent[] = []
        for (const event of batch) {
          out.push(...encodeResponse(encoder, event))
          if (encoder.done) break
        }
        return out
      },
      stop: () => encoder.done,
    })
  }

  responseEncoder(doc: TaskDoc): ResponseEncoderState {
    return createResponseEncoder({
      responseId: doc.responseId ?? doc.id,
      taskId: doc.id,
      workflowRunId: doc.workflowRunId,
      model: modelId(doc.agentId),
      ...(doc.input.messageId ? { userMessageId: doc.input.messageId } : {}),
      ...(doc.priorCalls ? { priorCalls: doc.priorCalls } : {}),
      ...(doc.reviews ? { reviews: doc.reviews } : {}),
    })
  }

  /** The latest turn folded as it stands, or once it settles when `wait` is given. */
  async fold(doc: TaskDoc, wait?: AbortSignal): Promise<OrqEncoderState> {
    const { runs, store } = this.runtime
    const encoder = this.encoder(doc)
    const batches = wait ? runs.events(doc.runId, doc.afterSeq, { signal: wait }) : store.read(doc.runId, doc.afterSeq)
    for await (const batch of batches) {
      for (const event of batch) {
        encode(encoder, event)
        if (encoder.done || (wait && settlesTurn(event))) return encoder
      }
    }
    return encoder
  }

  /** The task as Orq's Task object; with `messages` (the latest turn's) when the caller waited for it. */
  async task(doc: TaskDoc, options: { wait?: AbortSignal; messages?: boolean } = {}): Promise<Task> {
    const encoder = await this.fold(doc, options.wait)
    const record = await this.runtime.runs.get(doc.runId)
    const answers = answerMessages(encoder).map((m) => ({
      ...m,
      kind: 'message' as const,
      taskId: doc.id,
      contextId: doc.contextId,
    }))
    const last = answers.at(-1)
    const input: TaskMessage = {
      kind: 'message',
      messageId: doc.input.messageId ?? `${doc.workflowRunId}_input`,
      role: doc.input.role,
      parts: doc.input.parts,
      taskId: doc.id,
      contextId: doc.contextId,
    }
    return {
      id: doc.id,
      contextId: doc.contextId,
      kind: 'task',
      status: {
        state: taskState(encoder, record.state.status),
        timestamp: new Date(encoder.now).toISOString(),
        ...(last ? { message: last } : {}),
      },
      ...(options.messages ? { messages: [input, ...answers] } : {}),
      metadata: { workspace_id: 'dialect-bridge', trace_id: doc.workflowRunId, agent_key: doc.agentId },
    }
  }

  /** The latest turn as a `/responses` object (and its status, for `GET`). */
  async response(doc: TaskDoc, wait?: AbortSignal): Promise<AgentResponseState> {
    const encoder = await this.fold(doc, wait)
    const tokens = encoder.usage.inputTokens + encoder.usage.outputTokens > 0
    const reason = encoder.finishReason
    const body: AgentResponse = {
      _id: doc.responseId ?? doc.id,
      task_id: doc.id,
      output: answerMessages(encoder),
      created_at: new Date(doc.startedAt).toISOString(),
      model: modelId(doc.agentId),
      ...(tokens ? { usage: usageOf(encoder.usage) } : {}),
      ...(reason ? { finish_reason: reason } : {}),
      ...(encoder.pending.length ? { pending_tool_calls: encoder.pending.map(pendingCall) } : {}),
    }
    const status = encoder.error ? 'failed' : encoder.done ? 'completed' : 'in_progress'
    // While the turn runs its output is empty: the answer is only whole once it ends.
    if (status === 'in_progress') body.output = []
    return { ...body, status, ...(encoder.error ? { error: encoder.error.message } : {}) }
  }

  /** How many answer messages the turn added to the conversation (the next turn's indexes follow them). */
  private async answerCount(doc: TaskDoc): Promise<number> {
    return (await this.fold(doc)).messages.size
  }
}

/** The answer messages of a folded turn, in conversation order. */
function answerMessages(encoder: OrqEncoderState) {
  return [...encoder.messages.values()]
    .sort((a, b) => a.index - b.index)
    .map(({ message: { messageId, role, parts, metadata } }) => ({
      messageId,
      role,
      parts,
      ...(metadata ? { metadata } : {}),
    }))
}

const stretch = (encoder: OrqEncoderState) => Math.max(1, thoughtSize(encoder) / THOUGHT_CHARS_PER_INTERVAL)

function taskState(encoder: OrqEncoderState, status: RunStatus): TaskState {
  if (encoder.error) return encoder.error.code === 499 ? 'canceled' : 'failed'
  if (encoder.finishReason) return encoder.finishReason === 'function_call' ? 'input-required' : 'completed'
  const states: Record<RunStatus, TaskState> = {
    queued: 'submitted',
    working: 'working',
    input_required: 'input-required',
    auth_required: 'auth-required',
    completed: 'completed',
    failed: 'failed',
    canceled: 'canceled',
  }
  return states[status]
}

const notWaiting = (what: string) =>
  new BridgeError('invalid_request', `${what} is not waiting for tool results; send a user message.`, {
    param: 'message.role',
  })

const active = (id: string) =>
  new BridgeError('conflict', `Task '${id}' is still active; continue it once it is inactive.`, { param: 'task_id' })

/**
 * How a continuation answers the interrupt the task's run waits on: tool results for client tools; for approvals a
 * tool result per call saying `{approved: true|false, reason?}` (or `true`/`false`, `"approved"`/`"rejected"`); for a
 * typed interrupt without calls a tool result to its id; for a question, the user's message.
 */
function answer(taskId: string, pending: PendingInterrupt, request: DecodedOrqRequest): Partial<RunInput> {
  const resume = { interruptId: pending.interruptId }
  if (pending.callIds.length === 0) {
    if (request.results.has(pending.interruptId)) {
      return { toolResults: [], resume: { ...resume, payload: request.results.get(pending.interruptId) } }
    }
    if (!request.answersTools) return { resume }
    throw missing(taskId, pending.interruptId)
  }
  if (!request.answersTools) {
    const calls = pending.callIds.join("', '")
    throw new BridgeError('invalid_request', `Task '${taskId}' waits for tool results for '${calls}'.`, {
      param: 'message.role',
    })
  }
  for (const callId of pending.callIds) if (!request.results.has(callId)) throw missing(taskId, callId)
  if (pending.reason !== 'approval') return { resume }
  const decisions = pending.callIds.map((callId) => ({ callId, ...decision(request.results.get(callId)) }))
  return { toolResults: [], decisions, resume }
}

const missing = (taskId: string, callId: string) =>
  new BridgeError('invalid_request', `Task '${taskId}' waits for a tool_result for tool_call_id '${callId}'.`, {
    param: 'message.parts',
  })

function decision(result: unknown): { approved: boolean; reason?: string } {
  if (typeof result === 'boolean') return { approved: result }
  if (typeof result === 'string') return { approved: /^(approved?|yes|allow(ed)?|true)$/i.test(result.trim()) }
  const r = (result ?? {}) as { approved?: unknown; approve?: unknown; review?: unknown; reason?: unknown }
  const approved = r.approved === true || r.approve === true || r.review === 'approved'
  return { approved, ...(typeof r.reason === 'string' ? { reason: r.reason } : {}) }
}
