// Canonical → ACP. The run encoder turns a run's events into RunOutputStream data (`values` snapshots, `custom`
// updates carrying the canonical event itself, `interrupt`, `error`) and keeps what `/wait` answers; the request
// encoder turns a RunRequest into an ACP `input` (through a per-agent template) and a resume payload.
import type {
  AgentEvent,
  EventOf,
  Message as CanonicalMessage,
  Part,
  RunEvent,
  RunEventType,
  RunRequest,
} from '../../core/index.js'
import { cloneData, isObject, keysAre, refusalAsText, textOf } from '../../core/index.js'
import { GENERIC_TYPE } from './schemas.js'
import type { InputTemplate } from './template.js'
import { applyInput } from './template.js'
import type { Message, RunOutput, RunOutputStreamData, RunStatus } from './wire.js'

/** What `values` holds: the run's answers so far, the latest answer's text, and artifacts. */
export interface OutputValues {
  messages: Message[]
  text: string
  artifacts?: { artifact_id: string; name?: string; parts: unknown[] }[]
}

/** errcodes the bridge uses (ACP leaves them open). */
export const ERRCODE = {
  unknown: 0,
  timeout: 408,
  canceled: 499,
  agent: 500,
  upstream: 502,
  upstreamTimeout: 504,
} as const

/** The errcode of each canonical error code that has its own. */
const ERRCODE_OF: Record<string, number> = {
  timeout: ERRCODE.timeout,
  upstream_failed: ERRCODE.upstream,
  upstream_timeout: ERRCODE.upstreamTimeout,
}

/** The errcode of a failure that ends a stream (not the run): the canonical code's own, else its HTTP status. */
export const errcodeOf = (error: { code: string; status: number }): number =>
  ERRCODE_OF[error.code] ?? (error.status >= 400 ? error.status : ERRCODE.agent)

export interface AcpEncoderState {
  /** The run id as ACP shows it (a UUID). */
  runId: string
  modes: { values: boolean; custom: boolean }
  status: RunStatus
  values: OutputValues
  /** values.messages index of each message being streamed. */
  open: Record<string, number>
  commentary: string[]
  children: string[]
  interrupt?: { type: string; payload: unknown }
  error?: { errcode: number; description: string }
  /** The turn is over (paused or finished): the stream closes. */
  done: boolean
  /** This turn's answer came as a message; else the text of its artifacts is the answer (see `run.completed`). */
  answered?: boolean
  /** Artifacts of this turn, in order. */
  turnArtifacts?: string[]
  /** The tool calls so far, by call id: what a generic interrupt names. */
  calls?: Record<string, { name: string; arguments: string }>
  /** When `values` snapshots go out: on every change, or at boundaries only (see `AcpEncoderInit.values`). */
  valuesOn: 'change' | 'boundary'
  /** `values` changed since the last snapshot went out (`boundary` mode: a delta's change waits for the next one). */
  stale?: boolean
  /**
   * The events folded in do not start at the run's start (its log no longer holds it): a completed artifact replaces
   * what the deltas that were left built of it, as a completed message does.
   */
  partial?: boolean
}

export interface AcpEncoderInit {
  /** The run id as ACP shows it (a UUID). */
  runId: string
  /** The stream modes asked for. Default: values only. */
  modes?: { values: boolean; custom: boolean }
  /**
   * When `values` snapshots go out. `change` (the default): one per change, each delta included: every delta
   * re-sends the whole answer, so output grows with the square of its length. `boundary`: a delta only marks the
   * values `stale`; a snapshot goes out when a message or artifact completes, before an interrupt or an error, and at
   * the run's end, and whenever the caller takes one (`takeValues`): the ACP face takes one per interval.
   */
  values?: 'change' | 'boundary'
}

export function createEncoder({
  runId,
  modes = { values: true, custom: false },
  values = 'change',
}: AcpEncoderInit): AcpEncoderState {
  return {
    runId,
    modes,
    status: 'pending',
    values: { messages: [], text: '' },
    open: {},
    commentary: [],
    children: [],
    done: false,
    valuesOn: values,
  }
}

/** Where a handler puts the stream data an event makes. */
type Out = RunOutputStreamData[]
type Handler<T extends RunEventType> = (s: AcpEncoderState, e: EventOf<T>, out: Out) => void

