// An Orq.ai agent behind the bridge (the Orq test server, test/helpers/orq-server.ts, written from the wire digest and
// held to the official SDK's shapes), asked through every face with the shared third-party clients: the openai SDK,
// the Vercel AI SDK, the @a2a-js/sdk client and the typed ACP client. Each turn is one `stream-task` call; the
// upstream task (`task_id`) carries the conversation and the answer to a client-tool pause.
import { randomUUID } from 'node:crypto'
import { createOpenAI } from '@ai-sdk/openai'
import type { Part, SendMessageRequest, Task } from '@a2a-js/sdk'
import { TaskState } from '@a2a-js/sdk'
import { ClientFactory, ClientFactoryOptions, Client as SdkClient } from '@a2a-js/sdk/client'
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client'
import { jsonSchema, stepCountIs, streamText, tool } from 'ai'
import OpenAI from 'openai'
import createClient from 'openapi-fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import type { components, paths } from '../../src/generated/acp.js'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import type { OrqRequest, OrqServer } from '../helpers/orq-server.js'
import { orqText, startOrqServer } from '../helpers/orq-server.js'
import { payloads, readAll } from '../helpers/sse.js'
import { CONVERSATIONS, FACE_CLIENTS, sendRequest } from './clients.js'
import type { OrqProxy } from './orq-proxy.js'
import { startOrqProxy } from './orq-proxy.js'

const AGENT = 'orq-agent'
/** The same Orq agent reached through a proxy that notes when each stream event passed. */
const TIMED = 'orq-timed'
/** The same Orq agent, with `stream_timeout_seconds: 30`. */
const SHORT = 'orq-30s'
const KEY = 'trip-helper'
const CALL_MS = 12_000

let orq: OrqServer
let timed: OrqProxy
let bridge: RunningBridge

const orqAgent = (id: string, url: string, apiKey: string, extra: Record<string, unknown> = {}) => ({
  id,
  dialect: 'orq' as const,
  url,
  headers: { authorization: `Bearer ${apiKey}` },
  orq: { agentKey: KEY, ...extra },
})

beforeAll(async () => {
  orq = await startOrqServer()
  timed = await startOrqProxy(orq.url)
  bridge = await startBridge({
    agents: [
      orqAgent(AGENT, orq.url, orq.apiKey),
      orqAgent(TIMED, timed.url, orq.apiKey),
      orqAgent(SHORT, orq.url, orq.apiKey, { streamTimeoutSeconds: 30 }),
    ],
  })
})
afterAll(async () => {
  await bridge?.close()
  await timed?.close()
  await orq?.close()
})

// ── what the Orq server saw ─────────────────────────────────────────────────────────────────────────────────────

type Json = Record<string, unknown>
interface SentBody {
  task_id?: string
  message: { role: string; messageId?: string; parts: Json[] }
  stream_timeout_seconds?: number
}

const STREAM_PATH = `/v2/agents/${KEY}/stream-task`
const turnsOn = (server: OrqServer) => server.requests.filter((r) => r.method === 'POST' && r.path === STREAM_PATH)
const bodyOf = (r: OrqRequest | undefined) => r?.body as SentBody | undefined
const sentText = (r: OrqRequest) =>
  (bodyOf(r)?.message.parts ?? []).map((p) => (p.kind === 'text' ? String(p.text) : '')).join('')
/**
 * The stream-task calls Orq took whose user text is exactly `text`. A continuation that found the task still
 * finishing its last stream (409) was sent again; those refusals are left out, and must be all there is besides.
 */
function sentWith(text: string, server = orq) {
  const sent = turnsOn(server).filter((r) => sentText(r) === text)
  expect(sent.filter((r) => r.status !== 200).map((r) => r.status)).toEqual(
    sent.filter((r) => r.status === 409).map(() => 409),
  )
  return sent.filter((r) => r.status === 200)
}
/** The id of the client-tool call `text` made Orq pause on (the agent's tool_call part in the task). */
function pendingCall(text: string, server = orq): string {
  const call = taskOf(text, server)
    .messages.flatMap((m) => (m.role === 'agent' ? m.parts : []))
    .find((p) => p.kind === 'tool_call' && p.tool_name === 'get_weather')
  return String(call?.tool_call_id)
}
/** The Orq task that `text` started (its first user message). */
function taskOf(text: string, server = orq) {
  const task = [...server.tasks.values()].find((t) =>
    t.messages.some((m) => m.role === 'user' && m.parts.some((p) => p.kind === 'text' && p.text === text)),
  )
  if (!task) throw new Error(`no Orq task for ${JSON.stringify(text)}`)
  return task
}

// ── the bridge's faces, driven directly ─────────────────────────────────────────────────────────────────────────

