// A2A v1 → canonical. The stream decoder turns an upstream's StreamResponses into AgentEvents (v0.3 events are
// lifted to v1 first, in compat.ts); the request decoder splits a client's message into input and answers.
import type {
  AgentEvent,
  ApprovalDecision,
  InterruptReason,
  Message as CanonicalMessage,
  Part as CanonicalPart,
  ToolResult,
} from '../../core/index.js'
import { newId } from '../../core/index.js'
import type { ExtMetadata } from './ext.js'
import { EXTENSION_URI, extOf, MEDIA } from './ext.js'
import { fromA2AMessage, fromA2APart } from './parts.js'
import type {
  Artifact,
  Message,
  Part,
  StreamResponse,
  Task,
  TaskArtifactUpdateEvent,
  TaskState,
  TaskStatus,
} from './wire.js'

interface ArtifactState {
  /** Set when the artifact carries an assistant message (our extension), rather than a file. */
  messageId?: string
  text: string
  parts: CanonicalPart[]
  name?: string
  description?: string
  metadata?: Record<string, unknown>
  open: boolean
}

export interface A2ADecoderState {
  taskId?: string
  contextId?: string
  state?: TaskState
  /** The timestamp of the state last decoded: a snapshot with the same state and time has nothing new. */
  stateTime?: string
  /** A task this turn continues: its first snapshot is the state before the turn, taken in without events. */
  resumes?: string
  working: boolean
  artifacts: Record<string, ArtifactState>
  /** The turn is over: a terminal state, INPUT_REQUIRED, or a message-only answer. */
  done: boolean
  /** An answer (a message artifact) came in this turn: a COMPLETED status message is then not the answer. */
  answered?: boolean
}

export interface A2ADecoderInit {
  /** A task this turn continues (its first snapshot is the state before the turn). */
  resumes?: string
}

export const createDecoder = (options: A2ADecoderInit = {}): A2ADecoderState => ({
  working: false,
  artifacts: {},
  done: false,
  ...(options.resumes ? { resumes: options.resumes } : {}),
})

export const TERMINAL_STATES: readonly TaskState[] = [
  'TASK_STATE_COMPLETED',
  'TASK_STATE_FAILED',
  'TASK_STATE_CANCELED',
  'TASK_STATE_REJECTED',
]
export const ENDS_STREAM = (state: TaskState | undefined): boolean =>
  state !== undefined && (TERMINAL_STATES.includes(state) || state === 'TASK_STATE_INPUT_REQUIRED')

/** Decodes one StreamResponse. A repeated task snapshot (after re-subscribing) yields only what is new. */
export function decode(s: A2ADecoderState, e: StreamResponse): AgentEvent[] {
  if (s.done && !('task' in e)) return []
  if ('task' in e) return decodeTask(s, e.task)
  if ('message' in e) return decodeMessageAnswer(s, e.message)
  if ('statusUpdate' in e) {
    s.taskId ??= e.statusUpdate.taskId
    s.contextId ??= e.statusUpdate.contextId
    return decodeStatus(s, e.statusUpdate.status, e.statusUpdate.metadata)
  }
  return decodeArtifactUpdate(s, e.artifactUpdate)
}

function decodeTask(s: A2ADecoderState, task: Task): AgentEvent[] {
  s.taskId = task.id
  s.contextId = task.contextId ?? s.contextId
  if (s.resumes === task.id) {
    s.resumes = undefined
    prime(s, task)
    return []
  }
  const out: AgentEvent[] = []
  // What the snapshot has beyond what was streamed so far: new artifacts, and the rest of growing ones.
  for (const artifact of task.artifacts ?? []) out.push(...catchUp(s, artifact))
  if (task.status.state !== s.state || task.status.timestamp !== s.stateTime)
    out.push(...decodeStatus(s, task.status, task.metadata))
  return out
}

/** Takes in what a task already holds (from an earlier turn) as known, so only what follows is decoded. */
function prime(s: A2ADecoderState, task: Task) {
  s.state = task.status.state
  s.stateTime = task.status.timestamp
  for (const a of task.artifacts ?? []) {
    s.artifacts[a.artifactId] = { text: textOf(a.parts), parts: a.parts.map(fromA2APart), open: false }
  }
}