/** Encodes one canonical event: `custom` (the event itself) when asked for, plus what the event does to `values`. */
export function encode(state: AcpEncoderState, event: RunEvent): RunOutputStreamData[] {
  const out: RunOutputStreamData[] = []
  const handle = handlers[event.type] as Handler<typeof event.type>
  handle(state, event as never, out)
  if (!state.modes.custom) return out
  // The update goes first, with the status the event left.
  const update: RunOutputStreamData = {
    type: 'custom',
    run_id: state.runId,
    status: state.status,
    update: { event: unstamped(event) },
  }
  if (out.length === 0) out.push(update)
  else out.unshift(update)
  return out
}

/** A text delta as the store logs it: its fields, then the stamp. */
const STAMPED_DELTA_KEYS = ['type', 'messageId', 'delta', 'channel', 'runId', 'seq', 'time']

/**
 * The canonical event without the store's stamp (run id, seq, time), as a `custom` update carries it. A plain text
 * delta, most of any stream, is copied field by field: V8's rest copy of an object is several times slower.
 */
function unstamped(event: RunEvent): AgentEvent {
  if (event.type === 'message.delta' && keysAre(event, STAMPED_DELTA_KEYS))
    return { type: event.type, messageId: event.messageId, delta: event.delta, channel: event.channel }
  const { seq: _seq, time: _time, runId: _run, ...canonical } = event
  return canonical
}

/** The keys of a `custom` frame carrying a text delta, in the order `encode` writes them (see `frameText`). */
const CUSTOM_KEYS = ['type', 'run_id', 'status', 'update']
const UPDATE_KEYS = ['event']
const DELTA_KEYS = ['type', 'messageId', 'delta', 'channel']
/** The template's text around the delta, for the last run, status, message and channel written. */
let prefixRun: unknown
let prefixStatus: unknown
let prefixMessage: unknown
let prefixChannel: unknown
let deltaPrefix = ''
let deltaSuffix = ''

/**
 * Stream data's JSON text, as `JSON.stringify` writes it. A `custom` frame carrying a text delta, most of a custom
 * stream, is written from a template: only the delta goes through the serializer (any other shape is serialized
 * whole).
 */
export function frameText(data: RunOutputStreamData): string {
  if (data.type === 'custom' && keysAre(data, CUSTOM_KEYS)) {
    const update = data.update as { event?: Record<string, unknown> }
    const event = update.event
    if (
      event?.type === 'message.delta' &&
      keysAre(update, UPDATE_KEYS) &&
      keysAre(event, DELTA_KEYS) &&
      typeof event.delta === 'string' &&
      typeof event.messageId === 'string' &&
      typeof event.channel === 'string' &&
      typeof data.run_id === 'string' &&
      typeof data.status === 'string'
    ) {
      if (
        data.run_id !== prefixRun ||
        data.status !== prefixStatus ||
        event.messageId !== prefixMessage ||
        event.channel !== prefixChannel
      ) {
        deltaPrefix = `{"type":"custom","run_id":${JSON.stringify(data.run_id)},"status":${JSON.stringify(data.status)},"update":{"event":{"type":"message.delta","messageId":${JSON.stringify(event.messageId)},"delta":`
        deltaSuffix = `,"channel":${JSON.stringify(event.channel)}}}}`
        prefixRun = data.run_id
        prefixStatus = data.status
        prefixMessage = event.messageId
        prefixChannel = event.channel
      }
      return `${deltaPrefix}${JSON.stringify(event.delta)}${deltaSuffix}`
    }
  }
  return JSON.stringify(data)
}

/** The run's `values` so far, as stream data (a copy: later events do not change it). */
export const valuesSnapshot = (s: AcpEncoderState): RunOutputStreamData => ({
  type: 'values',
  run_id: s.runId,
  status: s.status,
  values: cloneData(s.values) as unknown as Record<string, unknown>,
})

/** The values changed: a snapshot now (`change` mode), or at the next boundary or take (`boundary` mode). */
const values = (s: AcpEncoderState, out: Out) => {
  if (s.valuesOn === 'boundary') s.stale = true
  else emitValues(s, out)
}

/** A snapshot now, whatever the mode (a boundary, the run's end). */
const emitValues = (s: AcpEncoderState, out: Out) => {
  s.stale = false
  if (s.modes.values) out.push(valuesSnapshot(s))
}