const timeout = () => ({ signal: AbortSignal.timeout(CALL_MS) })

async function until(done: () => boolean, what: string, ms = 2_000) {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
const openai = (url = bridge.url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0, timeout: CALL_MS })
type Item = OpenAI.Responses.ResponseOutputItem

const itemText = (item: Item | undefined) =>
  item?.type === 'message' ? item.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('') : ''
const phaseOf = (item: Item) => (item as { phase?: string | null }).phase ?? undefined
/** The messages of a response, as `[phase, text]`. */
const messagesOf = (output: Item[]) =>
  output.flatMap((item) => (item.type === 'message' ? [[phaseOf(item) ?? 'answer', itemText(item)]] : []))

const A2A_EXT = 'urn:dialect-bridge:a2a:v1'
const MEDIA = {
  functionCall: 'application/vnd.dialect-bridge.function-call+json',
  functionCallOutput: 'application/vnd.dialect-bridge.function-call-output+json',
}

type V1Part = { text?: string; data?: unknown; mediaType?: string }
type V1Message = { role: string; parts: V1Part[]; metadata?: Json }
type V1Status = { state: string; message?: V1Message }
type V1Event = {
  task?: { id: string; contextId: string; status: V1Status }
  statusUpdate?: { taskId: string; status: V1Status; metadata?: Json }
  artifactUpdate?: { taskId: string; artifact: { parts: V1Part[]; metadata?: Json } }
}
const partsText = (parts: { text?: string }[] | undefined) => (parts ?? []).map((p) => p.text ?? '').join('')
const extOf = (metadata: Json | undefined) => (metadata?.[A2A_EXT] ?? {}) as Json

/** A v1.0 SendStreamingMessage to the bridge's A2A face: each event's `result`. */
async function a2aStream(agent: string, prompt: string): Promise<V1Event[]> {
  const res = await fetch(`${bridge.url}/a2a/${agent}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'SendStreamingMessage',
      params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: prompt }] } },
    }),
    ...timeout(),
  })
  expect(res.status).toBe(200)
  return (await readAll(res)).map((e) => {
    const body = JSON.parse(e.data) as { result?: V1Event; error?: unknown }
    expect(body.error, JSON.stringify(body.error)).toBeUndefined()
    return body.result as V1Event
  })
}
const answerOf = (events: V1Event[]) =>
  events.flatMap((e) => (e.artifactUpdate ? [partsText(e.artifactUpdate.artifact.parts)] : [])).join('')
/** The WORKING status messages, as `[kind, executionId, text]` from the bridge's A2A extension metadata. */
const progressOf = (events: V1Event[]) =>
  events.flatMap((e) => {
    const message = e.statusUpdate?.status.state === 'TASK_STATE_WORKING' ? e.statusUpdate.status.message : undefined
    if (!message || !partsText(message.parts)) return []
    const ext = extOf(message.metadata)
    return [[ext.kind, ext.executionId, partsText(message.parts)]]
  })

type S = components['schemas']
const acp = (url = bridge.url) =>
  createClient<paths>({
    baseUrl: url,
    fetch: (request) => fetch(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(CALL_MS)]) }),
  })

/** The canonical events of a run, as an ACP client sees them in `custom` stream mode. */
async function acpCustom(url: string, prompt: string): Promise<(AgentEvent | undefined)[]> {
  const res = await fetch(`${url}/acp/runs/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      agent_id: AGENT,
      input: { messages: [{ role: 'user', content: prompt }] },
      stream_mode: 'custom',
    }),
    ...timeout(),
  })
  expect(res.status).toBe(200)
  return (payloads(await readAll(res)) as { type?: string; update?: { event?: AgentEvent } }[])
    .filter((d) => d.type === 'custom')
    .map((d) => d.update?.event)
}

// ── 1. every face, the plain scenarios ──────────────────────────────────────────────────────────────────────────

