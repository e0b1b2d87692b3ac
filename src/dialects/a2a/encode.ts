// Canonical → A2A v1. The task encoder turns a run's events into StreamResponses (and keeps the Task they add up
// to); the request encoder turns a RunRequest into a SendMessageRequest for an upstream A2A agent.
// v0.3 shapes are derived from these at the edge (compat.ts).
import type {
  EventOf,
  InterruptReason,
  RunEvent,
  RunEventType,
  RunRequest,
  ToolCall,
  ToolInfo,
} from '../../core/index.js'
import { addUsage, cloneData, emptyUsage, keysAre, newId, refusalAsText, textOf } from '../../core/index.js'
import type { ExtMetadata } from './ext.js'
import { EXTENSION_URI, MEDIA, withExt } from './ext.js'
import { toA2AMessage, toA2APart } from './parts.js'
import type { Artifact, Message, Part, SendMessageRequest, StreamResponse, Task, TaskState } from './wire.js'

interface CallState extends ToolCall {
  announced?: boolean
}

interface TextState {
  /** Streamed as an artifact (the answer) or held for a status message (commentary, reasoning). */
  artifact: boolean
  open: boolean
  text: string
  reasoning: string
  reasoningSent?: boolean
  executionId?: string
}

export interface TaskEncoderState {
  task: Task
  taskId: string
  contextId: string
  texts: Record<string, TextState>
  calls: Record<string, CallState>
  children: string[]
  interrupt?: EventOf<'interrupt'>
  usage: NonNullable<ExtMetadata['usage']>
  /** The task reached a terminal state. */
  done: boolean
  /** Artifacts streamed whose last chunk has not gone out yet. */
  openArtifacts: Set<string>
}

export interface TaskEncoderInit {
  taskId: string
  contextId: string
}

export function createEncoder(ids: TaskEncoderInit): TaskEncoderState {
  return {
    task: {
      id: ids.taskId,
      contextId: ids.contextId,
      status: { state: 'TASK_STATE_SUBMITTED' },
      artifacts: [],
      history: [],
    },
    taskId: ids.taskId,
    contextId: ids.contextId,
    texts: {},
    calls: {},
    children: [],
    usage: emptyUsage(),
    done: false,
    openArtifacts: new Set(),
  }
}

/** Encodes one canonical event of the run. The returned events are already folded into `state.task`. */
export function encode(state: TaskEncoderState, event: RunEvent): StreamResponse[] {
  const out: StreamResponse[] = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, (e) => {
    applyToTask(state.task, e)
    out.push(e)
  })
  return out
}

/** A copy of the task as A2A returns it: `historyLength` 0 drops the history, N keeps the last N messages. */
export function taskSnapshot(
  state: TaskEncoderState,
  options: { historyLength?: number; includeArtifacts?: boolean } = {},
): Task {
  const task = cloneData(state.task)
  if (options.historyLength !== undefined) {
    if (options.historyLength <= 0) delete task.history
    else task.history = task.history?.slice(-options.historyLength)
  }
  if (options.includeArtifacts === false) delete task.artifacts
  return task
}

/**
 * The fold every A2A receiver does: a Task from the StreamResponses of its lifecycle. Events are shared, not copied
 * (one per text chunk would cost more than the encoding): the fold never changes what an event holds, and the only
 * thing it changes in the task, an artifact's parts, are copies of the events' parts.
 */
export function applyToTask(task: Task, e: StreamResponse): void {
  if ('task' in e) {
    Object.assign(task, cloneData(e.task))
  } else if ('statusUpdate' in e) {
    task.status = e.statusUpdate.status
    if (e.statusUpdate.status.message) (task.history ??= []).push(e.statusUpdate.status.message)
    if (e.statusUpdate.metadata) task.metadata = { ...task.metadata, ...e.statusUpdate.metadata }
  } else if ('artifactUpdate' in e) {
    const update = e.artifactUpdate
    const artifacts = (task.artifacts ??= [])
    const at = artifacts.findIndex((a) => a.artifactId === update.artifact.artifactId)
    // A chunk that continues an artifact (most of them) is folded in; only a new or replacing one is copied whole.
    if (at < 0) artifacts.push(artifactCopy(update.artifact))
    else if (!update.append) artifacts[at] = artifactCopy(update.artifact)
    else appendParts(artifacts[at] as Artifact, update.artifact)
  } else if ('message' in e) {
    ;(task.history ??= []).push(e.message)
  }
}