/** A boundary: the snapshot the values owe since a delta changed them, if any. */
const flushValues = (s: AcpEncoderState, out: Out) => {
  if (s.stale) emitValues(s, out)
}

/**
 * The snapshot the values owe (`boundary` mode, values changed since the last one), as stream data; undefined when
 * they owe none. Taking it clears the debt.
 */
export function takeValues(s: AcpEncoderState): RunOutputStreamData | undefined {
  if (!s.stale || !s.modes.values) return undefined
  s.stale = false
  return valuesSnapshot(s)
}

/** About how many characters a `values` snapshot takes (its texts; what makes a long answer's snapshot long). */
export function valuesSize(s: AcpEncoderState): number {
  let size = s.values.text.length
  for (const m of s.values.messages) size += typeof m.content === 'string' ? m.content.length : 64
  for (const a of s.values.artifacts ?? [])
    for (const p of a.parts) size += ((p as { text?: unknown }).text as string | undefined)?.length ?? 64
  return size
}

const isAnswer = (s: AcpEncoderState, phase: string | undefined, executionId: string | undefined) =>
  phase !== 'commentary' && !(executionId && s.children.includes(executionId))

/**
 * A turn that ends with artifacts but no answer message (an A2A agent answers in artifacts): their text is the
 * answer, a message in `values.messages` and `values.text`, where ACP clients read it.
 */
function answerFromArtifacts(s: AcpEncoderState) {
  if (s.answered) return
  const texts = (s.turnArtifacts ?? []).flatMap((id) => {
    const artifact = s.values.artifacts?.find((a) => a.artifact_id === id)
    const text = (artifact?.parts ?? [])
      .map((p) => ((p as { type?: string }).type === 'text' ? ((p as { text?: string }).text ?? '') : ''))
      .join('')
    return text ? [{ id, text }] : []
  })
  const last = texts.at(-1)
  if (!last) return
  message(s, last.id).content = texts.map((t) => t.text).join('\n\n')
  s.values.text = texts.map((t) => t.text).join('\n\n')
}

function message(s: AcpEncoderState, id: string): Message {
  let at = s.open[id]
  if (at === undefined) {
    at = s.values.messages.push({ role: 'assistant', content: '', id }) - 1
    s.open[id] = at
  }
  return s.values.messages[at] as Message
}

/** Takes a message out of `values` (and `text`, when it was the latest). */
function dropMessage(s: AcpEncoderState, id: string) {
  const at = s.values.messages.findIndex((m) => m.id === id)
  delete s.open[id]
  if (at < 0) return
  s.values.messages.splice(at, 1)
  for (const [key, index] of Object.entries(s.open)) if (index > at) s.open[key] = index - 1
  const latest = s.values.messages.at(-1)?.content
  s.values.text = typeof latest === 'string' ? latest : ''
}

const partJson = (p: Part): unknown =>
  p.type === 'text'
    ? { type: 'text', text: p.text }
    : p.type === 'data'
      ? { type: 'data', data: p.data, ...(p.mediaType ? { media_type: p.mediaType } : {}) }
      : {
          type: 'file',
          ...(p.url ? { url: p.url } : { bytes: p.bytes }),
          ...(p.mediaType ? { media_type: p.mediaType } : {}),
          ...(p.name ? { name: p.name } : {}),
        }