function catchUp(s: A2ADecoderState, artifact: Artifact): AgentEvent[] {
  const known = s.artifacts[artifact.artifactId]
  if (!known)
    return decodeArtifactUpdate(s, { taskId: s.taskId ?? '', contextId: s.contextId ?? '', artifact, lastChunk: true })
  const text = textOf(artifact.parts)
  if (!known.open || text.length <= known.text.length || !text.startsWith(known.text)) return []
  return decodeArtifactUpdate(s, {
    taskId: s.taskId ?? '',
    contextId: s.contextId ?? '',
    artifact: { artifactId: artifact.artifactId, parts: [{ text: text.slice(known.text.length) }] },
    append: true,
  })
}

const textOf = (parts: Part[]) => parts.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join('')

const working = (s: A2ADecoderState): AgentEvent[] => {
  if (s.working) return []
  s.working = true
  return [{ type: 'run.status', status: 'working' }]
}

type StatusHandler = (s: A2ADecoderState, status: TaskStatus, ext: ExtMetadata) => AgentEvent[]

/** One row per task state, as in the README's A2A mapping table. */
const statusHandlers: Record<TaskState, StatusHandler> = {
  TASK_STATE_UNSPECIFIED: (s) => {
    s.done = true
    return [
      { type: 'run.failed', error: { code: 'upstream_failed', message: 'The agent reported an unknown task state.' } },
    ]
  },
  TASK_STATE_SUBMITTED: () => [],
  TASK_STATE_WORKING: (s, status, ext) => [...working(s), ...progress(s, status.message, ext)],
  TASK_STATE_INPUT_REQUIRED: (s, status, ext) => {
    s.done = true
    s.working = false
    return [...usage(ext), ...interrupt(s, status, ext, 'input'), { type: 'run.status', status: 'input_required' }]
  },
  TASK_STATE_AUTH_REQUIRED: (s, status, ext) => {
    s.working = false
    return [
      ...usage(ext),
      ...interrupt(s, status, ext, 'auth'),
      { type: 'run.status', status: 'auth_required', ...statusMessage(status) },
    ]
  },
  TASK_STATE_COMPLETED: (s, status, ext) => {
    s.done = true
    // Many agents put the answer in the final status message rather than in an artifact: then it is the answer.
    const answer = !s.answered && status.message ? answerEvents(status.message) : []
    return [
      ...closeArtifacts(s),
      ...answer,
      ...usage(ext),
      {
        type: 'run.completed',
        ...(ext.incomplete ? { incomplete: ext.incomplete } : {}),
        ...(ext.direct ? { direct: true } : {}),
      },
    ]
  },
  TASK_STATE_FAILED: (s, status, ext) => {
    s.done = true
    const message = (status.message && textOf(status.message.parts)) || 'The agent failed.'
    return [
      ...closeArtifacts(s),
      ...usage(ext),
      { type: 'run.failed', error: { code: ext.error?.code ?? 'upstream_failed', message } },
    ]
  },
  TASK_STATE_REJECTED: (s, status, ext) => {
    s.done = true
    const message = (status.message && textOf(status.message.parts)) || 'The agent rejected the task.'
    return [...closeArtifacts(s), ...usage(ext), { type: 'run.failed', error: { code: 'rejected', message } }]
  },
  TASK_STATE_CANCELED: (s, status, ext) => {
    s.done = true
    const reason = status.message && textOf(status.message.parts)
    return [...closeArtifacts(s), ...usage(ext), { type: 'run.canceled', ...(reason ? { reason } : {}) }]
  },
}

function decodeStatus(
  s: A2ADecoderState,
  status: TaskStatus,
  metadata: Record<string, unknown> | undefined,
): AgentEvent[] {
  s.state = status.state
  s.stateTime = status.timestamp
  const ext = { ...extOf(metadata), ...extOf(status.message?.metadata) }
  return statusHandlers[status.state](s, status, ext)
}

const statusMessage = (status: TaskStatus): { message?: CanonicalMessage } =>
  status.message ? { message: fromA2AMessage(status.message) } : {}