describe('every face gets exactly the Orq agent’s answer', () => {
  it.each(FACE_CLIENTS)('$name: a plain question', async (client) => {
    const prompt = `Hello from ${client.name}`
    expect(await client.ask(bridge.url, AGENT, prompt)).toBe(orqText.plain(prompt))
    // One stream-task call, a new task (no task_id), only the user's message, authorised with the configured key.
    const [sent, ...more] = sentWith(prompt)
    expect(more).toEqual([])
    expect(sent?.status).toBe(200)
    expect(sent?.headers.authorization).toBe(`Bearer ${orq.apiKey}`)
    expect(sent?.headers.accept).toMatch(/text\/event-stream/)
    expect(bodyOf(sent)?.task_id).toBeUndefined()
    expect(bodyOf(sent)?.message).toEqual(
      expect.objectContaining({ role: 'user', parts: [{ kind: 'text', text: prompt }] }),
    )
  })

  it.each(FACE_CLIENTS)('$name: a failing run is an error naming Orq’s error', async (client) => {
    await expect(client.ask(bridge.url, AGENT, `please fail (${client.name})`)).rejects.toThrow(orqText.error)
  })

  it.each(FACE_CLIENTS)('$name: a tool Orq runs itself, then the answer', async (client) => {
    expect(await client.ask(bridge.url, AGENT, 'search for flights to Lisbon')).toBe(
      orqText.search('flights to Lisbon'),
    )
  })

  it.each(FACE_CLIENTS)('$name: a tool that fails on Orq, and the agent answers anyway', async (client) => {
    const prompt = 'search for cheap hotels, or fail'
    expect(await client.ask(bridge.url, AGENT, prompt)).toBe(orqText.searchFailed('cheap hotels, or fail'))
  })
})

describe('the Responses face shows the agent’s own tool as an mcp_call', () => {
  it('a search Orq ran: an mcp_call item with its arguments and output, before the answer', async () => {
    const response = await openai().responses.create({ model: AGENT, input: 'search for trains to Porto' }, timeout())
    expect(response.status).toBe('completed')
    expect(response.output.map((item) => item.type)).toEqual(['mcp_call', 'message'])
    const call = response.output[0]
    if (call?.type !== 'mcp_call') throw new Error('no mcp_call')
    expect(call).toMatchObject({ name: 'google_search', arguments: '{"query":"trains to Porto"}', server_label: 'orq' })
    expect(JSON.parse(call.output ?? 'null')).toEqual({
      results: [{ title: 'Orq.ai docs', url: 'https://docs.orq.ai', snippet: 'About trains to Porto' }],
    })
    expect(call.error ?? null).toBeNull()
    expect(response.output_text).toBe(orqText.search('trains to Porto'))
  })

  it('streamed: the mcp_call completes before the answer’s first delta', async () => {
    const stream = await openai().responses.create(
      { model: AGENT, input: 'search for buses to Faro', stream: true },
      timeout(),
    )
    const types: string[] = []
    for await (const event of stream) types.push(event.type)
    const completed = types.indexOf('response.mcp_call.completed')
    expect(completed).toBeGreaterThan(-1)
    expect(completed).toBeLessThan(types.indexOf('response.output_text.delta'))
    expect(types.at(-1)).toBe('response.completed')
  })

  it('a search that failed on Orq: a failed mcp_call naming the error, then the answer', async () => {
    const response = await openai().responses.create(
      { model: AGENT, input: 'search for ferries, it may fail' },
      timeout(),
    )
    expect(response.status).toBe('completed')
    const call = response.output.find((item) => item.type === 'mcp_call')
    if (call?.type !== 'mcp_call') throw new Error('no mcp_call')
    expect(call.name).toBe('google_search')
    expect(JSON.stringify(call.error)).toContain(orqText.searchError)
    expect(response.output_text).toBe(orqText.searchFailed('ferries, it may fail'))
  })
})

// ── 2. a client tool: the pause, the result, the answer ─────────────────────────────────────────────────────────

const WEATHER_ARGS = '{"city":"Utrecht"}'
const RESULT = { temperature: '18°C' }
const WEATHER_ANSWER = orqText.weather('Utrecht', '18°C')
const GET_WEATHER = {
  type: 'function' as const,
  name: 'get_weather',
  strict: true,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
}

/**
 * What the Orq server got for a paused turn and its answer: the question as a new task, then a `tool` message on the
 * same task holding one `tool_result` for the pending call, with the result as JSON.
 */
async function expectToolRoundTrip(prompt: string, callId: string, server = orq) {
  const task = taskOf(prompt, server)
  // The bridge stops reading at `inactive`; the server marks the task inactive when its stream has ended.
  await until(() => !task.active, 'the Orq task to be inactive')
  const all = turnsOn(server).filter(
    (r) => sentText(r) === prompt || (bodyOf(r)?.task_id === task.id && bodyOf(r)?.message.role === 'tool'),
  )
  // A result sent while the task was still finishing its paused stream was refused (409) and sent again.
  expect(all.filter((r) => r.status !== 200).map((r) => [r.status, bodyOf(r)?.message.role])).toEqual(
    all.filter((r) => r.status === 409).map(() => [409, 'tool']),
  )
  const onTask = all.filter((r) => r.status === 200)
  expect(onTask.map((r) => [bodyOf(r)?.task_id ?? null, bodyOf(r)?.message.role])).toEqual([
    [null, 'user'],
    [task.id, 'tool'],
  ])
  expect(bodyOf(onTask[1])?.message.parts).toEqual([{ kind: 'tool_result', tool_call_id: callId, result: RESULT }])
  expect(task.state).toBe('completed')
  expect(task.messages.at(-1)?.parts).toEqual([{ kind: 'text', text: WEATHER_ANSWER }])
}

