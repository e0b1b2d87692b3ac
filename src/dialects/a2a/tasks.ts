// The A2A operations in v1 terms, independent of binding (JSON-RPC or HTTP+JSON) and version: an A2A task is a
// canonical run (taskId = runId), its contextId the run's conversation.
import type { BridgeRuntime } from '../../bridge/face.js'
import type { Message as CanonicalMessage, PendingInterrupt, RunEvent, RunInput, RunStatus } from '../../core/index.js'
import { isTerminalStatus, settlesTurn } from '../../core/index.js'
import type { RunRecord } from '../../store/index.js'
import { foldRun } from '../../store/index.js'
import { mapThrough } from '../../stream/index.js'
import type { DecodedUserMessage } from './decode.js'
import { decodeRequest, ENDS_STREAM } from './decode.js'
import { createEncoder, encode, taskSnapshot } from './encode.js'
import type { TaskEncoderState } from './encode.js'
import { a2aError } from './errors.js'
import { partKind, toA2AMessage } from './parts.js'
import type {
  ListTasksRequest,
  ListTasksResponse,
  Message,
  SendMessageRequest,
  StreamResponse,
  Task,
  TaskState,
} from './wire.js'

const STATE_OF: Record<RunStatus, TaskState> = {
  queued: 'TASK_STATE_SUBMITTED',
  working: 'TASK_STATE_WORKING',
  input_required: 'TASK_STATE_INPUT_REQUIRED',
  auth_required: 'TASK_STATE_AUTH_REQUIRED',
  completed: 'TASK_STATE_COMPLETED',
  failed: 'TASK_STATE_FAILED',
  canceled: 'TASK_STATE_CANCELED',
}

export const taskState = (r: RunRecord): TaskState =>
  r.state.status === 'failed' && r.state.error?.code === 'rejected' ? 'TASK_STATE_REJECTED' : STATE_OF[r.state.status]

export interface Turn {
  record: RunRecord
  /** The task as it stood when the turn began (the first event of a stream). */
  afterSeq: number
}

export class TaskService {
  constructor(private readonly runtime: BridgeRuntime) {}

  /** The run behind a task of this agent, or TaskNotFoundError. */
  async record(agentId: string, taskId: string): Promise<RunRecord> {
    const record = await this.runtime.store.getRun(taskId)
    if (!record || record.agentId !== agentId) throw a2aError('TaskNotFoundError', `Task ${taskId} not found.`, taskId)
    return record
  }

  /** Folds the run's log (up to `untilSeq`) into a task encoder. */
  async encoder(record: RunRecord, untilSeq = Number.POSITIVE_INFINITY): Promise<TaskEncoderState> {
    const state = createEncoder({ taskId: record.runId, contextId: record.contextId })
    return foldRun(this.runtime.store, record.runId, state, encode, untilSeq)
  }

  async getTask(agentId: string, taskId: string, historyLength?: number): Promise<Task> {
    checkHistoryLength(historyLength)
    const record = await this.record(agentId, taskId)
    return taskSnapshot(await this.encoder(record), { historyLength })
  }

  /** Starts a task, or answers the one the message names (its `taskId`). */
  async send(agentId: string, request: SendMessageRequest): Promise<Turn> {
    checkHistoryLength(request.configuration?.historyLength)
    const m = request.message
    if (!m.messageId) throw a2aError('InvalidParamsError', 'message.messageId is required.')
    if (m.role === 'ROLE_AGENT') throw a2aError('InvalidParamsError', 'message.role must be ROLE_USER.')
    if (!m.parts.length || m.parts.some((p) => !partKind(p))) {
      throw a2aError(
        'InvalidParamsError',
        'message.parts must hold at least one part, each with exactly one of text, raw, url or data.',
      )
    }
    const decoded = decodeRequest(m)
    const input: RunInput = {
      input: decoded.message.parts.length ? [decoded.message] : [],
      toolResults: decoded.toolResults,
      decisions: decoded.decisions,
      ...(request.metadata ? { metadata: request.metadata } : {}),
      background: request.configuration?.returnImmediately ?? false,
    }
    if (!m.taskId) {
      return this.runtime.runs.start(agentId, input, {
        ...(m.contextId ? { contextId: m.contextId } : {}),
        background: input.background,
      })
    }
    const record = await this.record(agentId, m.taskId)
    if (m.contextId && m.contextId !== record.contextId) {
      throw a2aError(
        'InvalidParamsError',
        `Task ${m.taskId} belongs to context ${record.contextId}, not ${m.contextId}.`,
        m.taskId,
      )
    }
    if (isTerminalStatus(record.state.status)) {
      throw a2aError(
        'UnsupportedOperationError',
        `Task ${m.taskId} is ${taskState(record)}; send a new message without taskId to go on with the conversation.`,
        m.taskId,
      )
    }
    const pending = record.state.pending
    if (record.state.status !== 'input_required' || !pending) {
      throw a2aError(
        'UnsupportedOperationError',
        `Task ${m.taskId} is still working; it takes a message only when it asks for input.`,
        m.taskId,
      )
    }
    const answered = answer(pending, decoded, input, m.taskId)
    return this.runtime.runs.resume(record.runId, answered)
  }

