// The bridge's A2A face driven by the official A2A SDK (@a2a-js/sdk 1.3.0) as a client, over real HTTP: the v1.0
// JSON-RPC and HTTP+JSON transports (chosen from the agent card by ClientFactory) and the v0.3 JSON-RPC compat
// transport. Each test asserts something a user of the SDK relies on: what the SDK decodes, not the raw wire.
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders, Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Role, StreamResponse as StreamResponseCodec, TaskState } from '@a2a-js/sdk'
import type {
  AgentCard,
  Message,
  Part,
  SendMessageConfiguration,
  SendMessageRequest,
  StreamResponse,
  Task,
  TaskPushNotificationConfig,
} from '@a2a-js/sdk'
import type { Client } from '@a2a-js/sdk/client'
import {
  Client as SdkClient,
  ClientFactory,
  ClientFactoryOptions,
  JsonRpcTransportFactory,
  RestTransportFactory,
} from '@a2a-js/sdk/client'
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client'
import { TaskNotCancelableError, TaskNotFoundError, UnsupportedOperationError } from '@a2a-js/sdk/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, scriptedAgent, startBridge } from '../helpers/bridge.js'

const EXTENSION = 'urn:dialect-bridge:a2a:v1'
const MEDIA = {
  functionCall: 'application/vnd.dialect-bridge.function-call+json',
  functionCallOutput: 'application/vnd.dialect-bridge.function-call-output+json',
  approvalRequest: 'application/vnd.dialect-bridge.approval-request+json',
  approvalResponse: 'application/vnd.dialect-bridge.approval-response+json',
}
const HELLO = 'Hello! I am the demo agent.'
/** What the demo agent says for "count to n": "1 2 3 … n". */
const countText = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(' ')

// ---- building SDK requests (in-memory shapes: {$case, value} oneofs, numeric enums, role always set) ----

const timeout = (ms = 15_000) => ({ signal: AbortSignal.timeout(ms) })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const text = (value: string): Part => ({
  content: { $case: 'text', value },
  filename: '',
  mediaType: '',
  metadata: undefined,
})
const data = (value: unknown, mediaType: string): Part => ({
  content: { $case: 'data', value },
  filename: '',
  mediaType,
  metadata: undefined,
})

interface Ids {
  taskId?: string
  contextId?: string
}

function message(parts: Part[], ids: Ids = {}): Message {
  return {
    messageId: randomUUID(),
    contextId: ids.contextId ?? '',
    taskId: ids.taskId ?? '',
    role: Role.ROLE_USER,
    parts,
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  }
}

function request(
  input: string | Part[],
  ids: Ids = {},
  configuration: Partial<SendMessageConfiguration> = {},
): SendMessageRequest {
  return {
    tenant: '',
    message: message(typeof input === 'string' ? [text(input)] : input, ids),
    configuration: {
      acceptedOutputModes: [],
      returnImmediately: false,
      taskPushNotificationConfig: undefined,
      ...configuration,
    },
    metadata: undefined,
  }
}

const pushConfig = (
  taskId: string,
  url: string,
  extra: Partial<TaskPushNotificationConfig> = {},
): TaskPushNotificationConfig => ({
  tenant: '',
  id: '',
  taskId,
  url,
  token: '',
  authentication: undefined,
  ...extra,
})

// ---- reading SDK results ----

const partsText = (parts: Part[]) => parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')
/** The task's answer: the text of its artifacts (a message's text may be spread over several parts). */
const answerOf = (task: Task) => task.artifacts.map((a) => partsText(a.parts)).join('')

function asTask(result: Message | Task): Task {
  if (!('status' in result)) throw new Error(`expected a Task, got a Message: ${JSON.stringify(result)}`)
  return result
}

async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const events: StreamResponse[] = []
  for await (const event of stream) events.push(event)
  return events
}

