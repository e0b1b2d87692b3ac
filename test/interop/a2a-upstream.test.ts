// Third-party A2A upstreams (agents served by @a2a-js/sdk's own server) behind the bridge, asked through every face
// with the shared third-party client drivers. Each upstream does one thing real A2A agents do that a bridge must
// cope with; see test/interop/a2a-agents.ts.
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { readAll } from '../helpers/sse.js'
import type { SdkAgentKind, SdkUpstream } from './a2a-agents.js'
import { SAYS, serveSdkAgent } from './a2a-agents.js'
import { CONVERSATIONS, FACE_CLIENTS } from './clients.js'

/** The bridge's id for each upstream. */
const AGENTS: Record<SdkAgentKind, string> = {
  message: 'sdk-message',
  'status-answer': 'sdk-status-answer',
  'refuses-streamed-follow-up': 'sdk-refuses-streamed-follow-up',
  'no-streaming': 'sdk-no-streaming',
  asks: 'sdk-asks',
  chatter: 'sdk-chatter',
}
const KINDS = Object.keys(AGENTS) as SdkAgentKind[]

let bridge: RunningBridge
const upstreams = {} as Record<SdkAgentKind, SdkUpstream>

beforeAll(async () => {
  for (const kind of KINDS) upstreams[kind] = await serveSdkAgent(kind)
  bridge = await startBridge({
    agents: KINDS.map((kind) => ({ id: AGENTS[kind], dialect: 'a2a' as const, url: upstreams[kind].url })),
  })
})
afterAll(async () => {
  await bridge?.close()
  await Promise.all(Object.values(upstreams).map((u) => u.close()))
})

// ── plain-fetch helpers for the bridge's own faces ───────────────────────────────────────────────────────────────

const CALL_MS = 10_000
const openai = () => new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x', maxRetries: 0, timeout: CALL_MS })

type Json = Record<string, unknown>
type V1Part = { text?: string }
type V1Message = { messageId: string; role: string; parts: V1Part[]; taskId?: string; contextId?: string }
type V1Status = { state: string; message?: V1Message }
type V1Task = { id: string; contextId: string; status: V1Status; artifacts?: { parts: V1Part[] }[] }
type V1Event = {
  task?: V1Task
  message?: V1Message
  statusUpdate?: { taskId: string; status: V1Status }
  artifactUpdate?: { taskId: string; artifact: { parts: V1Part[] } }
}
type V03Part = { kind: string; text?: string }
type V03Message = { kind: 'message'; messageId: string; role: string; parts: V03Part[] }
type V03Task = {
  kind: 'task'
  id: string
  contextId: string
  status: { state: string; message?: V03Message }
  artifacts?: { parts: V03Part[] }[]
}
type V03Event =
  | V03Task
  | V03Message
  | { kind: 'status-update'; taskId: string; status: { state: string; message?: V03Message }; final?: boolean }
  | { kind: 'artifact-update'; taskId: string; artifact: { parts: V03Part[] } }

const text = (parts: { text?: string }[] | undefined) => (parts ?? []).map((p) => p.text ?? '').join('')

function v1Message(prompt: string, follows?: { taskId: string; contextId: string }): Json {
  return { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: prompt }], ...follows }
}
function v03Message(prompt: string, follows?: { taskId: string; contextId: string }): Json {
  return {
    kind: 'message',
    messageId: crypto.randomUUID(),
    role: 'user',
    parts: [{ kind: 'text', text: prompt }],
    ...follows,
  }
}

const rpcBody = (method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })

/** A JSON-RPC call to the bridge's A2A face (v1.0 with the header, v0.3 without); its `result`. */
async function rpc<T>(agent: string, method: string, params: unknown, version: '1.0' | '0.3' = '1.0'): Promise<T> {
  const res = await fetch(`${bridge.url}/a2a/${agent}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(version === '1.0' ? { 'a2a-version': '1.0' } : {}) },
    body: rpcBody(method, params),
    signal: AbortSignal.timeout(CALL_MS),
  })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { result?: T; error?: unknown }
  expect(body.error, JSON.stringify(body.error)).toBeUndefined()
  return body.result as T
}

/** A streamed JSON-RPC call to the bridge's A2A face: every event's `result`. */
async function rpcStream<T>(agent: string, method: string, params: unknown, version: '1.0' | '0.3' = '1.0') {
  const res = await fetch(`${bridge.url}/a2a/${agent}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(version === '1.0' ? { 'a2a-version': '1.0' } : {}) },
    body: rpcBody(method, params),
    signal: AbortSignal.timeout(CALL_MS),
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  return (await readAll(res)).map((e) => {
    const body = JSON.parse(e.data) as { result?: T; error?: unknown }
    expect(body.error, JSON.stringify(body.error)).toBeUndefined()
    return body.result as T
  })
}

/** The ACP face, plain fetch: a JSON call and its status and body. */
async function acp(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${bridge.url}/acp${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(CALL_MS),
  })
  return { status: res.status, body: (await res.json()) as Json }
}
const acpInput = (prompt: string) => ({ messages: [{ role: 'user', content: prompt }] })
type AcpWait = { run: { run_id: string; status: string }; output: { type: string; interrupt?: unknown; values?: Json } }

/** The calls an upstream got from `from` on (an index into its call log). */
const callsSince = (kind: SdkAgentKind, from: number) => upstreams[kind].calls.slice(from)

// ── 1. an agent that answers with a Message ──────────────────────────────────────────────────────────────────────

describe('1. an SDK agent that answers with a Message, no task (A2A conformance DM-MSG-001)', () => {
  const agent = AGENTS.message

  it.each(FACE_CLIENTS)('$name gets exactly the direct answer', async (client) => {
    expect(await client.ask(bridge.url, agent, 'hello')).toBe(SAYS.direct)
  })

  it('the A2A face answers a blocking v1.0 SendMessage with a Message, not a Task', async () => {
    const result = await rpc<{ message?: V1Message; task?: unknown }>(agent, 'SendMessage', {
      message: v1Message('hello'),
    })
    expect(result.task).toBeUndefined()
    expect(result.message?.role).toBe('ROLE_AGENT')
    expect(text(result.message?.parts)).toBe(SAYS.direct)
  })

  it('the A2A face answers a v0.3 message/send with a message of kind "message"', async () => {
    const result = await rpc<V03Message | V03Task>(agent, 'message/send', { message: v03Message('hello') }, '0.3')
    expect(result.kind).toBe('message')
    if (result.kind !== 'message') return
    expect(result.role).toBe('agent')
    expect(result.parts).toEqual([{ kind: 'text', text: SAYS.direct }])
  })
})

// ── 2. an agent that answers in its COMPLETED status message ────────────────────────────────────────────────────

describe('2. an SDK agent that puts its answer in the final COMPLETED status message (no artifact)', () => {
  it.each(FACE_CLIENTS)('$name gets the status-message answer', async (client) => {
    expect(await client.ask(bridge.url, AGENTS['status-answer'], 'hello')).toBe(SAYS.statusAnswer)
  })
})

// ── 3. an agent that refuses streamed follow-ups ────────────────────────────────────────────────────────────────