  /**
   * The task's events as StreamResponse batches: first the task as it stood at `afterSeq`, then what follows,
   * live, until a terminal state or INPUT_REQUIRED (AUTH_REQUIRED keeps the stream open).
   */
  stream(record: RunRecord, afterSeq: number, signal?: AbortSignal): AsyncIterable<StreamResponse[]> {
    const encoder = createEncoder({ taskId: record.runId, contextId: record.contextId })
    let sentSnapshot = false
    let last = 0
    let closed = false
    // A mapping, not a generator: the SSE pump polls it (see `mapThrough`). A batch with nothing to say maps to none.
    return mapThrough(() => this.runtime.runs.events(record.runId, 0, { signal }), {
      map: (batch) => {
        const out: StreamResponse[] = []
        for (const event of batch) {
          if (!sentSnapshot && event.seq > afterSeq) {
            out.push({ task: taskSnapshot(encoder) })
            sentSnapshot = true
          }
          const encoded = encode(encoder, event)
          last = event.seq
          if (event.seq <= afterSeq) continue
          for (const e of encoded) out.push(e)
          if (closesStream(encoded, event)) {
            closed = true
            return out
          }
        }
        if (!sentSnapshot && last >= afterSeq) {
          out.push({ task: taskSnapshot(encoder) })
          sentSnapshot = true
        }
        return out
      },
      stop: () => closed,
    })
  }

  /**
   * The agent's message when it answered directly, keeping no task of its own (the canonical `direct` completion,
   * from an A2A agent's Message reply): a blocking send answers with that Message, as the agent did.
   */
  async directReply(record: RunRecord): Promise<Message | undefined> {
    let reply: CanonicalMessage | undefined
    let direct = false
    for await (const batch of this.runtime.store.read(record.runId, 0)) {
      for (const e of batch) {
        if (e.type === 'message.completed' && e.message.role === 'assistant' && !e.executionId) reply = e.message
        if (e.type === 'run.completed') direct = e.direct === true
      }
    }
    return direct && reply ? toA2AMessage(reply, { contextId: record.contextId }) : undefined
  }

  /** Waits until the turn ends or pauses (AUTH_REQUIRED included), then returns the task. */
  async settle(record: RunRecord, afterSeq: number, historyLength?: number, signal?: AbortSignal): Promise<Task> {
    for await (const batch of this.runtime.runs.events(record.runId, afterSeq, { signal })) {
      if (batch.some(settlesTurn)) break
    }
    return this.getTask(record.agentId, record.runId, historyLength)
  }

  async cancel(agentId: string, taskId: string): Promise<Task> {
    const record = await this.record(agentId, taskId)
    // Canceled already counts as not cancelable (A2A §3.1.5), as completed and failed do.
    if (isTerminalStatus(record.state.status)) {
      throw a2aError('TaskNotCancelableError', `Task ${taskId} is ${taskState(record)} and cannot be canceled.`, taskId)
    }
    await this.runtime.runs.cancel(taskId, 'canceled through A2A').catch((e: unknown) => {
      if (!(e instanceof Error && 'code' in e && e.code === 'not_cancelable')) throw e
    })
    return this.getTask(agentId, taskId)
  }

