// A2A v0.3 ⇄ v1, at the edge: the bridge keeps v1 semantics inside and translates v0.3 JSON-RPC shapes on the
// way in and out (kind-tagged parts and events, kebab-case states, `final`, `blocking`).
import { isObject } from '../../core/index.js'
import type {
  AgentCard,
  Artifact,
  Message,
  Part,
  SendMessageRequest,
  StreamResponse,
  Task,
  TaskPushNotificationConfig,
  TaskState,
  TaskStatus,
  V03AgentCard,
  V03Artifact,
  V03Message,
  V03MessageSendParams,
  V03Part,
  V03PushNotificationConfig,
  V03StreamEvent,
  V03Task,
  V03TaskState,
  V03TaskStatus,
} from './wire.js'

const STATES: Record<TaskState, V03TaskState> = {
  TASK_STATE_UNSPECIFIED: 'unknown',
  TASK_STATE_SUBMITTED: 'submitted',
  TASK_STATE_WORKING: 'working',
  TASK_STATE_COMPLETED: 'completed',
  TASK_STATE_FAILED: 'failed',
  TASK_STATE_CANCELED: 'canceled',
  TASK_STATE_INPUT_REQUIRED: 'input-required',
  TASK_STATE_REJECTED: 'rejected',
  TASK_STATE_AUTH_REQUIRED: 'auth-required',
}
const FROM_STATES = Object.fromEntries(Object.entries(STATES).map(([v1, v03]) => [v03, v1])) as Record<
  V03TaskState,
  TaskState
>

export const toV03State = (s: TaskState): V03TaskState => STATES[s]
export const fromV03State = (s: V03TaskState): TaskState => FROM_STATES[s] ?? 'TASK_STATE_UNSPECIFIED'

/** v0.3 ended a stream with `final: true`; v1 closes after a terminal state or INPUT_REQUIRED. */
const FINAL: readonly TaskState[] = [
  'TASK_STATE_COMPLETED',
  'TASK_STATE_FAILED',
  'TASK_STATE_CANCELED',
  'TASK_STATE_REJECTED',
  'TASK_STATE_INPUT_REQUIRED',
]

const opt = <K extends string, V>(key: K, value: V | undefined) =>
  value === undefined ? {} : ({ [key]: value } as { [P in K]: V })

/** v0.3 data parts hold objects only: other JSON is wrapped as `{value}` and flagged, as the JS SDK does. */
export function toV03Part(p: Part): V03Part {
  if ('text' in p && typeof p.text === 'string') return { kind: 'text', text: p.text, ...opt('metadata', p.metadata) }
  if ('url' in p && typeof p.url === 'string') {
    return {
      kind: 'file',
      file: { uri: p.url, ...opt('name', p.filename), ...opt('mimeType', p.mediaType) },
      ...opt('metadata', p.metadata),
    }
  }
  if ('raw' in p && typeof p.raw === 'string') {
    return {
      kind: 'file',
      file: { bytes: p.raw, ...opt('name', p.filename), ...opt('mimeType', p.mediaType) },
      ...opt('metadata', p.metadata),
    }
  }
  const data = 'data' in p ? p.data : null
  const mediaType = p.mediaType ? { mediaType: p.mediaType } : {}
  if (isObject(data))
    return { kind: 'data', data, ...(p.metadata || p.mediaType ? { metadata: { ...p.metadata, ...mediaType } } : {}) }
  return { kind: 'data', data: { value: data }, metadata: { ...p.metadata, ...mediaType, data_part_compat: true } }
}

export function fromV03Part(p: V03Part): Part {
  if (p.kind === 'text') return { text: p.text, ...opt('metadata', p.metadata) }
  if (p.kind === 'file') {
    const f = p.file
    const common = { ...opt('filename', f.name), ...opt('mediaType', f.mimeType), ...opt('metadata', p.metadata) }
    return 'uri' in f ? { url: f.uri, ...common } : { raw: f.bytes, ...common }
  }
  const { data_part_compat: wrapped, mediaType, ...metadata } = p.metadata ?? {}
  const data = wrapped === true ? p.data.value : p.data
  return {
    data,
    ...(typeof mediaType === 'string' ? { mediaType } : {}),
    ...(Object.keys(metadata).length ? { metadata } : {}),
  }
}

export const toV03Message = (m: Message): V03Message => ({
  kind: 'message',
  messageId: m.messageId,
  ...opt('contextId', m.contextId),
  ...opt('taskId', m.taskId),
  role: m.role === 'ROLE_USER' ? 'user' : 'agent',
  parts: m.parts.map(toV03Part),
  ...opt('metadata', m.metadata),
  ...opt('extensions', m.extensions),
  ...opt('referenceTaskIds', m.referenceTaskIds),
})

export const fromV03Message = (m: V03Message): Message => ({
  messageId: m.messageId,
  ...opt('contextId', m.contextId),
  ...opt('taskId', m.taskId),
  role: m.role === 'user' ? 'ROLE_USER' : 'ROLE_AGENT',
  parts: m.parts.map(fromV03Part),
  ...opt('metadata', m.metadata),
  ...opt('extensions', m.extensions),
  ...opt('referenceTaskIds', m.referenceTaskIds),
})

const toV03Status = (s: TaskStatus): V03TaskStatus => ({
  state: toV03State(s.state),
  ...(s.message ? { message: toV03Message(s.message) } : {}),
  ...opt('timestamp', s.timestamp),
})
const fromV03Status = (s: V03TaskStatus): TaskStatus => ({
  state: fromV03State(s.state),
  ...(s.message ? { message: fromV03Message(s.message) } : {}),
  ...opt('timestamp', s.timestamp),
})