/** One row per canonical event; README's ACP mapping table mirrors it. */
const handlers: { [T in RunEventType]: Handler<T> } = {
  'run.created': () => {},
  'run.status': (s, e, out) => {
    if (e.status === 'working') {
      s.status = 'pending'
      // Progress text (`working` with a message) is news within the turn; only a plain `working` opens a turn.
      if (e.message) return
      s.interrupt = undefined
      s.done = false
      s.answered = false
      s.turnArtifacts = []
      return
    }
    if (e.status === 'auth_required' && !s.interrupt) return
    s.status = 'interrupted'
    if (e.status !== 'input_required') return
    s.done = true
    flushValues(s, out)
    if (s.interrupt)
      out.push({
        type: 'interrupt',
        run_id: s.runId,
        status: 'interrupted',
        interrupt: { [s.interrupt.type]: s.interrupt.payload },
      })
  },
  'message.started': (s, e) => {
    if (e.role !== 'assistant') return
    if (!isAnswer(s, e.phase, e.executionId)) s.commentary.push(e.messageId)
  },
  'message.delta': (s, e, out) => {
    // A refusal is the answer's text here: `values` have no place of their own for it.
    if (e.channel === 'reasoning' || s.commentary.includes(e.messageId) || !isAnswer(s, undefined, e.executionId))
      return
    if (e.delta) s.answered = true
    const m = message(s, e.messageId)
    m.content = `${m.content as string}${e.delta}`
    s.values.text = m.content
    values(s, out)
  },
  'message.completed': (s, e, out) => {
    const m = refusalAsText(e.message)
    if (
      m.role !== 'assistant' ||
      s.commentary.includes(m.id) ||
      !isAnswer(s, m.phase, e.executionId ?? m.executionId)
    ) {
      // A fold that missed the message's start took its deltas for an answer's: it is not one.
      if (s.partial && s.open[m.id] !== undefined) dropMessage(s, m.id)
      return
    }
    const text = textOf(m.parts)
    const others = m.parts.filter((p) => p.type !== 'text')
    // An empty message answers nothing: the turn's artifacts still can.
    if (text || others.length) s.answered = true
    const target = message(s, m.id)
    const before = JSON.stringify(target.content)
    target.content = others.length
      ? [...(text ? [{ type: 'text' as const, text }] : []), ...others.map((p) => partJson(p) as { type: string })]
      : text
    delete s.open[m.id]
    if (text) s.values.text = text
    // A boundary: the snapshot goes out now if this message changed the values, or a delta left them stale.
    if (JSON.stringify(target.content) !== before || s.stale) emitValues(s, out)
  },
  'tool.call.started': () => {},
  'tool.call.delta': () => {},
  'tool.call.completed': (s, e) => {
    ;(s.calls ??= {})[e.callId] = { name: e.name, arguments: e.arguments }
  },
  'tool.result': () => {},
  interrupt: (s, e) => {
    s.interrupt = { type: e.interruptType ?? GENERIC_TYPE[e.reason], payload: interruptPayload(s, e) }
  },
  'artifact.delta': (s, e, out) => {
    if (!s.turnArtifacts?.includes(e.artifactId)) (s.turnArtifacts ??= []).push(e.artifactId)
    const artifacts = (s.values.artifacts ??= [])
    let a = artifacts.find((x) => x.artifact_id === e.artifactId)
    if (!a || !e.append) {
      const fresh = { artifact_id: e.artifactId, ...(e.name ? { name: e.name } : {}), parts: [] as unknown[] }
      if (a) artifacts[artifacts.indexOf(a)] = fresh
      else artifacts.push(fresh)
      a = fresh
    }
    for (const p of e.parts) {
      const last = a.parts.at(-1) as { type?: string; text?: string } | undefined
      if (p.type === 'text' && last?.type === 'text') last.text = `${last.text ?? ''}${p.text}`
      else a.parts.push(partJson(p))
    }
    values(s, out)
  },
  'artifact.completed': (s, e, out) => {
    if (!s.turnArtifacts?.includes(e.artifact.artifactId)) (s.turnArtifacts ??= []).push(e.artifact.artifactId)
    const artifacts = (s.values.artifacts ??= [])
    const whole = {
      artifact_id: e.artifact.artifactId,
      ...(e.artifact.name ? { name: e.artifact.name } : {}),
      parts: e.artifact.parts.map(partJson),
    }
    const at = artifacts.findIndex((x) => x.artifact_id === e.artifact.artifactId)
    if (at >= 0 && s.partial) artifacts[at] = whole
    if (at >= 0) return flushValues(s, out)
    artifacts.push(whole)
    emitValues(s, out)
  },
  'agent.started': (s, e) => {
    s.children.push(e.executionId)
  },
  'agent.completed': () => {},
  // Nothing in `values`; `custom` mode sends it as it sends every canonical event.
  'upstream.event': () => {},
  usage: () => {},
  'run.completed': (s, _e, out) => {
    s.status = 'success'
    s.done = true
    answerFromArtifacts(s)
    emitValues(s, out)
  },
  'run.failed': (s, e, out) => {
    // The answer so far first (`boundary` mode), then the error.
    flushValues(s, out)
    s.status = e.error.code === 'timeout' ? 'timeout' : 'error'
    s.done = true
    s.error = { errcode: ERRCODE_OF[e.error.code] ?? ERRCODE.agent, description: e.error.message }
    out.push({ type: 'error', run_id: s.runId, status: s.status, ...s.error })
  },
  'run.canceled': (s, e, out) => {
    flushValues(s, out)
    // ACP has no canceled status: an error with its own errcode says it.
    s.status = 'error'
    s.done = true
    s.error = { errcode: ERRCODE.canceled, description: `canceled${e.reason ? `: ${e.reason}` : ''}` }
    out.push({ type: 'error', run_id: s.runId, status: 'error', ...s.error })
  },
}