describe('a client tool through every face: Orq pauses on get_weather, the client’s result resumes the task', () => {
  it('openai SDK: a function_call item, then function_call_output with previous_response_id', async () => {
    const prompt = 'What is the weather in Utrecht? (openai)'
    const first = await openai().responses.create({ model: AGENT, input: prompt, tools: [GET_WEATHER] }, timeout())
    expect(first.status).toBe('completed')
    const calls = first.output.filter((item) => item.type === 'function_call')
    expect(calls).toEqual([expect.objectContaining({ name: 'get_weather', arguments: WEATHER_ARGS })])
    const callId = calls[0]?.type === 'function_call' ? calls[0].call_id : ''
    // The call id is Orq's own, so the result goes back under it.
    expect(callId).toBe(pendingCall(prompt))
    const second = await openai().responses.create(
      {
        model: AGENT,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: callId, output: JSON.stringify(RESULT) }],
        tools: [GET_WEATHER],
      },
      timeout(),
    )
    expect(second.status).toBe('completed')
    expect(second.output_text).toBe(WEATHER_ANSWER)
    await expectToolRoundTrip(prompt, callId)
  })

  it('openai SDK, streamed: the arguments stream in, the continuation streams the answer', async () => {
    const prompt = 'What is the weather in Utrecht? (openai stream)'
    const stream = openai().responses.stream({ model: AGENT, input: prompt, tools: [GET_WEATHER] }, timeout())
    let args = ''
    stream.on('response.function_call_arguments.delta', (e) => {
      args += e.delta
    })
    const first = await stream.finalResponse()
    expect(args).toBe(WEATHER_ARGS)
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error('no function_call')
    const second = await openai()
      .responses.stream(
        {
          model: AGENT,
          previous_response_id: first.id,
          input: [{ type: 'function_call_output', call_id: call.call_id, output: JSON.stringify(RESULT) }],
        },
        timeout(),
      )
      .finalResponse()
    expect(second.output_text).toBe(WEATHER_ANSWER)
    await expectToolRoundTrip(prompt, call.call_id)
  })

  it('Vercel AI SDK: the tool runs in the client (execute), and the next step gets the answer', async () => {
    const prompt = 'What is the weather in Utrecht? (ai-sdk)'
    const provider = createOpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x' })
    const ran: unknown[] = []
    const errors: unknown[] = []
    const result = streamText({
      model: provider.responses(AGENT),
      prompt,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(CALL_MS),
      stopWhen: stepCountIs(3),
      tools: {
        get_weather: tool({
          description: 'The current weather in a city.',
          inputSchema: jsonSchema<{ city: string }>(GET_WEATHER.parameters),
          execute: async (input) => {
            ran.push(input)
            return RESULT
          },
        }),
      },
      onError: ({ error }) => {
        errors.push(error)
      },
    })
    const text = await result.text
    expect(errors).toEqual([])
    expect(ran).toEqual([{ city: 'Utrecht' }])
    expect(text).toBe(WEATHER_ANSWER)
    const steps = await result.steps
    expect(steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop'])
    const call = steps[0]?.toolCalls[0]
    expect(call).toMatchObject({ toolName: 'get_weather', input: { city: 'Utrecht' } })
    await expectToolRoundTrip(prompt, String(call?.toolCallId))
  })

  // v0.3 parts have no media type: the extension's data parts carry it in their metadata.
  const data = (value: unknown, mediaType: string, version: '1.0' | '0.3'): Part => ({
    content: { $case: 'data', value },
    filename: '',
    mediaType,
    metadata: version === '0.3' ? { mediaType } : undefined,
  })
  const follow = (parts: Part[], task: Task): SendMessageRequest => {
    const request = sendRequest('', task.contextId)
    return { ...request, message: request.message && { ...request.message, taskId: task.id, parts } }
  }
  async function a2aSdk(version: '1.0' | '0.3') {
    const factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: ['JSONRPC'] }),
    )
    const client = await factory.createFromUrl(`${bridge.url}/a2a/${AGENT}/`)
    if (version === '1.0') return client
    return new SdkClient(
      new LegacyJsonRpcTransport({ endpoint: `${bridge.url}/a2a/${AGENT}` }),
      await client.getAgentCard(timeout()),
    )
  }
  const asTask = (result: unknown): Task => {
    if (typeof result !== 'object' || result === null || !('status' in result))
      throw new Error(`expected a Task, got ${JSON.stringify(result)}`)
    return result as Task
  }

  it.each(['1.0', '0.3'] as const)(
    '@a2a-js/sdk v%s: INPUT_REQUIRED with a function-call data part, answered on the same task',
    async (version) => {
      const prompt = `What is the weather in Utrecht? (a2a ${version})`
      const client = await a2aSdk(version)
      const paused = asTask(await client.sendMessage(sendRequest(prompt), timeout()))
      expect(paused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const calls = (paused.status?.message?.parts ?? []).flatMap((p) =>
        p.content?.$case === 'data' ? [{ value: p.content.value as Json, mediaType: p.mediaType }] : [],
      )
      expect(calls.map((c) => c.value)).toEqual([
        { call_id: expect.any(String), name: 'get_weather', arguments: WEATHER_ARGS },
      ])
      if (version === '1.0') expect(calls[0]?.mediaType).toBe(MEDIA.functionCall)
      const callId = String(calls[0]?.value.call_id)
      const output = { call_id: callId, output: JSON.stringify(RESULT) }
      const done = asTask(
        await client.sendMessage(follow([data(output, MEDIA.functionCallOutput, version)], paused), timeout()),
      )
      expect(done.id).toBe(paused.id)
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      const answer = done.artifacts
        .flatMap((a) => a.parts)
        .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
      expect(answer.join('')).toBe(WEATHER_ANSWER)
      await expectToolRoundTrip(prompt, callId)
    },
  )

  it('typed ACP client: the run is interrupted with the call, resumed with {output}, and succeeds', async () => {
    const prompt = 'What is the weather in Utrecht? (acp)'
    const client = acp()
    const waited = await client.POST('/acp/runs/wait', {
      body: { agent_id: AGENT, input: { messages: [{ role: 'user', content: prompt }] } },
    })
    expect(waited.response.status).toBe(200)
    expect(waited.data?.run?.status).toBe('interrupted')
    const output = waited.data?.output
    if (output?.type !== 'interrupt') throw new Error(`expected an interrupt: ${JSON.stringify(output)}`)
    const callId = pendingCall(prompt)
    expect(output.interrupt).toEqual({
      function_call: { calls: [{ call_id: callId, name: 'get_weather', arguments: WEATHER_ARGS }] },
    })
    const runId = waited.data?.run?.run_id ?? ''
    const resumed = await client.POST('/acp/runs/{run_id}', {
      params: { path: { run_id: runId } },
      body: { output: JSON.stringify(RESULT) } as S['ResumePayloadSchema'],
    })
    expect(resumed.response.status).toBe(200)
    const done = await client.GET('/acp/runs/{run_id}/wait', { params: { path: { run_id: runId } } })
    expect(done.data?.run?.status).toBe('success')
    const result = done.data?.output
    if (result?.type !== 'result') throw new Error(`expected a result: ${JSON.stringify(result)}`)
    expect((result.values as { text?: string }).text).toBe(WEATHER_ANSWER)
    await expectToolRoundTrip(prompt, callId)
  })
})