const artifactCopy = (artifact: Artifact): Artifact => ({ ...artifact, parts: artifact.parts.map((p) => ({ ...p })) })

/** Text chunks join the last text part (so a streamed answer reads as one part); other parts are added, as copies. */
function appendParts(target: Artifact, incoming: Artifact) {
  for (const part of incoming.parts) {
    const last = target.parts.at(-1)
    if (last && 'text' in last && 'text' in part && !part.metadata && !part.mediaType) last.text += part.text
    else target.parts.push({ ...part })
  }
  if (incoming.name) target.name = incoming.name
  if (incoming.description) target.description = incoming.description
  if (incoming.metadata) target.metadata = { ...target.metadata, ...incoming.metadata }
}

type Out = (e: StreamResponse) => void
type Handler<T extends RunEventType> = (s: TaskEncoderState, e: EventOf<T>, out: Out) => void

const iso = (ms: number) => new Date(ms).toISOString()

function status(
  s: TaskEncoderState,
  state: TaskState,
  time: number,
  extra: { message?: Message; metadata?: Record<string, unknown> } = {},
): StreamResponse {
  return {
    statusUpdate: {
      taskId: s.taskId,
      contextId: s.contextId,
      status: { state, ...(extra.message ? { message: extra.message } : {}), timestamp: iso(time) },
      ...(extra.metadata ? { metadata: extra.metadata } : {}),
    },
  }
}

/** An agent message. Ids derive from what the message is about, so replaying a run's log gives the same task. */
const agentMessage = (s: TaskEncoderState, id: string, parts: Part[], ext?: ExtMetadata): Message => ({
  messageId: id,
  contextId: s.contextId,
  taskId: s.taskId,
  role: 'ROLE_AGENT',
  parts,
  ...(ext ? { metadata: withExt(ext) } : {}),
})

const dataPart = (mediaType: string, data: unknown): Part => ({ data, mediaType })

const isChild = (s: TaskEncoderState, executionId: string | undefined) =>
  executionId !== undefined && s.children.includes(executionId)

function textState(
  s: TaskEncoderState,
  messageId: string,
  phase: string | undefined,
  executionId: string | undefined,
): TextState {
  return (s.texts[messageId] ??= {
    artifact: phase !== 'commentary' && !isChild(s, executionId),
    open: false,
    text: '',
    reasoning: '',
    ...(executionId ? { executionId } : {}),
  })
}

/** A chunk of a message streamed as an artifact (`artifactId` = message id); the first chunk opens it. */
function artifactChunk(s: TaskEncoderState, messageId: string, parts: Part[], last: boolean): StreamResponse {
  const t = s.texts[messageId]
  const append = t?.open ?? false
  if (t) t.open = !last
  const { taskId, contextId } = s
  // A chunk that continues the artifact, most of any stream, is built as one literal: spreading the optional fields
  // in costs V8 an object copy each.
  if (append && !last)
    return { artifactUpdate: { taskId, contextId, artifact: { artifactId: messageId, parts }, append } }
  return {
    artifactUpdate: {
      taskId,
      contextId,
      artifact: {
        artifactId: messageId,
        parts,
        ...(append ? {} : { metadata: withExt({ kind: 'message', messageId }) }),
      },
      ...(append ? { append: true } : {}),
      ...(last ? { lastChunk: true } : {}),
    },
  }
}