function usage(ext: ExtMetadata): AgentEvent[] {
  const u = ext.usage
  if (!u || u.inputTokens + u.outputTokens + u.reasoningTokens + u.cachedTokens === 0) return []
  return [
    {
      type: 'usage',
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      reasoningTokens: u.reasoningTokens,
      cachedTokens: u.cachedTokens,
      ...(u.cacheWriteTokens !== undefined ? { cacheWriteTokens: u.cacheWriteTokens } : {}),
      ...(u.costUsd !== undefined ? { costUsd: u.costUsd } : {}),
    },
  ]
}

const dataOf = (p: Part, mediaType: string): Record<string, unknown> | undefined =>
  p.mediaType === mediaType && 'data' in p && typeof p.data === 'object' && p.data !== null
    ? (p.data as Record<string, unknown>)
    : undefined

const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null))

/** A WORKING status message: the agent's own tool calls and results, reasoning, sub-agent news, or commentary. */
function progress(_s: A2ADecoderState, message: Message | undefined, ext: ExtMetadata): AgentEvent[] {
  const exec = ext.executionId ? { executionId: ext.executionId } : {}
  const out: AgentEvent[] = []
  if (ext.agent?.event === 'started') {
    const a = ext.agent
    out.push({
      type: 'agent.started',
      executionId: a.executionId,
      name: a.name ?? 'agent',
      ...(a.parentExecutionId ? { parentExecutionId: a.parentExecutionId } : {}),
      ...(a.callId ? { callId: a.callId } : {}),
    })
  }
  if (ext.agent?.event === 'completed') {
    const a = ext.agent
    out.push({
      type: 'agent.completed',
      executionId: a.executionId,
      ...(a.name ? { name: a.name } : {}),
      ...(a.error ? { error: a.error } : {}),
    })
  }
  if (!message) return out
  const rest: Part[] = []
  for (const p of message.parts) {
    const call = dataOf(p, MEDIA.toolCall)
    const result = dataOf(p, MEDIA.toolResult)
    if (call) {
      const callId = str(call.call_id)
      const tool = { clientSide: false, ...(typeof call.server === 'string' ? { server: call.server } : {}) }
      out.push({ type: 'tool.call.started', callId, name: str(call.name), tool, ...exec })
      out.push({
        type: 'tool.call.completed',
        callId,
        name: str(call.name),
        arguments: str(call.arguments),
        tool,
        ...exec,
      })
    } else if (result) {
      const output = Array.isArray(result.output) ? (result.output as Part[]).map(fromA2APart) : str(result.output)
      out.push({
        type: 'tool.result',
        callId: str(result.call_id),
        output,
        ...(result.is_error ? { isError: true } : {}),
        ...exec,
      })
    } else rest.push(p)
  }
  if (rest.length === 0) return out
  const messageId = ext.messageId ?? message.messageId
  const text = textOf(rest)
  if (ext.kind === 'reasoning') {
    out.push({ type: 'message.started', messageId, role: 'assistant', ...exec })
    out.push({ type: 'message.delta', messageId, delta: text, channel: 'reasoning', ...exec })
    out.push({
      type: 'message.completed',
      message: { id: messageId, role: 'assistant', parts: [], reasoning: text, ...exec },
      ...exec,
    })
    return out
  }
  if (ext.kind !== 'commentary') {
    // Progress an agent reports in its WORKING status ("working…", "looking it up"): the run's status, never a part
    // of the answer (a client that joins every message's text would glue it to the answer).
    out.push({ type: 'run.status', status: 'working', message: fromA2AMessage({ ...message, parts: rest }), ...exec })
    return out
  }
  // Commentary (a bridge's own: sub-agent chatter) is a message of its own next to the answer.
  out.push({ type: 'message.started', messageId, role: 'assistant', phase: 'commentary', ...exec })
  if (text) out.push({ type: 'message.delta', messageId, delta: text, channel: 'output', ...exec })
  out.push({
    type: 'message.completed',
    message: { id: messageId, role: 'assistant', parts: rest.map(fromA2APart), phase: 'commentary', ...exec },
    ...exec,
  })
  return out
}