/** Folds task snapshots and artifact updates (append or replace) into the text of each artifact. */
function artifactTexts(events: StreamResponse[]): Map<string, string> {
  const texts = new Map<string, string>()
  for (const { payload } of events) {
    if (payload?.$case === 'task') for (const a of payload.value.artifacts) texts.set(a.artifactId, partsText(a.parts))
    if (payload?.$case === 'artifactUpdate' && payload.value.artifact) {
      const { artifact, append } = payload.value
      texts.set(artifact.artifactId, (append ? (texts.get(artifact.artifactId) ?? '') : '') + partsText(artifact.parts))
    }
  }
  return texts
}
const streamedAnswer = (events: StreamResponse[]) => [...artifactTexts(events).values()].join('')

const stateOf = (event: StreamResponse | undefined): TaskState | undefined =>
  event?.payload?.$case === 'statusUpdate'
    ? event.payload.value.status?.state
    : event?.payload?.$case === 'task'
      ? event.payload.value.status?.state
      : undefined

function expectCompletedLast(events: StreamResponse[]) {
  const last = events.at(-1)
  expect(last?.payload?.$case).toBe('statusUpdate')
  expect(stateOf(last)).toBe(TaskState.TASK_STATE_COMPLETED)
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error('expected the call to fail')
}

/** Polls until `check` returns a value (or the time is up). */
async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

// ---- the push notification receiver ----

interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

const received: Received[] = []
let receiver: Server
let hookBase = ''

const hookUrl = () => `${hookBase}/hook/${randomUUID()}`
const pushesTo = (url: string) => received.filter((r) => r.path === new URL(url).pathname)
const decodePush = (r: Received): StreamResponse => StreamResponseCodec.fromJSON(JSON.parse(r.body))
/** Waits until the receiver has a COMPLETED (or other terminal) statusUpdate at `url`; returns every push there. */
const pushesUntilTerminal = (url: string) =>
  until(
    () => {
      const pushes = pushesTo(url)
      const terminal = pushes.some((r) => {
        const state = stateOf(decodePush(r))
        return (
          decodePush(r).payload?.$case === 'statusUpdate' &&
          (state === TaskState.TASK_STATE_COMPLETED ||
            state === TaskState.TASK_STATE_CANCELED ||
            state === TaskState.TASK_STATE_FAILED)
        )
      })
      return terminal ? pushes : undefined
    },
    15_000,
    `push notifications at ${url} to reach a terminal state`,
  )

// ---- the bridge ----

/** An agent that streams a notes artifact in two chunks, then completes it (the canonical end says it is whole). */
const notesAgent = scriptedAgent('notes', async function* (): AsyncGenerator<AgentEvent> {
  yield { type: 'run.status', status: 'working' }
  const chunk = (text: string, append: boolean): AgentEvent => ({
    type: 'artifact.delta',
    artifactId: 'notes',
    name: 'notes',
    parts: [{ type: 'text', text }],
    append,
    lastChunk: false,
  })
  yield chunk('first, ', false)
  yield chunk('then.', true)
  const artifact = { artifactId: 'notes', name: 'notes', parts: [{ type: 'text' as const, text: 'first, then.' }] }
  yield { type: 'artifact.completed', artifact }
  yield { type: 'run.completed' }
})

let bridge: RunningBridge

beforeAll(async () => {
  bridge = await startBridge({
    agents: [demoAgent(0), demoAgent(3, 'slow'), notesAgent],
    webhooks: { allowInsecure: true },
  })
  receiver = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
})

afterAll(async () => {
  await bridge?.close()
  await new Promise<void>((resolve) => {
    if (!receiver) return resolve()
    receiver.close(() => resolve())
    receiver.closeAllConnections()
  })
})

const factoryFor = (binding: 'JSONRPC' | 'HTTP+JSON') =>
  new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: [binding] }))