// ── 3. two turns: the same Orq task ─────────────────────────────────────────────────────────────────────────────

describe('two turns: the second continues the same Orq task', () => {
  it.each(CONVERSATIONS)('$name', async (conversation) => {
    const first = `My name is Ada (${conversation.name})`
    const second = `What is my name? (${conversation.name})`
    expect(await conversation.converse(bridge.url, AGENT, first, second)).toEqual({
      first: orqText.plain(first),
      second: orqText.plain(second, [first]),
    })
    const [one, ...moreOne] = sentWith(first)
    const [two, ...moreTwo] = sentWith(second)
    expect([moreOne, moreTwo]).toEqual([[], []])
    const task = taskOf(first)
    expect(bodyOf(one)?.task_id).toBeUndefined()
    // Only the new message goes: Orq keeps the conversation in the task.
    expect(bodyOf(two)?.task_id).toBe(task.id)
    expect(bodyOf(two)?.message.parts).toEqual([{ kind: 'text', text: second }])
  })
})

// ── 4. an approval Orq asks for in its own UI: reported, as commentary ──────────────────────────────────────────

// The loss table ("approvals an Orq upstream asks for"): reported only; action_review_requested / action_reviewed
// become commentary messages; the review happens in Orq.
describe('an approval reviewed in Orq: reported as commentary, then the answer', () => {
  const requested = /^Orq asks for a review of Deploy before it runs \(action \w+\)\.$/
  const reviewed = (review: string) => new RegExp(`^Orq review of action \\w+: ${review}\\.$`)

  it('Responses: the deploy call, two commentary messages, then the answer as the only final message', async () => {
    const response = await openai().responses.create({ model: AGENT, input: 'deploy the trip site' }, timeout())
    expect(response.status).toBe('completed')
    expect(response.output.map((item) => item.type)).toEqual(['mcp_call', 'message', 'message', 'message'])
    const call = response.output[0]
    if (call?.type !== 'mcp_call') throw new Error('no mcp_call')
    expect(call).toMatchObject({ name: 'deploy', arguments: '{"environment":"production"}' })
    expect(JSON.parse(call.output ?? 'null')).toEqual({ status: 'deployed', environment: 'production' })
    const messages = messagesOf(response.output)
    expect(messages).toEqual([
      ['commentary', expect.stringMatching(requested)],
      ['commentary', expect.stringMatching(reviewed('approved'))],
      ['answer', orqText.deployed],
    ])
  })

  it('Responses: a rejected review is the call’s error, and the agent says so', async () => {
    const response = await openai().responses.create({ model: AGENT, input: 'deploy, but reject it' }, timeout())
    const call = response.output.find((item) => item.type === 'mcp_call')
    if (call?.type !== 'mcp_call') throw new Error('no mcp_call')
    expect(call.name).toBe('deploy')
    expect(JSON.stringify(call.error)).toContain("Rejected in Orq's review")
    expect(messagesOf(response.output)).toEqual([
      ['commentary', expect.stringMatching(requested)],
      ['commentary', expect.stringMatching(reviewed('rejected'))],
      ['answer', orqText.deployRejected],
    ])
  })

  it('A2A: the review as WORKING status messages of kind commentary; the answer is the artifact', async () => {
    const events = await a2aStream(AGENT, 'deploy the trip site, A2A')
    const commentary = progressOf(events).filter(([kind]) => kind === 'commentary')
    expect(commentary.map(([, , text]) => text)).toEqual([
      expect.stringMatching(requested),
      expect.stringMatching(reviewed('approved')),
    ])
    expect(answerOf(events)).toBe(orqText.deployed)
    expect(events.at(-1)?.statusUpdate?.status.state).toBe('TASK_STATE_COMPLETED')
  })

  it('the canonical events (ACP custom mode): the call is Orq’s own tool, each review a commentary with its raw event', async () => {
    const events = await acpCustom(bridge.url, 'deploy the trip site, ACP')
    const call = events.find((e) => e?.type === 'tool.call.completed')
    expect(call).toMatchObject({
      name: 'deploy',
      arguments: '{"environment":"production"}',
      tool: { server: 'orq', clientSide: false },
    })
    const reviews = events.flatMap((e) =>
      e?.type === 'message.completed' && e.message.phase === 'commentary' ? [e.message] : [],
    )
    expect(reviews.map((m) => (m.ext?.orq as { type?: string } | undefined)?.type)).toEqual([
      'event.agents.action_review_requested',
      'event.agents.action_reviewed',
    ])
    expect(reviews[0]?.ext?.orq).toMatchObject({ data: { agent_tool_call_id: (call as { callId?: string }).callId } })
    // No approval is asked of the bridge's client: Orq's UI has it.
    expect(events.filter((e) => e?.type === 'interrupt')).toEqual([])
    expect(events.at(-1)?.type).toBe('run.completed')
  })
})