/** One row per canonical event; README's A2A mapping table mirrors it. */
const handlers: { [T in RunEventType]: Handler<T> } = {
  'run.created': (s, e) => {
    s.task.status.timestamp = iso(e.time)
  },
  'run.status': (s, e, out) => {
    if (e.status === 'working') {
      s.interrupt = undefined
      // Progress text rides on a WORKING status of its own; without it, one WORKING is enough.
      if (e.message) out(status(s, 'TASK_STATE_WORKING', e.time, { message: toA2AMessage(e.message, s) }))
      else if (s.task.status.state !== 'TASK_STATE_WORKING') out(status(s, 'TASK_STATE_WORKING', e.time))
      return
    }
    const pending = s.interrupt
    const state = e.status === 'auth_required' ? 'TASK_STATE_AUTH_REQUIRED' : 'TASK_STATE_INPUT_REQUIRED'
    const message = pending ? interruptMessage(s, pending) : e.message ? toA2AMessage(e.message, s) : undefined
    out(status(s, state, e.time, { ...(message ? { message } : {}), metadata: withExt({ usage: turnUsage(s) }) }))
  },
  'message.started': (s, e) => {
    if (e.role === 'assistant') textState(s, e.messageId, e.phase, e.executionId)
  },
  'message.delta': (s, e, out) => {
    const t = textState(s, e.messageId, undefined, e.executionId)
    if (e.channel === 'reasoning') {
      t.reasoning += e.delta
      return
    }
    // Reasoning goes out (as a status message) before the answer it led to.
    if (t.reasoning && t.artifact) out(reasoningStatus(s, e.messageId, t, e.time))
    t.text += e.delta
    if (t.artifact) out(artifactChunk(s, e.messageId, [{ text: e.delta }], false))
  },
  'message.completed': (s, e, out) => {
    const m = refusalAsText(e.message)
    if (m.role !== 'assistant') {
      ;(s.task.history ??= []).push(toA2AMessage(m, s))
      return
    }
    const executionId = e.executionId ?? m.executionId
    const t = textState(s, m.id, m.phase, executionId)
    const exec = executionId ? { executionId } : {}
    if (m.reasoning && !t.text && !t.reasoningSent) t.reasoning = m.reasoning
    if (t.reasoning) out(reasoningStatus(s, m.id, t, e.time))
    const text = textOf(m.parts)
    const others = m.parts.filter((p) => p.type !== 'text').map(toA2APart)
    if (!t.artifact) {
      const parts: Part[] = [...(text ? [{ text }] : []), ...others]
      if (parts.length)
        out(
          status(s, 'TASK_STATE_WORKING', e.time, {
            message: agentMessage(s, m.id, parts, { kind: 'commentary', messageId: m.id, ...exec }),
          }),
        )
    } else {
      const rest = text.startsWith(t.text) ? text.slice(t.text.length) : ''
      // The closing chunk carries what is left: unsent text, the non-text parts, or else an empty text part.
      if (t.open || rest || others.length)
        out(artifactChunk(s, m.id, [...(rest || !others.length ? [{ text: rest }] : []), ...others], true))
    }
    delete s.texts[m.id]
  },
  'tool.call.started': (s, e) => {
    s.calls[e.callId] = { callId: e.callId, name: e.name, arguments: '', ...(e.tool ? { tool: e.tool } : {}) }
  },
  'tool.call.delta': (s, e) => {
    const call = s.calls[e.callId]
    if (call) call.arguments += e.delta
  },
  'tool.call.completed': (s, e, out) => {
    const tool: ToolInfo | undefined = e.tool ?? s.calls[e.callId]?.tool
    const call: CallState = { callId: e.callId, name: e.name, arguments: e.arguments, ...(tool ? { tool } : {}) }
    s.calls[e.callId] = call
    // Client tools and calls awaiting approval are asked for at INPUT_REQUIRED; the agent's own tools show as progress.
    if (tool?.clientSide === true || tool?.approvalRequired) return
    call.announced = true
    const data = {
      call_id: call.callId,
      name: call.name,
      arguments: call.arguments,
      ...(tool?.server ? { server: tool.server } : {}),
    }
    out(
      status(s, 'TASK_STATE_WORKING', e.time, {
        message: agentMessage(s, `${call.callId}-call`, [dataPart(MEDIA.toolCall, data)], execExt(e.executionId)),
      }),
    )
  },
  'tool.result': (s, e, out) => {
    // The client ran its own tool and knows the result; the agent's own (or a call never seen) shows as progress.
    if (s.calls[e.callId]?.tool?.clientSide === true) return
    const output = typeof e.output === 'string' ? e.output : e.output.map(toA2APart)
    const data = { call_id: e.callId, output, ...(e.isError ? { is_error: true } : {}) }
    out(
      status(s, 'TASK_STATE_WORKING', e.time, {
        message: agentMessage(s, `${e.callId}-result`, [dataPart(MEDIA.toolResult, data)], execExt(e.executionId)),
      }),
    )
  },
  interrupt: (s, e) => {
    s.interrupt = e
  },
  'artifact.delta': (s, e, out) => {
    if (e.lastChunk) s.openArtifacts.delete(e.artifactId)
    else s.openArtifacts.add(e.artifactId)
    out({
      artifactUpdate: {
        taskId: s.taskId,
        contextId: s.contextId,
        artifact: {
          artifactId: e.artifactId,
          ...(e.name ? { name: e.name } : {}),
          ...(e.description ? { description: e.description } : {}),
          parts: e.parts.map(toA2APart),
          ...(e.metadata || e.executionId
            ? { metadata: e.executionId ? withExt({ executionId: e.executionId }, e.metadata) : e.metadata }
            : {}),
        },
        ...(e.append ? { append: true } : {}),
        ...(e.lastChunk ? { lastChunk: true } : {}),
      },
    })
  },
  'artifact.completed': (s, e, out) => {
    const a = e.artifact
    const known = s.task.artifacts?.some((k) => k.artifactId === a.artifactId)
    if (known) {
      // Streamed: its chunks are out; a last one (empty) tells the client it is whole, if none did.
      if (!s.openArtifacts.delete(a.artifactId)) return
      const last = { artifactId: a.artifactId, parts: [{ text: '' }] }
      out({
        artifactUpdate: { taskId: s.taskId, contextId: s.contextId, artifact: last, append: true, lastChunk: true },
      })
      return
    }
    out({
      artifactUpdate: {
        taskId: s.taskId,
        contextId: s.contextId,
        artifact: {
          artifactId: a.artifactId,
          ...(a.name ? { name: a.name } : {}),
          ...(a.description ? { description: a.description } : {}),
          parts: a.parts.map(toA2APart),
          ...(a.metadata ? { metadata: a.metadata } : {}),
        },
        lastChunk: true,
      },
    })
  },
  'agent.started': (s, e, out) => {
    s.children.push(e.executionId)
    const agent = {
      event: 'started' as const,
      executionId: e.executionId,
      ...(e.parentExecutionId ? { parentExecutionId: e.parentExecutionId } : {}),
      ...(e.callId ? { callId: e.callId } : {}),
      name: e.name,
    }
    out(status(s, 'TASK_STATE_WORKING', e.time, { metadata: withExt({ agent }) }))
  },
  'agent.completed': (s, e, out) => {
    const agent = {
      event: 'completed' as const,
      executionId: e.executionId,
      ...(e.name ? { name: e.name } : {}),
      ...(e.error ? { error: e.error } : {}),
    }
    out(status(s, 'TASK_STATE_WORKING', e.time, { metadata: withExt({ agent }) }))
  },
  // A2A's four stream events have no room for it: dropped (loss table); the task's run log keeps it.
  'upstream.event': () => {},
  usage: (s, e) => {
    addUsage(s.usage, e)
  },
  'run.completed': (s, e, out) => {
    closeOpenArtifacts(s, out)
    s.done = true
    out(
      status(s, 'TASK_STATE_COMPLETED', e.time, {
        metadata: withExt({
          usage: turnUsage(s),
          ...(e.incomplete ? { incomplete: e.incomplete } : {}),
          ...(e.direct ? { direct: true as const } : {}),
        }),
      }),
    )
  },
  'run.failed': (s, e, out) => {
    closeOpenArtifacts(s, out)
    s.done = true
    const state = e.error.code === 'rejected' ? 'TASK_STATE_REJECTED' : 'TASK_STATE_FAILED'
    const message = agentMessage(s, `${s.taskId}-failed`, [{ text: e.error.message }])
    out(
      status(s, state, e.time, { message, metadata: withExt({ usage: turnUsage(s), error: { code: e.error.code } }) }),
    )
  },
  'run.canceled': (s, e, out) => {
    closeOpenArtifacts(s, out)
    s.done = true
    const message = e.reason ? { message: agentMessage(s, `${s.taskId}-canceled`, [{ text: e.reason }]) } : {}
    out(status(s, 'TASK_STATE_CANCELED', e.time, { ...message, metadata: withExt({ usage: turnUsage(s) }) }))
  },
}