const messageText = (m: CanonicalMessage | undefined) => (m ? textOf(m.parts) : '')

/**
 * The interrupt's payload: the agent's own; for an auth interrupt of the generic type, with its message as well (the
 * payload names where to authorize, the message says so to a human); else the generic types' shapes.
 */
function interruptPayload(s: AcpEncoderState, e: EventOf<'interrupt'>): unknown {
  if (e.payload === undefined) return genericPayload(s, e)
  const generic = !e.interruptType && e.reason === 'auth'
  return generic && isObject(e.payload) && e.message ? { message: messageText(e.message), ...e.payload } : e.payload
}

/** The payload of an interrupt the agent gave none for, in the generic types' shapes. */
function genericPayload(s: AcpEncoderState, e: EventOf<'interrupt'>): unknown {
  // Each call as the generic types declare it: which tool, with what (`calls[]` of `function_call` / `approval`).
  const calls = e.callIds.map((call_id) => ({
    call_id,
    name: s.calls?.[call_id]?.name ?? '',
    arguments: s.calls?.[call_id]?.arguments ?? '',
  }))
  switch (e.reason) {
    case 'client_tool':
      return { calls }
    case 'approval':
      return { calls, message: messageText(e.message) }
    case 'input':
      return { question: messageText(e.message) }
    case 'auth':
      return { message: messageText(e.message) }
  }
}

/** What `/wait` answers once the run has left `pending`. */
export function runOutput(s: AcpEncoderState): RunOutput | undefined {
  if (s.status === 'interrupted' && s.interrupt)
    return { type: 'interrupt', interrupt: { [s.interrupt.type]: s.interrupt.payload } }
  if (s.status === 'success')
    return {
      type: 'result',
      values: cloneData(s.values) as unknown as Record<string, unknown>,
      messages: cloneData(s.values.messages),
    }
  if ((s.status === 'error' || s.status === 'timeout') && s.error) return { type: 'error', run_id: s.runId, ...s.error }
  return undefined
}

/**
 * A RunRequest as an ACP `input` through the agent's template (by default `{messages: [{role, content}]}`): with no
 * upstream thread, the conversation so far goes along.
 */
export function encodeRequest(request: RunRequest, template: InputTemplate, withHistory: boolean): unknown {
  const messages = [...(withHistory ? request.history : []), ...request.input].map((m) => ({
    role: m.role,
    content: m.parts.every((p) => p.type === 'text') ? textOf(m.parts) : m.parts.map(partJson),
  }))
  return applyInput(template, messages)
}

/**
 * The resume payload for the interrupt a run waits on: the client's own payload when it gave one, else the
 * generic shapes (`{outputs}` for tool results, `{approved, reason}` for one decision, `{answer}` for text).
 */
export function encodeResume(request: RunRequest): unknown {
  if (request.resume?.payload !== undefined) return request.resume.payload
  const results = request.toolResults ?? []
  if (results.length) {
    const outputs = results.map((r) => ({
      call_id: r.callId,
      output: typeof r.output === 'string' ? r.output : r.output.map(partJson),
    }))
    return request.pending?.callIds.length === 1 &&
      request.pending.interruptType &&
      request.pending.interruptType !== GENERIC_TYPE.client_tool
      ? { output: outputs[0]?.output }
      : { outputs }
  }
  const decisions = request.decisions ?? []
  if (decisions.length === 1)
    return { approved: decisions[0]?.approved, ...(decisions[0]?.reason ? { reason: decisions[0].reason } : {}) }
  if (decisions.length)
    return {
      decisions: decisions.map((d) => ({
        call_id: d.callId,
        approved: d.approved,
        ...(d.reason ? { reason: d.reason } : {}),
      })),
    }
  const answer = request.input.map((m) => messageText(m)).join('\n')
  return { answer }
}