// ── 5. sub-agents ───────────────────────────────────────────────────────────────────────────────────────────────

describe('sub-agents: the sub-agent’s message is attributed to it, the root’s answer is the final text', () => {
  it('Responses: the sub-agent’s notes are commentary; output_text is everything, the last message the answer', async () => {
    const prompt = 'ask the team about Lisbon'
    const response = await openai().responses.create({ model: AGENT, input: prompt }, timeout())
    expect(response.status).toBe('completed')
    expect(messagesOf(response.output)).toEqual([
      ['commentary', orqText.subAgent(prompt)],
      ['answer', orqText.team(prompt)],
    ])
  })

  it('A2A: the sub-agent starts and ends, its notes carry its execution id, the artifact is the root’s answer', async () => {
    const prompt = 'delegate notes on Porto'
    const events = await a2aStream(AGENT, prompt)
    const sub = orq.agents.sub.id
    const agentNews = events.flatMap((e) => {
      const news = extOf(e.statusUpdate?.metadata ?? e.statusUpdate?.status.message?.metadata).agent as Json | undefined
      return news ? [[news.event, news.executionId]] : []
    })
    expect(agentNews).toEqual([
      ['started', sub],
      ['completed', sub],
    ])
    const fromSub = progressOf(events).filter(([, executionId]) => executionId === sub)
    expect(fromSub.map(([, , text]) => text)).toEqual([orqText.subAgent(prompt)])
    expect(answerOf(events)).toBe(orqText.team(prompt))
  })
})