/** The turn's token counts, handed out once when the turn ends (so successive turns add up downstream). */
function turnUsage(s: TaskEncoderState): NonNullable<ExtMetadata['usage']> {
  const usage = { ...s.usage }
  s.usage = { inputTokens: 0, outputTokens: 0, reasoningTokens: 0, cachedTokens: 0 }
  return usage
}

function reasoningStatus(s: TaskEncoderState, messageId: string, t: TextState, time: number): StreamResponse {
  const message = agentMessage(s, `${messageId}-reasoning`, [{ text: t.reasoning }], {
    kind: 'reasoning',
    messageId,
    ...(t.executionId ? { executionId: t.executionId } : {}),
  })
  t.reasoning = ''
  t.reasoningSent = true
  return status(s, 'TASK_STATE_WORKING', time, { message })
}

const execExt = (executionId: string | undefined): ExtMetadata | undefined =>
  executionId ? { executionId } : undefined

function closeOpenArtifacts(s: TaskEncoderState, out: Out) {
  for (const [messageId, t] of Object.entries(s.texts)) {
    if (t.artifact && t.open) out(artifactChunk(s, messageId, [{ text: '' }], true))
  }
  s.texts = {}
}

/** How each interrupt asks the client, as the INPUT_REQUIRED status message. */
const interruptParts: Record<InterruptReason, (s: TaskEncoderState, e: EventOf<'interrupt'>) => Part[]> = {
  client_tool: (s, e) =>
    calls(s, e).map((c) => dataPart(MEDIA.functionCall, { call_id: c.callId, name: c.name, arguments: c.arguments })),
  approval: (s, e) =>
    calls(s, e).map((c) =>
      dataPart(MEDIA.approvalRequest, {
        call_id: c.callId,
        name: c.name,
        arguments: c.arguments,
        ...(c.tool?.server ? { server: c.tool.server } : {}),
      }),
    ),
  input: () => [],
  auth: () => [],
}