describe.each([
  ['JSON-RPC 1.0', 'JSONRPC'],
  ['HTTP+JSON 1.0', 'HTTP+JSON'],
] as const)('@a2a-js/sdk client, %s transport', (_label, binding) => {
  let demo: Client
  let slow: Client

  beforeAll(async () => {
    demo = await factoryFor(binding).createFromUrl(`${bridge.url}/a2a/demo/`)
    slow = await factoryFor(binding).createFromUrl(`${bridge.url}/a2a/slow/`)
  })

  /** Starts "count to n" on the slow agent without waiting for it. */
  const startCount = async (n: number, extra: Partial<SendMessageConfiguration> = {}) => {
    const task = asTask(
      await slow.sendMessage(request(`count to ${n}`, {}, { returnImmediately: true, ...extra }), timeout()),
    )
    expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(task.status?.state)
    return task
  }

  describe('card resolution', () => {
    it('resolves the card and picks the requested transport at the agent URL', async () => {
      expect(demo.transport.protocolName).toBe(binding)
      expect(demo.protocolVersion).toBe('1.0')
      const card: AgentCard = await demo.getAgentCard(timeout())
      expect(card.name).toBeTruthy()
      expect(card.capabilities?.streaming).toBe(true)
      expect(card.capabilities?.pushNotifications).toBe(true)
    })

    it('lists JSONRPC 1.0, HTTP+JSON 1.0 and JSONRPC 0.3 interfaces at the agent URL', async () => {
      const card = await demo.getAgentCard(timeout())
      const url = `${bridge.url}/a2a/demo`
      const interfaces = card.supportedInterfaces.map((i) => ({
        url: i.url,
        protocolBinding: i.protocolBinding,
        protocolVersion: i.protocolVersion,
      }))
      expect(interfaces).toEqual(
        expect.arrayContaining([
          { url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
          { url, protocolBinding: 'HTTP+JSON', protocolVersion: '1.0' },
          { url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
        ]),
      )
      expect(
        (await slow.getAgentCard(timeout())).supportedInterfaces.every((i) => i.url === `${bridge.url}/a2a/slow`),
      ).toBe(true)
    })

    it(`declares the extension ${EXTENSION}`, async () => {
      const card = await demo.getAgentCard(timeout())
      const ext = card.capabilities?.extensions.find((e) => e.uri === EXTENSION)
      expect(ext).toBeDefined()
      expect(ext?.required).toBe(false)
    })
  })

  describe('sendMessage and sendMessageStream', () => {
    it('a blocking sendMessage of "hello" returns a COMPLETED task holding the answer', async () => {
      const task = asTask(await demo.sendMessage(request('hello'), timeout()))
      expect(task.id).toBeTruthy()
      expect(task.contextId).toBeTruthy()
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(answerOf(task)).toBe(HELLO)
    })

    it('sendMessageStream: every event decodes, a task first, chunks concatenate to the answer, COMPLETED last', async () => {
      const events = await collect(demo.sendMessageStream(request('hello'), timeout()))
      expect(events.length).toBeGreaterThan(2)
      for (const event of events) expect(event.payload).toBeDefined()
      const first = events[0]?.payload
      expect(first?.$case).toBe('task')
      const taskId = first?.$case === 'task' ? first.value.id : ''
      expect(taskId).toBeTruthy()
      for (const { payload } of events.slice(1)) {
        expect(['statusUpdate', 'artifactUpdate']).toContain(payload?.$case)
        if (payload?.$case === 'statusUpdate' || payload?.$case === 'artifactUpdate')
          expect(payload.value.taskId).toBe(taskId)
      }
      expect(events.filter((e) => e.payload?.$case === 'artifactUpdate').length).toBeGreaterThan(1)
      expect(streamedAnswer(events)).toBe(HELLO)
      expectCompletedLast(events)
      // What was streamed is what the task holds.
      expect(answerOf(await demo.getTask({ tenant: '', id: taskId }, timeout()))).toBe(HELLO)
    })
  })

  it('sendMessageStream: a streamed artifact ends with a lastChunk update, its chunks adding up to it whole', async () => {
    const notes = await factoryFor(binding).createFromUrl(`${bridge.url}/a2a/notes/`)
    const events = await collect(notes.sendMessageStream(request('notes'), timeout()))
    const updates = events.flatMap(({ payload }) => (payload?.$case === 'artifactUpdate' ? [payload.value] : []))
    expect(updates.map((u) => u.lastChunk)).toEqual([false, false, true])
    expect(artifactTexts(events).get('notes')).toBe('first, then.')
    expectCompletedLast(events)
  })

  describe('getTask, listTasks, cancelTask', () => {
    it('getTask: historyLength 0 leaves history out; by default it holds the user message', async () => {
      const sent = asTask(await demo.sendMessage(request('hello'), timeout()))
      const bare = await demo.getTask({ tenant: '', id: sent.id, historyLength: 0 }, timeout())
      expect(bare.id).toBe(sent.id)
      expect(bare.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(bare.history).toEqual([])
      const full = await demo.getTask({ tenant: '', id: sent.id }, timeout())
      const user = full.history.find((m) => m.role === Role.ROLE_USER)
      expect(user).toBeDefined()
      expect(partsText(user?.parts ?? [])).toBe('hello')
      expect(answerOf(full)).toBe(HELLO)
    })

    it('listTasks filters by contextId and pages with pageSize/nextPageToken', async () => {
      const contextId = randomUUID()
      const a = asTask(await demo.sendMessage(request('hello', { contextId }), timeout()))
      const b = asTask(await demo.sendMessage(request('hello again', { contextId }), timeout()))
      expect(a.contextId).toBe(contextId)
      expect(b.contextId).toBe(contextId)
      expect(b.id).not.toBe(a.id)
      await demo.sendMessage(request('hello'), timeout()) // another context: must not show up

      const all = await demo.listTasks(
        {
          tenant: '',
          contextId,
          status: TaskState.TASK_STATE_UNSPECIFIED,
          pageToken: '',
          statusTimestampAfter: undefined,
        },
        timeout(),
      )
      expect(all.tasks.map((t) => t.id).sort()).toEqual([a.id, b.id].sort())
      expect(all.tasks.every((t) => t.contextId === contextId)).toBe(true)
      expect(all.totalSize).toBe(2)

      const page1 = await demo.listTasks(
        {
          tenant: '',
          contextId,
          status: TaskState.TASK_STATE_UNSPECIFIED,
          pageSize: 1,
          pageToken: '',
          statusTimestampAfter: undefined,
        },
        timeout(),
      )
      expect(page1.tasks).toHaveLength(1)
      expect(page1.nextPageToken).toBeTruthy()
      const page2 = await demo.listTasks(
        {
          tenant: '',
          contextId,
          status: TaskState.TASK_STATE_UNSPECIFIED,
          pageSize: 1,
          pageToken: page1.nextPageToken,
          statusTimestampAfter: undefined,
        },
        timeout(),
      )
      expect(page2.tasks).toHaveLength(1)
      expect(page2.nextPageToken).toBe('')
      expect([page1.tasks[0]?.id, page2.tasks[0]?.id].sort()).toEqual([a.id, b.id].sort())
    })

    it('listTasks filters by status', async () => {
      const contextId = randomUUID()
      const paused = asTask(await demo.sendMessage(request('What is the weather in Paris?', { contextId }), timeout()))
      const done = asTask(await demo.sendMessage(request('hello', { contextId }), timeout()))
      const list = (status: TaskState) =>
        demo.listTasks({ tenant: '', contextId, status, pageToken: '', statusTimestampAfter: undefined }, timeout())
      expect((await list(TaskState.TASK_STATE_INPUT_REQUIRED)).tasks.map((t) => t.id)).toEqual([paused.id])
      expect((await list(TaskState.TASK_STATE_COMPLETED)).tasks.map((t) => t.id)).toEqual([done.id])
    })

    it('cancelTask cancels a running slow task; canceling again is TaskNotCancelableError (A2A §3.1.5)', async () => {
      const task = await startCount(300)
      const canceled = await slow.cancelTask({ tenant: '', id: task.id, metadata: undefined }, timeout())
      expect(canceled.id).toBe(task.id)
      expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED)
      const again = await rejection(slow.cancelTask({ tenant: '', id: task.id, metadata: undefined }, timeout()))
      expect(again).toBeInstanceOf(TaskNotCancelableError)
      await sleep(50)
      expect((await slow.getTask({ tenant: '', id: task.id }, timeout())).status?.state).toBe(
        TaskState.TASK_STATE_CANCELED,
      )
    })

    it('cancelTask of a completed task fails with TaskNotCancelableError', async () => {
      const task = asTask(await demo.sendMessage(request('hello'), timeout()))
      const error = await rejection(demo.cancelTask({ tenant: '', id: task.id, metadata: undefined }, timeout()))
      expect(error).toBeInstanceOf(TaskNotCancelableError)
      expect((error as Error).name).toBe('TaskNotCancelableError')
    })
  })

  describe('resubscribeTask', () => {
    it('gives the task snapshot, then live events until COMPLETED, with no text lost or duplicated', async () => {
      const n = 300
      const task = await startCount(n)
      // Subscribe mid-answer: once the task already holds some of the text.
      await until(
        async () => {
          const now = await slow.getTask({ tenant: '', id: task.id }, timeout())
          return answerOf(now).length > 0 ? now : undefined
        },
        10_000,
        'the task to hold some text',
      )
      const events = await collect(slow.resubscribeTask({ tenant: '', id: task.id }, timeout()))
      for (const event of events) expect(event.payload).toBeDefined()
      const first = events[0]?.payload
      expect(first?.$case).toBe('task')
      if (first?.$case !== 'task') return
      expect(first.value.id).toBe(task.id)
      expect(first.value.status?.state).toBe(TaskState.TASK_STATE_WORKING)
      const snapshotText = answerOf(first.value)
      expect(snapshotText.length).toBeGreaterThan(0)
      expect(snapshotText.length).toBeLessThan(countText(n).length)
      expect(events.slice(1).some((e) => e.payload?.$case === 'artifactUpdate')).toBe(true)
      expect(
        events.slice(1).every((e) => e.payload?.$case === 'statusUpdate' || e.payload?.$case === 'artifactUpdate'),
      ).toBe(true)
      expect(streamedAnswer(events)).toBe(countText(n))
      expectCompletedLast(events)
    })

    it('a client that drops its stream can resubscribe: the task went on, and the answer is whole', async () => {
      const n = 100
      const aborter = new AbortController()
      const seen: StreamResponse[] = []
      const error = await rejection(
        (async () => {
          for await (const event of slow.sendMessageStream(request(`count to ${n}`), { signal: aborter.signal })) {
            seen.push(event)
            if (seen.length === 10) aborter.abort()
          }
        })(),
      )
      expect((error as Error).name).toBe('AbortError')
      const first = seen[0]?.payload
      expect(first?.$case).toBe('task')
      const id = first?.$case === 'task' ? first.value.id : ''
      const events = await collect(slow.resubscribeTask({ tenant: '', id }, timeout()))
      expect(events[0]?.payload?.$case).toBe('task')
      expect(streamedAnswer(events)).toBe(countText(n))
      expectCompletedLast(events)
    })

    it('on a task waiting in INPUT_REQUIRED: the snapshot, then the resumed turn live until COMPLETED', async () => {
      const task = asTask(await demo.sendMessage(request('What is the weather in Paris?'), timeout()))
      expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const events: StreamResponse[] = []
      const reading = (async () => {
        for await (const event of demo.resubscribeTask({ tenant: '', id: task.id }, timeout())) events.push(event)
      })()
      await until(() => (events.length ? true : undefined), 5_000, 'the snapshot')
      expect(stateOf(events[0])).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      await demo.sendMessage(request('cloudy', { taskId: task.id, contextId: task.contextId }), timeout())
      await reading
      expect(events[0]?.payload?.$case).toBe('task')
      expect(streamedAnswer(events)).toBe('Weather in Paris: cloudy')
      expectCompletedLast(events)
    })
  })

  describe('tool round trip through INPUT_REQUIRED', () => {
    const askWeather = async () => {
      const task = asTask(await demo.sendMessage(request('What is the weather in Paris?'), timeout()))
      expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const call = task.status?.message?.parts.find((p) => p.mediaType === MEDIA.functionCall)
      expect(call?.content?.$case).toBe('data')
      const value =
        call?.content?.$case === 'data'
          ? (call.content.value as { call_id?: unknown; name?: unknown; arguments?: unknown })
          : {}
      expect(value).toEqual({ call_id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}' })
      return { task, callId: String(value.call_id) }
    }

    it('the function call is answered with a function-call-output data part', async () => {
      const { task, callId } = await askWeather()
      const done = asTask(
        await demo.sendMessage(
          request([data({ call_id: callId, output: 'sunny' }, MEDIA.functionCallOutput)], {
            taskId: task.id,
            contextId: task.contextId,
          }),
          timeout(),
        ),
      )
      expect(done.id).toBe(task.id)
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(answerOf(done)).toBe('Weather in Paris: sunny')
    })

    it('a plain text answer works too (lenient path)', async () => {
      const { task } = await askWeather()
      const done = asTask(
        await demo.sendMessage(request('sunny', { taskId: task.id, contextId: task.contextId }), timeout()),
      )
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(answerOf(done)).toBe('Weather in Paris: sunny')
    })
  })

  describe('approval through INPUT_REQUIRED', () => {
    const askDeploy = async () => {
      const task = asTask(await demo.sendMessage(request('deploy to production'), timeout()))
      expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const ask = task.status?.message?.parts.find((p) => p.mediaType === MEDIA.approvalRequest)
      const value = ask?.content?.$case === 'data' ? (ask.content.value as { call_id?: unknown; name?: unknown }) : {}
      expect(value.name).toBe('deploy')
      expect(typeof value.call_id).toBe('string')
      return { task, callId: String(value.call_id) }
    }

    it('an approval-response data part {approved: true} deploys', async () => {
      const { task, callId } = await askDeploy()
      const done = asTask(
        await demo.sendMessage(
          request([data({ call_id: callId, approved: true }, MEDIA.approvalResponse)], {
            taskId: task.id,
            contextId: task.contextId,
          }),
          timeout(),
        ),
      )
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(answerOf(done)).toBe('Deployment finished.')
    })

    it('plain text "no" denies', async () => {
      const { task } = await askDeploy()
      const done = asTask(
        await demo.sendMessage(request('no', { taskId: task.id, contextId: task.contextId }), timeout()),
      )
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(answerOf(done)).toBe('Deployment cancelled.')
    })
  })

  it('multi-turn by contextId: a new task on the same context remembers the conversation', async () => {
    const first = asTask(await demo.sendMessage(request('my name is Ada'), timeout()))
    expect(first.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    const second = asTask(
      await demo.sendMessage(request('what is my name?', { contextId: first.contextId }), timeout()),
    )
    expect(second.id).not.toBe(first.id)
    expect(second.contextId).toBe(first.contextId)
    expect(second.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(answerOf(second)).toBe('Your name is Ada.')
  })

  describe('push notifications', () => {
    /** Every push is an SDK-decodable StreamResponse; the first a task, the last a COMPLETED statusUpdate; the text is whole. */
    const expectPushStream = (pushes: Received[], taskId: string, n: number) => {
      const events = pushes.map(decodePush)
      for (const [i, push] of pushes.entries()) {
        expect(push.headers['content-type']).toMatch(/^application\/a2a\+json/)
        const keys = Object.keys(JSON.parse(push.body) as object)
        expect(keys).toHaveLength(1)
        expect(['task', 'statusUpdate', 'artifactUpdate']).toContain(keys[0])
        const payload = events[i]?.payload
        expect(payload).toBeDefined()
        expect(payload?.$case === 'task' ? payload.value.id : payload?.value.taskId).toBe(taskId)
      }
      expect(events[0]?.payload?.$case).toBe('task')
      expectCompletedLast(events)
      expect(streamedAnswer(events)).toBe(countText(n))
    }

    it('a config created for a running task gets every event, with the token; get/list/delete round-trip', async () => {
      const task = await startCount(40)
      const url = hookUrl()
      const created = await slow.createTaskPushNotificationConfig(
        pushConfig(task.id, url, { token: 'tok-123' }),
        timeout(),
      )
      expect(created.id).toBeTruthy()
      expect(created.taskId).toBe(task.id)
      expect(created.url).toBe(url)
      expect(created.token).toBe('tok-123')

      const got = await slow.getTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: created.id }, timeout())
      expect(got).toMatchObject({ id: created.id, taskId: task.id, url, token: 'tok-123' })
      const listed = await slow.listTaskPushNotificationConfig(
        { tenant: '', taskId: task.id, pageSize: 0, pageToken: '' },
        timeout(),
      )
      expect(listed.configs.map((c) => c.id)).toEqual([created.id])

      const pushes = await pushesUntilTerminal(url)
      for (const push of pushes) expect(push.headers['x-a2a-notification-token']).toBe('tok-123')
      expectPushStream(pushes, task.id, 40)

      await slow.deleteTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: created.id }, timeout())
      expect(
        (
          await slow.listTaskPushNotificationConfig(
            { tenant: '', taskId: task.id, pageSize: 0, pageToken: '' },
            timeout(),
          )
        ).configs,
      ).toEqual([])
      const error = await rejection(
        slow.getTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: created.id }, timeout()),
      )
      expect((error as Error).name).toBe('TaskNotFoundError')
    })

    it('the inline form: configuration.taskPushNotificationConfig on sendMessage', async () => {
      const url = hookUrl()
      const task = asTask(
        await slow.sendMessage(
          request('count to 20', {}, { taskPushNotificationConfig: pushConfig('', url, { token: 'inline-tok' }) }),
          timeout(),
        ),
      )
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      const pushes = await pushesUntilTerminal(url)
      for (const push of pushes) expect(push.headers['x-a2a-notification-token']).toBe('inline-tok')
      expectPushStream(pushes, task.id, 20)
      const listed = await slow.listTaskPushNotificationConfig(
        { tenant: '', taskId: task.id, pageSize: 0, pageToken: '' },
        timeout(),
      )
      expect(listed.configs).toHaveLength(1)
      expect(listed.configs[0]).toMatchObject({ taskId: task.id, url, token: 'inline-tok' })
    })

    it('a config created while the task waits in INPUT_REQUIRED follows the resumed turn to COMPLETED', async () => {
      const task = asTask(await demo.sendMessage(request('What is the weather in Paris?'), timeout()))
      expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const url = hookUrl()
      await demo.createTaskPushNotificationConfig(pushConfig(task.id, url, { token: 'paused' }), timeout())
      await until(() => (pushesTo(url).length ? true : undefined), 5_000, 'the snapshot push')
      expect(stateOf(decodePush(pushesTo(url)[0] as Received))).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      await demo.sendMessage(request('foggy', { taskId: task.id, contextId: task.contextId }), timeout())
      const events = (await pushesUntilTerminal(url)).map(decodePush)
      expect(streamedAnswer(events)).toBe('Weather in Paris: foggy')
      expectCompletedLast(events)
    })

    it('authentication {scheme: Bearer, credentials} is sent as the Authorization header', async () => {
      const task = await startCount(20)
      const url = hookUrl()
      await slow.createTaskPushNotificationConfig(
        pushConfig(task.id, url, { authentication: { scheme: 'Bearer', credentials: 'xyz' } }),
        timeout(),
      )
      const pushes = await pushesUntilTerminal(url)
      expect(pushes.length).toBeGreaterThan(1)
      for (const push of pushes) expect(push.headers.authorization).toBe('Bearer xyz')
      expectPushStream(pushes, task.id, 20)
    })
  })

  it('push config responses hold only TaskPushNotificationConfig fields (the bridge adds its internal `version`)', async () => {
    // The SDK drops unknown fields, so this is checked on the raw responses the SDK's transport received.
    const raw: unknown[] = []
    const capturing: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if ((res.headers.get('content-type') ?? '').includes('json')) raw.push(await res.clone().json())
      return res
    }
    const transport =
      binding === 'JSONRPC'
        ? new JsonRpcTransportFactory({ fetchImpl: capturing })
        : new RestTransportFactory({ fetchImpl: capturing })
    const client = await new ClientFactory({ transports: [transport] }).createFromUrl(`${bridge.url}/a2a/demo/`)
    expect(client.transport.protocolName).toBe(binding)
    const task = asTask(await client.sendMessage(request('hello'), timeout()))
    raw.length = 0
    const created = await client.createTaskPushNotificationConfig(
      pushConfig(task.id, hookUrl(), { token: 't' }),
      timeout(),
    )
    await client.getTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: created.id }, timeout())
    await client.listTaskPushNotificationConfig({ tenant: '', taskId: task.id, pageSize: 0, pageToken: '' }, timeout())
    const results = raw.map((body) => (binding === 'JSONRPC' ? (body as { result?: unknown }).result : body))
    expect(results, JSON.stringify(raw)).toHaveLength(3)
    const [createdRaw, gotRaw, listedRaw] = results as [object, object, { configs: object[] }]
    const fields = ['tenant', 'id', 'taskId', 'url', 'token', 'authentication']
    for (const config of [createdRaw, gotRaw, ...listedRaw.configs])
      expect(Object.keys(config).filter((k) => !fields.includes(k))).toEqual([])
  })

  describe('errors arrive as SDK error classes', () => {
    it('getTask of an unknown id: TaskNotFoundError', async () => {
      const error = await rejection(demo.getTask({ tenant: '', id: 'no-such-task' }, timeout()))
      expect(error).toBeInstanceOf(TaskNotFoundError)
      expect((error as Error).name).toBe('TaskNotFoundError')
    })

    it("sending to a completed task's taskId: UnsupportedOperationError", async () => {
      const task = asTask(await demo.sendMessage(request('hello'), timeout()))
      const error = await rejection(
        demo.sendMessage(request('hello again', { taskId: task.id, contextId: task.contextId }), timeout()),
      )
      expect(error).toBeInstanceOf(UnsupportedOperationError)
      expect((error as Error).name).toBe('UnsupportedOperationError')
    })
  })
})