// ── 6. failures: a dropped stream, a timeout ────────────────────────────────────────────────────────────────────

describe('a stream that drops mid-turn fails the run, naming the drop (Orq has no resume)', () => {
  it.each(FACE_CLIENTS)('$name', async (client) => {
    const prompt = `drop the line (${client.name})`
    const started = Date.now()
    await expect(client.ask(bridge.url, AGENT, prompt)).rejects.toThrow(
      /The upstream Orq agent's stream from http:\/\/127\.0\.0\.1:\d+\/v2\/agents\/trip-helper\/stream-task broke off: .*Orq streams cannot be resumed\./,
    )
    expect(Date.now() - started).toBeLessThan(5_000)
    // No second try: there is nothing to resume, and a new turn would run the agent again.
    expect(sentWith(prompt)).toHaveLength(1)
  })
})

describe('a stream Orq times out fails the run with Orq’s message', () => {
  it.each(FACE_CLIENTS)('$name', async (client) => {
    await expect(client.ask(bridge.url, AGENT, `timeout now (${client.name})`)).rejects.toThrow(orqText.timeout(1800))
  })

  it('stream_timeout_seconds from the agent’s configuration goes to Orq', async () => {
    const prompt = 'timeout soon'
    await expect(FACE_CLIENTS[0]?.ask(bridge.url, SHORT, prompt)).rejects.toThrow(orqText.timeout(30))
    expect(bodyOf(sentWith(prompt)[0])?.stream_timeout_seconds).toBe(30)
  })
})

// ── 7. tolerant reading ─────────────────────────────────────────────────────────────────────────────────────────

describe('tolerant reading: an event type the bridge does not know', () => {
  const future = {
    type: 'event.agents.future_insight',
    timestamp: '2026-12-01T12:00:00.000Z',
    data: { insight: 'new in a later Orq', score: 0.9 },
  }
  let extra: OrqServer
  let own: RunningBridge
  const lines: string[] = []
  beforeAll(async () => {
    extra = await startOrqServer({ extraEvent: future })
    own = await startBridge({ agents: [orqAgent(AGENT, extra.url, extra.apiKey)], log: (l) => lines.push(l) })
  })
  afterAll(async () => {
    await own?.close()
    await extra?.close()
  })

  it.each(FACE_CLIENTS)('$name: the answer is untouched', async (client) => {
    const prompt = `Hello again from ${client.name}`
    expect(await client.ask(own.url, AGENT, prompt)).toBe(orqText.plain(prompt))
  })

  it('it goes on as upstream.event (an ACP client in custom mode sees it), and the log says so once', async () => {
    const custom = await acpCustom(own.url, 'hello, custom')
    expect(custom).toContainEqual({ type: 'upstream.event', name: future.type, ext: { orq: future } })
    expect(custom.filter((e) => e?.type === 'run.completed')).toHaveLength(1)
    expect(lines.filter((l) => l.includes(`'${future.type}'`) && l.includes('upstream.event'))).toHaveLength(1)
  })
})

describe('tolerant reading: explicit nulls in every optional field', () => {
  let proxy: OrqProxy
  let own: RunningBridge
  beforeAll(async () => {
    proxy = await startOrqProxy(orq.url, { nulls: true })
    own = await startBridge({ agents: [orqAgent(AGENT, proxy.url, orq.apiKey)] })
  })
  afterAll(async () => {
    await own?.close()
    await proxy?.close()
  })

  it.each(FACE_CLIENTS)('$name: plain text and a search', async (client) => {
    const prompt = `Hello with nulls from ${client.name}`
    expect(await client.ask(own.url, AGENT, prompt)).toBe(orqText.plain(prompt))
    expect(await client.ask(own.url, AGENT, 'search for nulls')).toBe(orqText.search('nulls'))
  })

  it('the client-tool round trip, a reported approval and a sub-agent read the same', async () => {
    const prompt = 'What is the weather in Utrecht? (nulls)'
    const client = openai(own.url)
    const first = await client.responses.create({ model: AGENT, input: prompt }, timeout())
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error(`no function_call: ${JSON.stringify(first.output)}`)
    expect(call.arguments).toBe(WEATHER_ARGS)
    const second = await client.responses.create(
      {
        model: AGENT,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: JSON.stringify(RESULT) }],
      },
      timeout(),
    )
    expect(second.output_text).toBe(WEATHER_ANSWER)
    await expectToolRoundTrip(prompt, call.call_id)

    const deployed = await client.responses.create({ model: AGENT, input: 'deploy with nulls' }, timeout())
    expect(messagesOf(deployed.output).at(-1)).toEqual(['answer', orqText.deployed])
    const team = await client.responses.create({ model: AGENT, input: 'team with nulls' }, timeout())
    expect(messagesOf(team.output)).toEqual([
      ['commentary', orqText.subAgent('team with nulls')],
      ['answer', orqText.team('team with nulls')],
    ])
  })

  it('the agent manifest with nulls is read (its display name names the agent)', async () => {
    const card = (await (await fetch(`${own.url}/a2a/${AGENT}/.well-known/agent-card.json`, timeout())).json()) as {
      name?: string
    }
    expect(card.name).toBe('Trip helper')
  })

  it('the proxy really sent nulls', () => {
    for (const field of [
      'event.agents.started: settings',
      'event.agents.thought: choice.message.reasoning',
      'event.agents.thought: choice.message.tool_calls',
      'event.agents.thought: message_difference.*.metadata',
      'event.agents.inactive: billing',
      'event.agents.inactive: pending_tool_calls',
      'event.agents.action_reviewed: mock_output',
      'event.workflow_events.tool_execution_started: tool_execution_context.parent_id',
      'manifest: workspace_id',
    ])
      expect(proxy.nulled).toContain(field)
  })
})