  async list(agentId: string, q: ListTasksRequest): Promise<ListTasksResponse> {
    checkHistoryLength(q.historyLength)
    const pageSize = q.pageSize ?? 50
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      throw a2aError('InvalidParamsError', 'pageSize must be between 1 and 100.')
    const offset = q.pageToken ? Number(q.pageToken) : 0
    if (!Number.isInteger(offset) || offset < 0)
      throw a2aError('InvalidParamsError', `pageToken '${q.pageToken}' is not one this server gave out.`)
    const after = q.statusTimestampAfter ? Date.parse(q.statusTimestampAfter) : undefined
    if (after !== undefined && Number.isNaN(after))
      throw a2aError('InvalidParamsError', 'statusTimestampAfter must be an ISO 8601 timestamp.')
    const matches = (await this.runtime.store.listRuns({ agentId, ...(q.contextId ? { contextId: q.contextId } : {}) }))
      .filter(
        (r) =>
          (!q.status || q.status === 'TASK_STATE_UNSPECIFIED' || taskState(r) === q.status) &&
          (after === undefined || r.updatedAt >= after),
      )
      .sort((a, b) => b.updatedAt - a.updatedAt)
    const page = matches.slice(offset, offset + pageSize)
    const tasks: Task[] = []
    for (const r of page) {
      tasks.push(
        taskSnapshot(await this.encoder(r), {
          historyLength: q.historyLength,
          includeArtifacts: q.includeArtifacts ?? false,
        }),
      )
    }
    const next = offset + pageSize < matches.length ? String(offset + pageSize) : ''
    return { tasks, nextPageToken: next, pageSize, totalSize: matches.length }
  }

  /** A live view of an existing task: its current snapshot, then what happens next. */
  async subscribe(agentId: string, taskId: string): Promise<{ record: RunRecord; afterSeq: number }> {
    const record = await this.record(agentId, taskId)
    if (isTerminalStatus(record.state.status)) {
      throw a2aError(
        'UnsupportedOperationError',
        `Task ${taskId} is ${taskState(record)}; there is nothing left to subscribe to.`,
        taskId,
      )
    }
    return { record, afterSeq: record.state.lastSeq }
  }
}

/** `historyLength`: unset (all), 0 (none) or N > 0 (the last N); nothing else. */
function checkHistoryLength(n: number | undefined) {
  if (n !== undefined && (!Number.isInteger(n) || n < 0))
    throw a2aError('InvalidParamsError', `historyLength must be a non-negative integer, not ${n}.`)
}

const closesStream = (encoded: StreamResponse[], event: RunEvent): boolean =>
  encoded.some((e) => 'statusUpdate' in e && ENDS_STREAM(e.statusUpdate.status.state)) || event.type === 'run.canceled'

const YES = /^\s*(y|yes|approve|approved|ok|okay|true)\s*[.!]?\s*$/i
const NO = /^\s*(n|no|deny|denied|reject|rejected|false)\s*[.!]?\s*$/i

/**
 * How a follow-up message answers the interrupt its task waits on. Data parts of the extension are exact; a
 * plain client may also answer a single tool call with text (its output), an approval with yes/no or a data part
 * `{approved}`, and a question with text.
 */
function answer(pending: PendingInterrupt, decoded: DecodedUserMessage, input: RunInput, taskId: string): RunInput {
  const toolResults = [...(input.toolResults ?? [])]
  const decisions = [...(input.decisions ?? [])]
  const single = pending.callIds.length === 1 ? pending.callIds[0] : undefined
  for (const callId of pending.callIds) {
    if (toolResults.some((r) => r.callId === callId) || decisions.some((d) => d.callId === callId)) continue
    const approved = approval(decoded)
    if (callId === single && pending.reason === 'approval' && approved !== undefined) {
      decisions.push({ callId, approved })
      continue
    }
    if (callId === single && pending.reason === 'client_tool' && decoded.text) {
      toolResults.push({ callId, output: decoded.text })
      continue
    }
    const what = pending.reason === 'approval' ? 'an approval decision' : 'the output'
    throw a2aError(
      'InvalidParamsError',
      `Task ${taskId} waits for ${what} of call ${callId}; see the INPUT_REQUIRED status message.`,
      taskId,
    )
  }
  if (pending.callIds.length === 0 && !decoded.text && decoded.data.length === 0) {
    throw a2aError('InvalidParamsError', `Task ${taskId} waits for an answer: send text, or a data part.`, taskId)
  }
  const payload = pending.callIds.length === 0 ? decoded.data[0] : undefined
  return {
    ...input,
    toolResults,
    decisions,
    resume: { interruptId: pending.interruptId, ...(payload !== undefined ? { payload } : {}) },
  }
}

function approval(decoded: DecodedUserMessage): boolean | undefined {
  for (const d of decoded.data) {
    if (typeof d === 'object' && d !== null && typeof (d as { approved?: unknown }).approved === 'boolean')
      return (d as { approved: boolean }).approved
  }
  if (YES.test(decoded.text)) return true
  if (NO.test(decoded.text)) return false
  return undefined
}