const calls = (s: TaskEncoderState, e: EventOf<'interrupt'>): ToolCall[] =>
  e.callIds.flatMap((id) => (s.calls[id] ? [s.calls[id]] : []))

function interruptMessage(s: TaskEncoderState, e: EventOf<'interrupt'>): Message {
  const question = e.message?.parts.map(toA2APart) ?? []
  const asks = interruptParts[e.reason](s, e)
  const payload =
    e.callIds.length === 0 && e.payload !== undefined
      ? [
          dataPart(MEDIA.interrupt, {
            interrupt_id: e.interruptId,
            ...(e.interruptType ? { type: e.interruptType } : {}),
            payload: e.payload,
          }),
        ]
      : []
  const parts = [...question, ...asks, ...payload]
  const ext: ExtMetadata = {
    interrupt: {
      interruptId: e.interruptId,
      reason: e.reason,
      callIds: e.callIds,
      ...(e.interruptType ? { interruptType: e.interruptType } : {}),
      ...(e.payloadSchema ? { payloadSchema: e.payloadSchema } : {}),
      ...(e.resumeSchema ? { resumeSchema: e.resumeSchema } : {}),
    },
  }
  // A status message needs at least one part; an interrupt with nothing to say still says why it waits.
  return agentMessage(
    s,
    e.message?.id ?? e.interruptId,
    parts.length ? parts : [{ text: `Waiting for ${e.reason === 'auth' ? 'authorization' : 'input'}.` }],
    ext,
  )
}

export interface SendMessageOptions {
  /** The upstream's task to continue (the paused task this turn answers). */
  taskId?: string
  /** The upstream's conversation. */
  contextId?: string
  returnImmediately?: boolean
}

/**
 * A RunRequest as the message of a SendMessageRequest. Tool outputs and approval decisions ride as data parts of
 * the extension; with no upstream conversation yet, earlier history is prepended as text for context.
 */