// ── 8. live re-streaming ────────────────────────────────────────────────────────────────────────────────────────

describe('live: Responses face → Orq upstream', () => {
  it('the first output_text delta arrives while Orq is still thinking', async () => {
    const prompt = 'slow answer about the coast of Portugal please'
    const stream = await openai().responses.create({ model: TIMED, input: prompt, stream: true }, timeout())
    const deltas: { at: number; delta: string }[] = []
    for await (const event of stream)
      if (event.type === 'response.output_text.delta') deltas.push({ at: Date.now(), delta: event.delta })
    expect(deltas.map((d) => d.delta).join('')).toBe(orqText.plain(prompt))
    // The thoughts as they left Orq: three growing snapshots, the later two after 300 ms each, then `inactive`.
    const thoughts = timed.frames.filter((f) => f.type === 'event.agents.thought')
    const finished = timed.frames.find((f) => f.type === 'event.agents.inactive')?.at
    if (finished === undefined) throw new Error(`Orq did not finish: ${JSON.stringify(timed.frames)}`)
    expect(thoughts).toHaveLength(3)
    expect(finished - (thoughts[0]?.at ?? finished)).toBeGreaterThanOrEqual(550)
    // One delta per snapshot, each as it came: the first long before Orq finished.
    expect(deltas).toHaveLength(3)
    const first = deltas[0]?.at ?? Number.POSITIVE_INFINITY
    expect(first).toBeLessThan(finished - 400)
    expect((deltas.at(-1)?.at ?? 0) - first).toBeGreaterThanOrEqual(400)
  })
})

// ── 9. a chain: the bridge's Orq face in front of a bridge whose agent is Orq ──────────────────────────────────

describe('chain: a bridge whose agent is the first bridge’s Orq face', () => {
  let outer: RunningBridge
  beforeAll(async () => {
    outer = await startBridge({
      agents: [{ id: 'chained', dialect: 'orq', url: `${bridge.url}/orq`, orq: { agentKey: AGENT } }],
    })
  })
  afterAll(() => outer?.close())

  it.each(FACE_CLIENTS)('$name: the plain answer through both bridges', async (client) => {
    const prompt = `Hello through the chain from ${client.name}`
    expect(await client.ask(outer.url, 'chained', prompt)).toBe(orqText.plain(prompt))
  })

  it('openai SDK: the client-tool round trip through both bridges reaches the Orq task', async () => {
    const prompt = 'What is the weather in Utrecht? (chain)'
    const first = await openai(outer.url).responses.create({ model: 'chained', input: prompt }, timeout())
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error(`no function_call: ${JSON.stringify(first.output)}`)
    expect(call).toMatchObject({ name: 'get_weather', arguments: WEATHER_ARGS })
    const second = await openai(outer.url).responses.create(
      {
        model: 'chained',
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: JSON.stringify(RESULT) }],
      },
      timeout(),
    )
    expect(second.output_text).toBe(WEATHER_ANSWER)
    await expectToolRoundTrip(prompt, call.call_id)
  })

  it.each(CONVERSATIONS.slice(0, 1))('$name: two turns through both bridges, one Orq task', async (conversation) => {
    const first = 'My name is Bo (chain)'
    const second = 'What is my name? (chain)'
    expect(await conversation.converse(outer.url, 'chained', first, second)).toEqual({
      first: orqText.plain(first),
      second: orqText.plain(second, [first]),
    })
    expect(bodyOf(sentWith(second)[0])?.task_id).toBe(taskOf(first).id)
  })
})