/** INPUT_REQUIRED / AUTH_REQUIRED: what the agent asks for, read from the status message. */
function interrupt(s: A2ADecoderState, status: TaskStatus, ext: ExtMetadata, fallback: InterruptReason): AgentEvent[] {
  const out: AgentEvent[] = []
  const callIds: string[] = []
  let reason: InterruptReason = fallback
  let payload: unknown
  let interruptType = ext.interrupt?.interruptType
  const question: Part[] = []
  for (const p of status.message?.parts ?? []) {
    const fc = dataOf(p, MEDIA.functionCall)
    const ar = dataOf(p, MEDIA.approvalRequest)
    const ir = dataOf(p, MEDIA.interrupt)
    if (fc) {
      const callId = str(fc.call_id)
      const tool = { clientSide: true }
      out.push({ type: 'tool.call.started', callId, name: str(fc.name), tool })
      out.push({ type: 'tool.call.completed', callId, name: str(fc.name), arguments: str(fc.arguments), tool })
      callIds.push(callId)
      reason = 'client_tool'
    } else if (ar) {
      const callId = str(ar.call_id)
      const tool = {
        clientSide: false,
        approvalRequired: true,
        ...(typeof ar.server === 'string' ? { server: ar.server } : {}),
      }
      out.push({ type: 'tool.call.started', callId, name: str(ar.name), tool })
      out.push({ type: 'tool.call.completed', callId, name: str(ar.name), arguments: str(ar.arguments), tool })
      callIds.push(callId)
      if (reason !== 'client_tool') reason = 'approval'
    } else if (ir) {
      payload = ir.payload
      if (typeof ir.type === 'string') interruptType ??= ir.type
    } else question.push(p)
  }
  const known = ext.interrupt
  const message: CanonicalMessage | undefined =
    question.length && status.message
      ? { id: status.message.messageId, role: 'assistant', parts: question.map(fromA2APart) }
      : undefined
  out.push({
    type: 'interrupt',
    interruptId: known?.interruptId ?? `${s.taskId ?? 'task'}:${status.message?.messageId ?? newId()}`,
    reason: (known?.reason as InterruptReason | undefined) ?? reason,
    callIds: known?.callIds ?? callIds,
    ...(message ? { message } : {}),
    ...(interruptType ? { interruptType } : {}),
    ...(payload !== undefined ? { payload } : {}),
    ...(known?.payloadSchema ? { payloadSchema: known.payloadSchema } : {}),
    ...(known?.resumeSchema ? { resumeSchema: known.resumeSchema } : {}),
  })
  return out
}

/** An agent's message as the answer: started, its text as one delta, completed. */
function answerEvents(m: Message): AgentEvent[] {
  const message = fromA2AMessage(m)
  const text = textOf(m.parts)
  if (!text && !message.parts.length) return []
  return [
    { type: 'message.started', messageId: message.id, role: 'assistant' },
    ...(text
      ? [{ type: 'message.delta' as const, messageId: message.id, delta: text, channel: 'output' as const }]
      : []),
    { type: 'message.completed', message: { ...message, role: 'assistant' } },
  ]
}

/** A message as the whole answer (no task): it is the turn, and it is over. */
function decodeMessageAnswer(s: A2ADecoderState, m: Message): AgentEvent[] {
  s.done = true
  return [...working(s), ...answerEvents(m), { type: 'run.completed', direct: true }]
}