const toV03Artifact = (a: Artifact): V03Artifact => ({ ...a, parts: a.parts.map(toV03Part) })
const fromV03Artifact = (a: V03Artifact): Artifact => ({ ...a, parts: a.parts.map(fromV03Part) })

export const toV03Task = (t: Task): V03Task => ({
  kind: 'task',
  id: t.id,
  contextId: t.contextId ?? '',
  status: toV03Status(t.status),
  ...(t.artifacts ? { artifacts: t.artifacts.map(toV03Artifact) } : {}),
  ...(t.history ? { history: t.history.map(toV03Message) } : {}),
  ...opt('metadata', t.metadata),
})

export const fromV03Task = (t: V03Task): Task => ({
  id: t.id,
  contextId: t.contextId,
  status: fromV03Status(t.status),
  ...(t.artifacts ? { artifacts: t.artifacts.map(fromV03Artifact) } : {}),
  ...(t.history ? { history: t.history.map(fromV03Message) } : {}),
  ...opt('metadata', t.metadata),
})

export function toV03Event(e: StreamResponse): V03StreamEvent {
  if ('task' in e) return toV03Task(e.task)
  if ('message' in e) return toV03Message(e.message)
  if ('statusUpdate' in e) {
    const u = e.statusUpdate
    return {
      kind: 'status-update',
      taskId: u.taskId,
      contextId: u.contextId,
      status: toV03Status(u.status),
      final: FINAL.includes(u.status.state),
      ...opt('metadata', u.metadata),
    }
  }
  const u = e.artifactUpdate
  return {
    kind: 'artifact-update',
    taskId: u.taskId,
    contextId: u.contextId,
    artifact: toV03Artifact(u.artifact),
    ...opt('append', u.append),
    ...opt('lastChunk', u.lastChunk),
    ...opt('metadata', u.metadata),
  }
}

export function fromV03Event(e: V03StreamEvent): StreamResponse {
  switch (e.kind) {
    case 'task':
      return { task: fromV03Task(e) }
    case 'message':
      return { message: fromV03Message(e) }
    case 'status-update':
      return {
        statusUpdate: {
          taskId: e.taskId,
          contextId: e.contextId,
          status: fromV03Status(e.status),
          ...opt('metadata', e.metadata),
        },
      }
    case 'artifact-update':
      return {
        artifactUpdate: {
          taskId: e.taskId,
          contextId: e.contextId,
          artifact: fromV03Artifact(e.artifact),
          ...opt('append', e.append),
          ...opt('lastChunk', e.lastChunk),
          ...opt('metadata', e.metadata),
        },
      }
  }
}

export const toV03PushConfig = (c: TaskPushNotificationConfig): V03PushNotificationConfig => ({
  ...opt('id', c.id),
  url: c.url,
  ...opt('token', c.token),
  ...(c.authentication
    ? { authentication: { schemes: [c.authentication.scheme], ...opt('credentials', c.authentication.credentials) } }
    : {}),
})

export const fromV03PushConfig = (c: V03PushNotificationConfig, taskId?: string): TaskPushNotificationConfig => ({
  ...opt('id', c.id),
  ...opt('taskId', taskId),
  url: c.url,
  ...opt('token', c.token),
  ...(c.authentication?.schemes[0]
    ? { authentication: { scheme: c.authentication.schemes[0], ...opt('credentials', c.authentication.credentials) } }
    : {}),
})

/** v0.3 `blocking` is the inverse of v1 `returnImmediately`; a configuration that leaves it out does not block (JS SDK). */
export const fromV03SendParams = (p: V03MessageSendParams): SendMessageRequest => {
  const c = p.configuration
  return {
    message: fromV03Message(p.message),
    ...(c
      ? {
          configuration: {
            ...opt('acceptedOutputModes', c.acceptedOutputModes),
            ...opt('historyLength', c.historyLength),
            returnImmediately: c.blocking !== true,
            ...(c.pushNotificationConfig
              ? { taskPushNotificationConfig: fromV03PushConfig(c.pushNotificationConfig) }
              : {}),
          },
        }
      : {}),
    ...opt('metadata', p.metadata),
  }
}

export const toV03SendParams = (r: SendMessageRequest): V03MessageSendParams => ({
  message: toV03Message(r.message),
  configuration: {
    blocking: !r.configuration?.returnImmediately,
    ...opt('acceptedOutputModes', r.configuration?.acceptedOutputModes),
    ...opt('historyLength', r.configuration?.historyLength),
  },
  ...opt('metadata', r.metadata),
})

/** A v0.3 card read as v1: its `url` + `preferredTransport` and `additionalInterfaces` become `supportedInterfaces`. */
export function fromV03Card(c: V03AgentCard): AgentCard {
  const version = '0.3'
  const interfaces = [{ url: c.url, protocolBinding: c.preferredTransport ?? 'JSONRPC', protocolVersion: version }]
  for (const i of c.additionalInterfaces ?? []) {
    if (!interfaces.some((x) => x.url === i.url && x.protocolBinding === i.transport))
      interfaces.push({ url: i.url, protocolBinding: i.transport, protocolVersion: version })
  }
  return {
    name: c.name,
    description: c.description,
    supportedInterfaces: interfaces,
    version: c.version,
    capabilities: {
      ...opt('streaming', c.capabilities.streaming),
      ...opt('pushNotifications', c.capabilities.pushNotifications),
      ...(c.capabilities.extensions ? { extensions: c.capabilities.extensions } : {}),
    },
    defaultInputModes: c.defaultInputModes,
    defaultOutputModes: c.defaultOutputModes,
    skills: c.skills.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      tags: s.tags,
      ...opt('examples', s.examples),
    })),
    ...opt('provider', c.provider),
  }
}