export function encodeRequest(request: RunRequest, options: SendMessageOptions = {}): SendMessageRequest {
  const parts: Part[] = []
  if (!options.contextId && request.history.length) {
    const transcript = request.history.map((m) => `${m.role}: ${textOf(m.parts)}`).join('\n')
    parts.push({ text: `Conversation so far:\n${transcript}\n\n`, metadata: withExt({ kind: 'commentary' }) })
  }
  for (const m of request.input) parts.push(...m.parts.map(toA2APart))
  for (const r of request.toolResults ?? []) {
    const output = typeof r.output === 'string' ? r.output : r.output.map(toA2APart)
    parts.push(
      dataPart(MEDIA.functionCallOutput, { call_id: r.callId, output, ...(r.isError ? { is_error: true } : {}) }),
    )
  }
  for (const d of request.decisions ?? []) {
    parts.push(
      dataPart(MEDIA.approvalResponse, {
        call_id: d.callId,
        approved: d.approved,
        ...(d.reason ? { reason: d.reason } : {}),
      }),
    )
  }
  if (request.resume?.payload !== undefined && request.pending?.callIds.length === 0) {
    parts.push({ data: request.resume.payload, mediaType: 'application/json' })
  }
  if (parts.length === 0) parts.push({ text: '' })
  const message: Message = {
    messageId: request.input[0]?.id ?? newId(),
    role: 'ROLE_USER',
    parts,
    ...(options.contextId ? { contextId: options.contextId } : {}),
    ...(options.taskId ? { taskId: options.taskId } : {}),
    extensions: [EXTENSION_URI],
  }
  return {
    message,
    ...(options.returnImmediately ? { configuration: { returnImmediately: true } } : {}),
    ...(request.metadata ? { metadata: request.metadata } : {}),
  }
}

/** The keys of a text chunk's objects, in the order the encoder writes them (see `eventText`). */
const CHUNK_EVENT_KEYS = ['artifactUpdate']
const CHUNK_UPDATE_KEYS = ['taskId', 'contextId', 'artifact', 'append']
const CHUNK_ARTIFACT_KEYS = ['artifactId', 'parts']
const CHUNK_PART_KEYS = ['text']
/** The template's text up to the chunk's text, for the last task, context and artifact written. */
let prefixTask: unknown
let prefixContext: unknown
let prefixArtifact: unknown
let chunkPrefix = ''

/**
 * An event's JSON text, as `JSON.stringify` writes it. A text chunk that continues an answer, most of any stream, is
 * written from a template: only its strings go through the serializer (any other shape is serialized whole).
 */
export function eventText(e: unknown): string {
  const update = (e as { artifactUpdate?: Record<string, unknown> } | null)?.artifactUpdate
  if (update && keysAre(e as object, CHUNK_EVENT_KEYS) && update.append === true) {
    const artifact = update.artifact as { artifactId: string; parts: { text?: unknown }[] }
    const part = artifact.parts[0]
    if (
      keysAre(update, CHUNK_UPDATE_KEYS) &&
      keysAre(artifact, CHUNK_ARTIFACT_KEYS) &&
      artifact.parts.length === 1 &&
      part &&
      typeof part.text === 'string' &&
      typeof update.taskId === 'string' &&
      typeof update.contextId === 'string' &&
      typeof artifact.artifactId === 'string' &&
      keysAre(part, CHUNK_PART_KEYS)
    ) {
      if (
        update.taskId !== prefixTask ||
        update.contextId !== prefixContext ||
        artifact.artifactId !== prefixArtifact
      ) {
        chunkPrefix = `{"artifactUpdate":{"taskId":${JSON.stringify(update.taskId)},"contextId":${JSON.stringify(update.contextId)},"artifact":{"artifactId":${JSON.stringify(artifact.artifactId)},"parts":[{"text":`
        prefixTask = update.taskId
        prefixContext = update.contextId
        prefixArtifact = artifact.artifactId
      }
      return `${chunkPrefix}${JSON.stringify(part.text)}}]},"append":true}}`
    }
  }
  return JSON.stringify(e)
}