function decodeArtifactUpdate(s: A2ADecoderState, e: TaskArtifactUpdateEvent): AgentEvent[] {
  const a = e.artifact
  const ext = extOf(a.metadata)
  // Only an artifact with text answers the turn: a file or an empty chunk leaves the final status message the answer.
  if (a.parts.some((p) => typeof (p as { text?: unknown }).text === 'string' && (p as { text: string }).text)) {
    s.answered = true
  }
  let known = s.artifacts[a.artifactId]
  const out: AgentEvent[] = [...working(s)]
  if (!known || !e.append) {
    if (known?.messageId && known.open) out.push(...closeMessage(known))
    const metadata = withoutExt(a.metadata)
    known = {
      ...(ext.kind === 'message' ? { messageId: ext.messageId ?? a.artifactId } : {}),
      text: '',
      parts: [],
      ...(a.name ? { name: a.name } : {}),
      ...(a.description ? { description: a.description } : {}),
      ...(metadata ? { metadata } : {}),
      open: true,
    }
    s.artifacts[a.artifactId] = known
    if (known.messageId)
      out.push({ type: 'message.started', messageId: known.messageId, role: 'assistant', ...exec(ext) })
  }
  const parts = a.parts.map(fromA2APart)
  for (const p of parts) {
    if (p.type === 'text') known.text += p.text
    const last = known.parts.at(-1)
    if (p.type === 'text' && last?.type === 'text' && !p.metadata) last.text += p.text
    else known.parts.push(p.type === 'text' ? { ...p } : p)
  }
  if (known.messageId) {
    for (const p of parts)
      if (p.type === 'text' && p.text)
        out.push({ type: 'message.delta', messageId: known.messageId, delta: p.text, channel: 'output', ...exec(ext) })
    if (e.lastChunk) out.push(...closeMessage(known))
    return out
  }
  out.push({
    type: 'artifact.delta',
    artifactId: a.artifactId,
    ...(known.name ? { name: known.name } : {}),
    ...(known.description ? { description: known.description } : {}),
    parts,
    append: e.append ?? false,
    lastChunk: e.lastChunk ?? false,
    ...(known.metadata ? { metadata: known.metadata } : {}),
    ...exec(ext),
  })
  if (e.lastChunk) out.push(closeArtifact(a.artifactId, known))
  return out
}

const exec = (ext: ExtMetadata) => (ext.executionId ? { executionId: ext.executionId } : {})

function withoutExt(metadata: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!metadata) return undefined
  const { [EXTENSION_URI]: _, ...rest } = metadata
  return Object.keys(rest).length ? rest : undefined
}

function closeMessage(known: ArtifactState): AgentEvent[] {
  known.open = false
  const id = known.messageId ?? ''
  return [
    {
      type: 'message.completed',
      message: { id, role: 'assistant', parts: known.parts.filter((p) => p.type !== 'text' || p.text !== '') },
    },
  ]
}

function closeArtifact(artifactId: string, known: ArtifactState): AgentEvent {
  known.open = false
  return {
    type: 'artifact.completed',
    artifact: {
      artifactId,
      ...(known.name ? { name: known.name } : {}),
      ...(known.description ? { description: known.description } : {}),
      parts: known.parts,
      ...(known.metadata ? { metadata: known.metadata } : {}),
    },
  }
}

/** Artifacts still open when the task ends are complete as they stand. */
function closeArtifacts(s: A2ADecoderState): AgentEvent[] {
  return Object.entries(s.artifacts).flatMap(([id, known]) =>
    known.open ? (known.messageId ? closeMessage(known) : [closeArtifact(id, known)]) : [],
  )
}

/** A client's message split into what the agent reads (its parts) and answers to a pending interrupt. */
export interface DecodedUserMessage {
  message: CanonicalMessage
  toolResults: ToolResult[]
  decisions: ApprovalDecision[]
  /** Structured data parts outside the extension: a resume payload when the run waits on a typed interrupt. */
  data: unknown[]
  text: string
}

export function decodeRequest(m: Message): DecodedUserMessage {
  const toolResults: ToolResult[] = []
  const decisions: ApprovalDecision[] = []
  const data: unknown[] = []
  const kept: Part[] = []
  for (const p of m.parts) {
    const out = dataOf(p, MEDIA.functionCallOutput)
    const decision = dataOf(p, MEDIA.approvalResponse)
    if (out) {
      const output = Array.isArray(out.output) ? (out.output as Part[]).map(fromA2APart) : str(out.output)
      toolResults.push({ callId: str(out.call_id), output, ...(out.is_error ? { isError: true } : {}) })
      continue
    }
    if (decision) {
      decisions.push({
        callId: str(decision.call_id),
        approved: decision.approved === true,
        ...(typeof decision.reason === 'string' ? { reason: decision.reason } : {}),
      })
      continue
    }
    if ('data' in p) data.push(p.data)
    kept.push(p)
  }
  const message: CanonicalMessage = { ...fromA2AMessage({ ...m, parts: kept }), role: 'user' }
  return { message, toolResults, decisions, data, text: textOf(kept) }
}