describe('3. an SDK agent that asks a question and refuses a streamed follow-up (-32004)', () => {
  const kind = 'refuses-streamed-follow-up' as const
  const agent = AGENTS[kind]

  /** The upstream's calls on its most recent task since `from`: the refused stream, then the blocking send. */
  function expectRefusedThenBlocking(from: number) {
    const taskId = upstreams[kind].turns.at(-1)?.taskId ?? ''
    expect(taskId).not.toBe('')
    const onTask = callsSince(kind, from).filter((c) => c.taskId === taskId && c.method !== 'GetTask')
    expect(onTask.map((c) => [c.method, c.refused === true])).toEqual([
      ['SendStreamingMessage', true],
      ['SendMessage', false],
    ])
    expect(upstreams[kind].turns.at(-1)).toMatchObject({ text: 'teal', resumed: true })
  }

  it.each([false, true])('Responses (stream: %s): previous_response_id answers the question', async (stream) => {
    const client = openai()
    const first = await client.responses.create({ model: agent, input: 'paint the fence' })
    expect(first.status).toBe('completed')
    expect(first.output_text).toBe(SAYS.colorQuestion)
    const from = upstreams[kind].calls.length
    const second = stream
      ? await client.responses.stream({ model: agent, input: 'teal', previous_response_id: first.id }).finalResponse()
      : await client.responses.create({ model: agent, input: 'teal', previous_response_id: first.id })
    expect(second.status).toBe('completed')
    expect(second.output_text).toBe(SAYS.picked('teal'))
    expectRefusedThenBlocking(from)
  })

  it('A2A v1.0: a streamed follow-up on the same task completes with the answer', async () => {
    const first = await rpc<{ task: V1Task }>(agent, 'SendMessage', { message: v1Message('paint the fence') })
    expect(first.task.status.state).toBe('TASK_STATE_INPUT_REQUIRED')
    expect(text(first.task.status.message?.parts)).toBe(SAYS.colorQuestion)
    const from = upstreams[kind].calls.length
    const events = await rpcStream<V1Event>(agent, 'SendStreamingMessage', {
      message: v1Message('teal', { taskId: first.task.id, contextId: first.task.contextId }),
    })
    const answer = events.flatMap((e) => (e.artifactUpdate ? [text(e.artifactUpdate.artifact.parts)] : [])).join('')
    expect(answer).toBe(SAYS.picked('teal'))
    expect(events.at(-1)?.statusUpdate?.status.state).toBe('TASK_STATE_COMPLETED')
    for (const e of events) expect(e.statusUpdate?.taskId ?? e.task?.id ?? first.task.id).toBe(first.task.id)
    expectRefusedThenBlocking(from)
    const task = await rpc<V1Task>(agent, 'GetTask', { id: first.task.id })
    expect(task.status.state).toBe('TASK_STATE_COMPLETED')
  })

  it('A2A v0.3: a blocking message/send on the same task completes with the answer', async () => {
    const first = await rpc<V03Task>(agent, 'message/send', { message: v03Message('paint the fence') }, '0.3')
    expect(first.kind).toBe('task')
    expect(first.status.state).toBe('input-required')
    expect(text(first.status.message?.parts)).toBe(SAYS.colorQuestion)
    const from = upstreams[kind].calls.length
    const second = await rpc<V03Task>(
      agent,
      'message/send',
      { message: v03Message('teal', { taskId: first.id, contextId: first.contextId }) },
      '0.3',
    )
    expect(second.id).toBe(first.id)
    expect(second.status.state).toBe('completed')
    expect((second.artifacts ?? []).map((a) => text(a.parts)).join('')).toBe(SAYS.picked('teal'))
    expectRefusedThenBlocking(from)
  })

  it('ACP: resuming the interrupted run with the answer completes it', async () => {
    const waited = await acp('POST', '/runs/wait', { agent_id: agent, input: acpInput('paint the fence') })
    expect(waited.status).toBe(200)
    const paused = waited.body as unknown as AcpWait
    expect(paused.run.status).toBe('interrupted')
    expect(paused.output).toEqual({ type: 'interrupt', interrupt: { input: { question: SAYS.colorQuestion } } })
    const from = upstreams[kind].calls.length
    const resumed = await acp('POST', `/runs/${paused.run.run_id}`, { answer: 'teal' })
    expect(resumed.status).toBe(200)
    const done = (await acp('GET', `/runs/${paused.run.run_id}/wait`)).body as unknown as AcpWait
    expect(done.run.status).toBe('success')
    expect(done.output.type).toBe('result')
    expectRefusedThenBlocking(from)
    // The answer, as an ACP client reads it: `values.text` is the latest answer (README, ACP mapping).
    expect(done.output.values?.text).toBe(SAYS.picked('teal'))
  })
})

// ── 4. an agent that cannot stream ──────────────────────────────────────────────────────────────────────────────