describe('@a2a-js/sdk v0.3 compat client (LegacyJsonRpcTransport)', () => {
  let demo: Client
  let slow: Client

  beforeAll(async () => {
    const demoCard = await factoryFor('JSONRPC')
      .createFromUrl(`${bridge.url}/a2a/demo/`)
      .then((c) => c.getAgentCard(timeout()))
    const slowCard = await factoryFor('JSONRPC')
      .createFromUrl(`${bridge.url}/a2a/slow/`)
      .then((c) => c.getAgentCard(timeout()))
    demo = new SdkClient(new LegacyJsonRpcTransport({ endpoint: `${bridge.url}/a2a/demo` }), demoCard)
    slow = new SdkClient(new LegacyJsonRpcTransport({ endpoint: `${bridge.url}/a2a/slow` }), slowCard)
  })

  it('speaks v0.3', () => {
    expect(demo.protocolVersion).toBe('0.3')
  })

  it('sendMessage returns a completed task with the answer', async () => {
    const task = asTask(await demo.sendMessage(request('hello'), timeout()))
    expect(task.id).toBeTruthy()
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(answerOf(task)).toBe(HELLO)
  })

  it('sendMessageStream: every event decodes (known states), a task first, the answer whole, COMPLETED last', async () => {
    const events = await collect(demo.sendMessageStream(request('hello'), timeout()))
    for (const event of events) {
      expect(event.payload).toBeDefined()
      const state = stateOf(event)
      if (state !== undefined) expect(state).toBeGreaterThan(TaskState.TASK_STATE_UNSPECIFIED)
    }
    expect(events[0]?.payload?.$case).toBe('task')
    expect(streamedAnswer(events)).toBe(HELLO)
    expectCompletedLast(events)
  })

  it('getTask returns the task with its history and answer', async () => {
    const sent = asTask(await demo.sendMessage(request('hello'), timeout()))
    const task = await demo.getTask({ tenant: '', id: sent.id }, timeout())
    expect(task.id).toBe(sent.id)
    expect(task.contextId).toBe(sent.contextId)
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(answerOf(task)).toBe(HELLO)
    expect(task.history.some((m) => m.role === Role.ROLE_USER && partsText(m.parts) === 'hello')).toBe(true)
    const error = await rejection(demo.getTask({ tenant: '', id: 'no-such-task' }, timeout()))
    expect((error as Error).name).toBe('TaskNotFoundError')
  })

  it('cancelTask cancels a running slow task', async () => {
    const task = asTask(await slow.sendMessage(request('count to 300', {}, { returnImmediately: true }), timeout()))
    expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(task.status?.state)
    const canceled = await slow.cancelTask({ tenant: '', id: task.id, metadata: undefined }, timeout())
    expect(canceled.id).toBe(task.id)
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED)
    // Canceled already is not cancelable (A2A §3.1.5).
    const again = await rejection(slow.cancelTask({ tenant: '', id: task.id, metadata: undefined }, timeout()))
    expect((again as Error).name).toBe('TaskNotCancelableError')
  })
})