describe('4. an SDK agent whose card says streaming: false', () => {
  const kind = 'no-streaming' as const

  it.each(FACE_CLIENTS)('$name gets the answer', async (client) => {
    expect(await client.ask(bridge.url, AGENTS[kind], 'hello')).toBe(SAYS.blocking)
  })

  it('the bridge sends it blocking and polls the task, never asking it to stream', async () => {
    const from = upstreams[kind].calls.length
    const response = await openai().responses.stream({ model: AGENTS[kind], input: 'hello' }).finalResponse()
    expect(response.output_text).toBe(SAYS.blocking)
    const calls = callsSince(kind, from)
    const taskId = upstreams[kind].turns.at(-1)?.taskId ?? ''
    expect(calls.map((c) => c.method)).not.toContain('SendStreamingMessage')
    expect(calls[0]).toMatchObject({ method: 'SendMessage', taskId: '' })
    // The agent takes 150 ms: the answer was fetched by polling the task it named.
    expect(calls.filter((c) => c.method === 'GetTask').length).toBeGreaterThan(0)
    for (const c of calls.slice(1)) expect(c).toEqual({ method: 'GetTask', taskId })
  })
})

// ── 5. an agent that pauses for input (streaming allowed) ───────────────────────────────────────────────────────

describe('5. an SDK agent that pauses with INPUT_REQUIRED and takes a follow-up', () => {
  const kind = 'asks' as const
  const agent = AGENTS[kind]

  /** The last two turns upstream: the question, then the answer, on one upstream task. */
  function expectSameUpstreamTask(answer: string) {
    const [asked, answered] = upstreams[kind].turns.slice(-2)
    expect(answered).toMatchObject({ taskId: asked?.taskId, text: answer, resumed: true })
  }

  // The interrupt flow fits the conversations that continue with previous_response_id: a free-form question ends the
  // first response as an answer. The A2A and ACP conversation drivers want a completed first turn (the task, the
  // thread run); those faces answer a paused task through their own resume mechanisms, tested below.
  const fitting = CONVERSATIONS.filter((c) => !/^(a2a|acp)/.test(c.name))
  it('the conversations the interrupt flow fits are the Responses ones', () => {
    expect(fitting.map((c) => c.name)).toEqual([
      'openai responses.create',
      'openai responses.create stream',
      'openai responses.stream()',
      'ai-sdk streamText',
    ])
  })

  it.each(fitting)('$name: the second turn answers the question', async (conversation) => {
    expect(await conversation.converse(bridge.url, agent, 'plan a trip', 'Lisbon')).toEqual({
      first: SAYS.tripQuestion,
      second: SAYS.booked('Lisbon'),
    })
    expectSameUpstreamTask('Lisbon')
  })

  it.each(['1.0', '0.3'] as const)('A2A v%s: a streamed follow-up on the paused task gets the answer', async (v) => {
    if (v === '1.0') {
      const first = await rpcStream<V1Event>(agent, 'SendStreamingMessage', { message: v1Message('plan a trip') })
      const paused = first.at(-1)?.statusUpdate
      expect(paused?.status.state).toBe('TASK_STATE_INPUT_REQUIRED')
      expect(text(paused?.status.message?.parts)).toBe(SAYS.tripQuestion)
      const contextId = first.find((e) => e.task)?.task?.contextId ?? ''
      const second = await rpcStream<V1Event>(agent, 'SendStreamingMessage', {
        message: v1Message('Porto', { taskId: paused?.taskId ?? '', contextId }),
      })
      expect(second.flatMap((e) => (e.artifactUpdate ? [text(e.artifactUpdate.artifact.parts)] : [])).join('')).toBe(
        SAYS.booked('Porto'),
      )
      expect(second.at(-1)?.statusUpdate?.status.state).toBe('TASK_STATE_COMPLETED')
    } else {
      const first = await rpcStream<V03Event>(agent, 'message/stream', { message: v03Message('plan a trip') }, '0.3')
      const paused = first.at(-1)
      if (paused?.kind !== 'status-update') throw new Error(`expected a status update last: ${JSON.stringify(paused)}`)
      expect(paused.status.state).toBe('input-required')
      expect(paused.final).toBe(true)
      expect(text(paused.status.message?.parts)).toBe(SAYS.tripQuestion)
      const task = first.find((e) => e.kind === 'task')
      const second = await rpcStream<V03Event>(
        agent,
        'message/stream',
        {
          message: v03Message('Porto', {
            taskId: paused.taskId,
            contextId: task?.kind === 'task' ? task.contextId : '',
          }),
        },
        '0.3',
      )
      const answer = second.flatMap((e) => (e.kind === 'artifact-update' ? [text(e.artifact.parts)] : [])).join('')
      expect(answer).toBe(SAYS.booked('Porto'))
      const last = second.at(-1)
      expect(last?.kind === 'status-update' && last.status.state).toBe('completed')
    }
    expectSameUpstreamTask('Porto')
  })

  it('ACP: a streamed run ends with the interrupt; the resumed run, joined, streams the answer', async () => {
    const res = await fetch(`${bridge.url}/acp/runs/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: agent, input: acpInput('plan a trip') }),
      signal: AbortSignal.timeout(CALL_MS),
    })
    expect(res.status).toBe(200)
    const first = (await readAll(res)).map((e) => JSON.parse(e.data) as Json)
    expect(first.at(-1)).toMatchObject({
      type: 'interrupt',
      status: 'interrupted',
      interrupt: { input: { question: SAYS.tripQuestion } },
    })
    const runId = String(first.at(-1)?.run_id)
    expect((await acp('POST', `/runs/${runId}`, 'Faro')).status).toBe(200)
    const joined = await fetch(`${bridge.url}/acp/runs/${runId}/stream`, { signal: AbortSignal.timeout(CALL_MS) })
    const last = (await readAll(joined)).map((e) => JSON.parse(e.data) as Json).at(-1)
    expect(last).toMatchObject({ type: 'values', status: 'success' })
    expectSameUpstreamTask('Faro')
    expect((last?.values as Json | undefined)?.text).toBe(SAYS.booked('Faro'))
  })
})

// ── 6. an agent that chatters in WORKING status messages ────────────────────────────────────────────────────────

describe('6. an SDK agent that says "working…" in a WORKING status before its answer artifact', () => {
  const agent = AGENTS.chatter

  it('the openai SDK output_text is exactly the answer, streamed or not', async () => {
    const client = openai()
    expect((await client.responses.create({ model: agent, input: 'hello' })).output_text).toBe(SAYS.realAnswer)
    const streamed = await client.responses.stream({ model: agent, input: 'hello' }).finalResponse()
    expect(streamed.output_text).toBe(SAYS.realAnswer)
  })

  it.each(FACE_CLIENTS)('$name gets exactly the answer', async (client) => {
    expect(await client.ask(bridge.url, agent, 'hello')).toBe(SAYS.realAnswer)
  })

  it('the A2A face still shows the WORKING status message, apart from the answer artifact', async () => {
    const events = await rpcStream<V1Event>(agent, 'SendStreamingMessage', { message: v1Message('hello') })
    const progress = events.filter(
      (e) => e.statusUpdate?.status.state === 'TASK_STATE_WORKING' && e.statusUpdate.status.message,
    )
    expect(progress.map((e) => text(e.statusUpdate?.status.message?.parts))).toEqual([SAYS.chatter])
    const answer = events.flatMap((e) => (e.artifactUpdate ? [text(e.artifactUpdate.artifact.parts)] : [])).join('')
    expect(answer).toBe(SAYS.realAnswer)
    // The chatter comes before the answer.
    expect(events.indexOf(progress[0]!)).toBeLessThan(events.findIndex((e) => e.artifactUpdate))
    expect(events.at(-1)?.statusUpdate?.status.state).toBe('TASK_STATE_COMPLETED')
  })

  it('v0.3 message/stream shows it as a working status-update', async () => {
    const events = await rpcStream<V03Event>(agent, 'message/stream', { message: v03Message('hello') }, '0.3')
    const progress = events.flatMap((e) =>
      e.kind === 'status-update' && e.status.state === 'working' && e.status.message
        ? [text(e.status.message.parts)]
        : [],
    )
    expect(progress).toEqual([SAYS.chatter])
  })
})
