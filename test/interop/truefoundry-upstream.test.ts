// A TrueFoundry agent behind the bridge (the TrueFoundry test server, test/helpers/truefoundry-server.ts, written from
// the wire digest), over both of its surfaces, asked through every face with the shared third-party clients: the
// openai SDK, the Vercel AI SDK, the @a2a-js/sdk client and the typed ACP client. On sessions (TrueFoundry's current
// API) a bridge conversation is one session and each turn one turn, a dropped turn stream is picked up with
// `subscribe`; on the agent responses stream the turns chain by `previous_response_id` and a drop fails the run.
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
import type { AgentBackend, AgentEvent } from '../../src/core/index.js'
import { createDemoAgent } from '../../src/demo/index.js'
import type { components, paths } from '../../src/generated/acp.js'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { payloads, readAll } from '../helpers/sse.js'
import type { TfyRequest, TfyResponse, TfyTurn, TrueFoundryServer } from '../helpers/truefoundry-server.js'
import { pieces, startTrueFoundryServer, tfyText, tfyTools } from '../helpers/truefoundry-server.js'
import type { FaceClient } from './clients.js'
import { CONVERSATIONS, FACE_CLIENTS, sendRequest } from './clients.js'
import type { TrueFoundryProxy } from './truefoundry-proxy.js'
import { startTrueFoundryProxy } from './truefoundry-proxy.js'

/** The agent's name in TrueFoundry's registry. */
const AGENT_NAME = 'ops-bot'
const CALL_MS = 12_000
/** Pause before each model delta of a "slow" / "drop" answer. */
const SLOW_MS = 150

type Surface = 'sessions' | 'responses'
/** The same TrueFoundry agent, once per surface. */
const SURFACES: { surface: Surface; agent: string }[] = [
  { surface: 'sessions', agent: 'tfy-sessions' },
  { surface: 'responses', agent: 'tfy-responses' },
]
/** The same agents reached through a proxy that notes when each stream event passed. */
const TIMED: Record<Surface, string> = { sessions: 'tfy-sessions-timed', responses: 'tfy-responses-timed' }
/** An inline agent on the responses stream: a gateway model and an instruction instead of a saved agent. */
const INLINE = 'tfy-inline'
const MODEL = 'openai-main/gpt-4o-mini'
const INSTRUCTION = 'You are the ops bot.'

let tfy: TrueFoundryServer
let timed: TrueFoundryProxy
let bridge: RunningBridge

const tfyAgent = (id: string, url: string, apiKey: string, surface: Surface, extra: Record<string, unknown> = {}) => ({
  id,
  dialect: 'truefoundry' as const,
  url,
  headers: { authorization: `Bearer ${apiKey}` },
  truefoundry: { surface, ...(extra.model ? {} : { agentName: AGENT_NAME }), ...extra },
})
const bothSurfaces = (url: string, apiKey: string, ids: Record<Surface, string>) =>
  SURFACES.map(({ surface }) => tfyAgent(ids[surface], url, apiKey, surface))
const AGENTS = Object.fromEntries(SURFACES.map((s) => [s.surface, s.agent])) as Record<Surface, string>

beforeAll(async () => {
  tfy = await startTrueFoundryServer({ slowMs: SLOW_MS })
  timed = await startTrueFoundryProxy(tfy.url)
  bridge = await startBridge({
    agents: [
      ...bothSurfaces(tfy.url, tfy.apiKey, AGENTS),
      ...bothSurfaces(timed.url, tfy.apiKey, TIMED),
      tfyAgent(INLINE, tfy.url, tfy.apiKey, 'responses', { model: MODEL, instruction: INSTRUCTION }),
    ],
  })
})
afterAll(async () => {
  await bridge?.close()
  await timed?.close()
  await tfy?.close()
})

/** Every face client against both surfaces. */
const CASES = SURFACES.flatMap(({ surface, agent }) =>
  FACE_CLIENTS.map((client) => ({ name: `${surface} · ${client.name}`, surface, agent, client })),
)

// ── what the TrueFoundry server saw ─────────────────────────────────────────────────────────────────────────────

type Json = Record<string, unknown>
const SESSIONS_PATH = '/acme/v1/agents/sessions'
const TURNS_PATH = /^\/acme\/v1\/agents\/sessions\/([^/]+)\/turns$/
const SUBSCRIBE_PATH = /^\/acme\/v1\/agents\/sessions\/([^/]+)\/turns\/([^/]+)\/subscribe$/
const RESPONSES_PATH = '/acme/agent/responses'

/** Where the server's request log stands now: what a test sent is what comes after it. */
const mark = (server = tfy) => server.requests.length
const since = (at: number, server = tfy) => server.requests.slice(at)
const sessionCreates = (sent: TfyRequest[]) => sent.filter((r) => r.method === 'POST' && r.path === SESSIONS_PATH)
const turnPosts = (sent: TfyRequest[]) => sent.filter((r) => r.method === 'POST' && TURNS_PATH.test(r.path))
const responsePosts = (sent: TfyRequest[]) => sent.filter((r) => r.method === 'POST' && r.path === RESPONSES_PATH)
const subscribes = (sent: TfyRequest[]) => sent.filter((r) => r.method === 'POST' && SUBSCRIBE_PATH.test(r.path))
const sessionIdOf = (r: TfyRequest | undefined) => TURNS_PATH.exec(r?.path ?? '')?.[1]

/** The turn whose input was the user message `text`. */
function turnOf(text: string, server = tfy): TfyTurn {
  const turn = [...server.turns.values()].find((t) =>
    t.input.some((item) => item.type === 'user.message' && item.content === text),
  )
  if (!turn) throw new Error(`no TrueFoundry turn for ${JSON.stringify(text)}`)
  return turn
}
/** The turns of a session, oldest first. */
const turnsIn = (sessionId: string, server = tfy) => [...server.turns.values()].filter((t) => t.sessionId === sessionId)

/** The response that `text` started (its last user text, continuing none that had it). */
function responseOf(text: string, server = tfy): TfyResponse {
  const response = [...server.responses.values()].find(
    (r) =>
      r.texts.at(-1) === text &&
      (!r.previousResponseId || server.responses.get(r.previousResponseId)?.texts.at(-1) !== text),
  )
  if (!response) throw new Error(`no TrueFoundry response for ${JSON.stringify(text)}`)
  return response
}
/** The responses that continue `response`. */
const continuations = (response: TfyResponse, server = tfy) =>
  [...server.responses.values()].filter((r) => r.previousResponseId === response.id)

/** The sub-agents a turn or a response started: their thread ids (sessions) or execution ids (responses). */
function childrenOf(surface: Surface, text: string): string[] {
  if (surface === 'sessions')
    return turnOf(text)
      .run.log.filter((e) => e.event.type === 'thread.created')
      .map((e) => String(e.event.thread_id))
  return responseOf(text)
    .run.log.filter((e) => e.event.type === 'agent.created')
    .map((e) => String(e.event.execution_id))
}

/**
 * What the bridge sent TrueFoundry to answer the pause `prompt` made: on sessions, one more turn on the same session
 * holding only `item` (with the call's thread); on responses, one more response continuing the paused one
 * (`previous_response_id`) holding only `item` (with the call's execution).
 */
function expectAnswered(surface: Surface, prompt: string, callId: string, item: Json) {
  if (surface === 'sessions') {
    const first = turnOf(prompt)
    expect(first.pending.map((c) => c.id)).toEqual([callId])
    const turns = turnsIn(first.sessionId)
    expect(turns.map((t) => t.id)).toEqual([first.id, expect.any(String)])
    const second = turns[1] as TfyTurn
    expect(second.previousTurnId).toBe(first.id)
    expect(second.input).toEqual([{ ...item, thread_id: 'main', tool_call_id: callId }])
    return second
  }
  const first = responseOf(prompt)
  expect(first.pending.map((c) => c.id)).toEqual([callId])
  const sent = responsePosts(tfy.requests).filter((r) => (r.body as Json).previous_response_id === first.id)
  expect(sent.map((r) => [r.status, r.body])).toEqual([
    [
      200,
      {
        agent_name: AGENT_NAME,
        previous_response_id: first.id,
        input: [{ ...item, execution_id: first.conversation.rootExec, tool_call_id: callId }],
      },
    ],
  ])
  return continuations(first)[0]
}
const clientAnswer = (surface: Surface, content: string): Json =>
  surface === 'sessions' ? { type: 'user.tool_response', content } : { type: 'tool.client_side_response', content }
const approvalAnswer = (surface: Surface, approval: Json): Json =>
  surface === 'sessions' ? { type: 'user.tool_approval', approval } : { type: 'tool.approval', approval }

async function until(done: () => boolean, what: string, ms = 3_000) {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

// ── the bridge's faces, driven directly ─────────────────────────────────────────────────────────────────────────

const timeout = () => ({ signal: AbortSignal.timeout(CALL_MS) })
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
  approvalRequest: 'application/vnd.dialect-bridge.approval-request+json',
  approvalResponse: 'application/vnd.dialect-bridge.approval-response+json',
  interrupt: 'application/vnd.dialect-bridge.interrupt+json',
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
async function a2aStream(agent: string, prompt: string, url = bridge.url): Promise<V1Event[]> {
  const res = await fetch(`${url}/a2a/${agent}`, {
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

// v0.3 parts have no media type: the extension's data parts carry it in their metadata.
const dataPart = (value: unknown, mediaType: string, version: '1.0' | '0.3'): Part => ({
  content: { $case: 'data', value },
  filename: '',
  mediaType,
  metadata: version === '0.3' ? { mediaType } : undefined,
})
const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  filename: '',
  mediaType: '',
  metadata: undefined,
})
const follow = (parts: Part[], task: Task): SendMessageRequest => {
  const request = sendRequest('', task.contextId)
  return { ...request, message: request.message && { ...request.message, taskId: task.id, parts } }
}
async function a2aSdk(agent: string, version: '1.0' | '0.3', url = bridge.url) {
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: ['JSONRPC'] }),
  )
  const client = await factory.createFromUrl(`${url}/a2a/${agent}/`)
  if (version === '1.0') return client
  return new SdkClient(
    new LegacyJsonRpcTransport({ endpoint: `${url}/a2a/${agent}` }),
    await client.getAgentCard(timeout()),
  )
}
const asTask = (result: unknown): Task => {
  if (typeof result !== 'object' || result === null || !('status' in result))
    throw new Error(`expected a Task, got ${JSON.stringify(result)}`)
  return result as Task
}
/** The data parts of a task's status message: their values and media types. */
const statusData = (task: Task) =>
  (task.status?.message?.parts ?? []).flatMap((p) =>
    p.content?.$case === 'data' ? [{ value: p.content.value as Json, mediaType: p.mediaType }] : [],
  )
const statusText = (task: Task) =>
  (task.status?.message?.parts ?? []).map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')
const artifactText = (task: Task) =>
  task.artifacts
    .flatMap((a) => a.parts)
    .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
    .join('')

type S = components['schemas']
const acp = (url = bridge.url) =>
  createClient<paths>({
    baseUrl: url,
    fetch: (request) => fetch(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(CALL_MS)]) }),
  })

/** An ACP run that pauses: its id and its interrupt. */
async function acpPaused(agent: string, prompt: string) {
  const waited = await acp().POST('/acp/runs/wait', {
    body: { agent_id: agent, input: { messages: [{ role: 'user', content: prompt }] } },
  })
  expect(waited.response.status).toBe(200)
  expect(waited.data?.run?.status).toBe('interrupted')
  const output = waited.data?.output
  if (output?.type !== 'interrupt') throw new Error(`expected an interrupt: ${JSON.stringify(output)}`)
  return { runId: waited.data?.run?.run_id ?? '', interrupt: output.interrupt as Json }
}
/** Resumes an interrupted ACP run with `payload` and waits for its answer text. */
async function acpResume(runId: string, payload: unknown): Promise<string> {
  const client = acp()
  const resumed = await client.POST('/acp/runs/{run_id}', {
    params: { path: { run_id: runId } },
    body: payload as S['ResumePayloadSchema'],
  })
  expect(resumed.response.status).toBe(200)
  const done = await client.GET('/acp/runs/{run_id}/wait', { params: { path: { run_id: runId } } })
  expect(done.data?.run?.status).toBe('success')
  const result = done.data?.output
  if (result?.type !== 'result') throw new Error(`expected a result: ${JSON.stringify(result)}`)
  return String((result.values as { text?: string }).text)
}

/** The canonical events of a run, as an ACP client sees them in `custom` stream mode. */
async function acpCustom(url: string, agent: string, prompt: string): Promise<(AgentEvent | undefined)[]> {
  const res = await fetch(`${url}/acp/runs/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      agent_id: agent,
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

describe('every face gets exactly the TrueFoundry agent’s answer', () => {
  it.each(CASES)('$name: a plain question', async ({ surface, agent, client }) => {
    const prompt = `Hello from ${client.name} over ${surface}`
    const at = mark()
    expect(await client.ask(bridge.url, agent, prompt)).toBe(tfyText.plain(prompt))
    const sent = since(at)
    if (surface === 'sessions') {
      // A new session for the new conversation, one turn holding only the user's message.
      const [created, ...moreCreated] = sessionCreates(sent)
      expect(moreCreated).toEqual([])
      expect(created?.body).toEqual({ agent_name: AGENT_NAME })
      const [turn, ...moreTurns] = turnPosts(sent)
      expect(moreTurns).toEqual([])
      expect(turn?.status).toBe(200)
      expect(turn?.body).toEqual({ input: [{ type: 'user.message', content: prompt }] })
      expect(sessionIdOf(turn)).toBe(turnOf(prompt).sessionId)
      expect(turn?.headers.authorization).toBe(`Bearer ${tfy.apiKey}`)
      expect(turn?.headers.accept).toMatch(/text\/event-stream/)
      expect(subscribes(sent)).toEqual([])
    } else {
      const [posted, ...more] = responsePosts(sent)
      expect(more).toEqual([])
      expect(posted?.status).toBe(200)
      expect(posted?.body).toEqual({ agent_name: AGENT_NAME, input: [{ role: 'user', content: prompt }] })
      expect(posted?.headers.authorization).toBe(`Bearer ${tfy.apiKey}`)
      expect(posted?.headers.accept).toMatch(/text\/event-stream/)
      expect(sessionCreates(sent)).toEqual([])
    }
  })

  it.each(CASES)(
    '$name: a failing run is an error naming TrueFoundry’s message',
    async ({ surface, agent, client }) => {
      await expect(client.ask(bridge.url, agent, `please fail (${client.name}, ${surface})`)).rejects.toThrow(
        tfyText.error,
      )
    },
  )

  it.each(SURFACES)('$surface: a refusal is the message the client gets', async ({ agent }) => {
    const response = await openai().responses.create({ model: agent, input: 'refuse this' }, timeout())
    expect(response.status).toBe('completed')
    // As the answer's text, or as a refusal content part where the canonical model carries refusals apart.
    const said = response.output
      .flatMap((item) => (item.type === 'message' ? item.content : []))
      .map((c) => (c.type === 'output_text' ? c.text : c.refusal))
      .join('')
    expect(said).toBe(tfyText.refusal)
  })

  it('an inline agent on the responses stream: model and instruction instead of agent_name', async () => {
    const prompt = 'Hello, inline agent'
    const at = mark()
    expect(await FACE_CLIENTS[0]?.ask(bridge.url, INLINE, prompt)).toBe(tfyText.plain(prompt))
    expect(responsePosts(since(at)).map((r) => r.body)).toEqual([
      { model: MODEL, instruction: INSTRUCTION, input: [{ role: 'user', content: prompt }] },
    ])
  })
})

describe('reasoning shows as reasoning where the face can show it', () => {
  it.each(SURFACES)(
    '$surface: Responses: a reasoning item with the thinking, then the answer',
    async ({ surface, agent }) => {
      const prompt = 'think about the rollout'
      const response = await openai().responses.create({ model: agent, input: prompt }, timeout())
      expect(response.status).toBe('completed')
      expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message'])
      const reasoning = response.output[0]
      if (reasoning?.type !== 'reasoning') throw new Error('no reasoning item')
      expect(reasoning.content?.map((c) => c.text).join('')).toBe(tfyText.thinking(prompt))
      expect(response.output_text).toBe(tfyText.plain(prompt))
      // Sessions report the turn's reasoning tokens in its metrics; the responses stream reports no usage.
      if (surface === 'sessions') expect(response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0)
    },
  )

  it.each(SURFACES)('$surface: Responses, streamed: reasoning_text deltas before the answer’s', async ({ agent }) => {
    const prompt = 'think it over, streamed'
    const stream = await openai().responses.create({ model: agent, input: prompt, stream: true }, timeout())
    let reasoning = ''
    let text = ''
    const types: string[] = []
    for await (const event of stream) {
      types.push(event.type)
      if (event.type === 'response.reasoning_text.delta') reasoning += event.delta
      if (event.type === 'response.output_text.delta') text += event.delta
    }
    expect(reasoning).toBe(tfyText.thinking(prompt))
    expect(text).toBe(tfyText.plain(prompt))
    expect(types.lastIndexOf('response.reasoning_text.delta')).toBeLessThan(types.indexOf('response.output_text.delta'))
    expect(types.at(-1)).toBe('response.completed')
  })

  it.each(SURFACES)('$surface: A2A: a WORKING status message of kind reasoning, then the answer', async ({ agent }) => {
    const prompt = 'think about A2A'
    const events = await a2aStream(agent, prompt)
    const reasoning = progressOf(events).filter(([kind]) => kind === 'reasoning')
    expect(reasoning.map(([, , text]) => text).join('')).toBe(tfyText.thinking(prompt))
    expect(answerOf(events)).toBe(tfyText.plain(prompt))
  })
})

// ── 2. a client-side tool: ask_user_question, the pause, the answer ─────────────────────────────────────────────

const ASK_ARGS = { question: tfyText.question, options: tfyText.questionOptions }

describe.each(SURFACES)('$surface: the client-side ask_user_question through every face', ({ surface, agent }) => {
  it('openai SDK: a function_call item, then function_call_output with previous_response_id', async () => {
    const prompt = `ask me which environment (openai, ${surface})`
    const first = await openai().responses.create({ model: agent, input: prompt }, timeout())
    expect(first.status).toBe('completed')
    const calls = first.output.filter((item) => item.type === 'function_call')
    expect(calls).toEqual([expect.objectContaining({ name: tfyTools.ask })])
    const call = calls[0]
    if (call?.type !== 'function_call') throw new Error('no function_call')
    expect(JSON.parse(call.arguments)).toEqual(ASK_ARGS)
    const second = await openai().responses.create(
      {
        model: agent,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'staging' }],
      },
      timeout(),
    )
    expect(second.status).toBe('completed')
    expect(second.output_text).toBe(tfyText.answered('staging'))
    // The call id is TrueFoundry's own, so the answer goes back under it.
    expectAnswered(surface, prompt, call.call_id, clientAnswer(surface, 'staging'))
  })

  it('openai SDK, streamed: the arguments stream in, the continuation streams the answer', async () => {
    const prompt = `ask me, streamed (${surface})`
    const stream = openai().responses.stream({ model: agent, input: prompt }, timeout())
    let args = ''
    stream.on('response.function_call_arguments.delta', (e) => {
      args += e.delta
    })
    const first = await stream.finalResponse()
    expect(JSON.parse(args)).toEqual(ASK_ARGS)
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error('no function_call')
    const second = await openai()
      .responses.stream(
        {
          model: agent,
          previous_response_id: first.id,
          input: [{ type: 'function_call_output', call_id: call.call_id, output: 'production' }],
        },
        timeout(),
      )
      .finalResponse()
    expect(second.output_text).toBe(tfyText.answered('production'))
    expectAnswered(surface, prompt, call.call_id, clientAnswer(surface, 'production'))
  })

  it('Vercel AI SDK: the tool runs in the client (execute), and the next step gets the answer', async () => {
    const prompt = `ask me with the AI SDK (${surface})`
    const provider = createOpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x' })
    const ran: unknown[] = []
    const errors: unknown[] = []
    const result = streamText({
      model: provider.responses(agent),
      prompt,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(CALL_MS),
      stopWhen: stepCountIs(3),
      tools: {
        [tfyTools.ask]: tool({
          description: 'Ask the user a question.',
          inputSchema: jsonSchema<{ question: string; options: string[] }>({
            type: 'object',
            properties: { question: { type: 'string' }, options: { type: 'array', items: { type: 'string' } } },
            required: ['question', 'options'],
          }),
          execute: async (input) => {
            ran.push(input)
            return 'staging'
          },
        }),
      },
      onError: ({ error }) => {
        errors.push(error)
      },
    })
    const text = await result.text
    expect(errors).toEqual([])
    expect(ran).toEqual([ASK_ARGS])
    expect(text).toBe(tfyText.answered('staging'))
    const steps = await result.steps
    expect(steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop'])
    const call = steps[0]?.toolCalls[0]
    expect(call).toMatchObject({ toolName: tfyTools.ask, input: ASK_ARGS })
    expectAnswered(surface, prompt, String(call?.toolCallId), clientAnswer(surface, 'staging'))
  })

  it.each(['1.0', '0.3'] as const)(
    '@a2a-js/sdk v%s: INPUT_REQUIRED with a function-call data part, answered on the same task',
    async (version) => {
      const prompt = `ask me over A2A ${version} (${surface})`
      const client = await a2aSdk(agent, version)
      const paused = asTask(await client.sendMessage(sendRequest(prompt), timeout()))
      expect(paused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const calls = statusData(paused)
      expect(calls.map((c) => c.value)).toEqual([
        { call_id: expect.any(String), name: tfyTools.ask, arguments: JSON.stringify(ASK_ARGS) },
      ])
      if (version === '1.0') expect(calls[0]?.mediaType).toBe(MEDIA.functionCall)
      const callId = String(calls[0]?.value.call_id)
      const output = { call_id: callId, output: 'production' }
      const done = asTask(
        await client.sendMessage(follow([dataPart(output, MEDIA.functionCallOutput, version)], paused), timeout()),
      )
      expect(done.id).toBe(paused.id)
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(artifactText(done)).toBe(tfyText.answered('production'))
      expectAnswered(surface, prompt, callId, clientAnswer(surface, 'production'))
    },
  )

  it('typed ACP client: the run is interrupted with the call, resumed with {output}, and succeeds', async () => {
    const prompt = `ask me over ACP (${surface})`
    const { runId, interrupt } = await acpPaused(agent, prompt)
    const callId =
      surface === 'sessions' ? String(turnOf(prompt).pending[0]?.id) : String(responseOf(prompt).pending[0]?.id)
    expect(interrupt).toEqual({
      function_call: { calls: [{ call_id: callId, name: tfyTools.ask, arguments: JSON.stringify(ASK_ARGS) }] },
    })
    expect(await acpResume(runId, { output: 'staging' })).toBe(tfyText.answered('staging'))
    expectAnswered(surface, prompt, callId, clientAnswer(surface, 'staging'))
  })
})

// ── 3. an approval: scale_deployment on k8s ─────────────────────────────────────────────────────────────────────

const SCALE_ARGS = { namespace: 'prod-eu', name: 'checkout-api', replicas: 6 }

describe.each(SURFACES)('$surface: the approval of scale_deployment through every face', ({ surface, agent }) => {
  /** The paused response: one mcp_approval_request for the k8s call, nothing else asked of the client. */
  async function requested(prompt: string) {
    const first = await openai().responses.create({ model: agent, input: prompt }, timeout())
    expect(first.status).toBe('completed')
    const requests = first.output.filter((item) => item.type === 'mcp_approval_request')
    expect(requests).toEqual([expect.objectContaining({ name: tfyTools.scale, server_label: tfyTools.k8s.name })])
    expect(first.output.filter((item) => item.type === 'function_call')).toEqual([])
    const request = requests[0]
    if (request?.type !== 'mcp_approval_request') throw new Error('no mcp_approval_request')
    expect(JSON.parse(request.arguments)).toEqual(SCALE_ARGS)
    return { first, request }
  }
  const callOf = (prompt: string) =>
    surface === 'sessions' ? String(turnOf(prompt).pending[0]?.id) : String(responseOf(prompt).pending[0]?.id)

  it('openai SDK: mcp_approval_request, approved with mcp_approval_response: the call runs, the answer', async () => {
    const prompt = `scale checkout-api to 6 replicas (openai, ${surface})`
    const { first, request } = await requested(prompt)
    const second = await openai().responses.create(
      {
        model: agent,
        previous_response_id: first.id,
        input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
      },
      timeout(),
    )
    expect(second.status).toBe('completed')
    expect(second.output_text).toBe(tfyText.scaled(6))
    const call = second.output.find((item) => item.type === 'mcp_call')
    if (call?.type !== 'mcp_call') throw new Error(`no mcp_call: ${JSON.stringify(second.output)}`)
    expect(call).toMatchObject({
      name: tfyTools.scale,
      server_label: tfyTools.k8s.name,
      approval_request_id: request.id,
    })
    expect(JSON.parse(call.output ?? 'null')).toEqual({ ok: true, replicas: 6 })
    expectAnswered(surface, prompt, callOf(prompt), approvalAnswer(surface, { status: 'allow' }))
  })

  it('openai SDK: denied with a reason: the denial text, and the reason went to TrueFoundry', async () => {
    const prompt = `scale checkout-api to 6 replicas, to be denied (${surface})`
    const { first, request } = await requested(prompt)
    const second = await openai().responses.create(
      {
        model: agent,
        previous_response_id: first.id,
        input: [
          { type: 'mcp_approval_response', approval_request_id: request.id, approve: false, reason: 'change freeze' },
        ],
      },
      timeout(),
    )
    expect(second.status).toBe('completed')
    expect(second.output_text).toBe(tfyText.denied('change freeze'))
    expectAnswered(
      surface,
      prompt,
      callOf(prompt),
      approvalAnswer(surface, { status: 'deny', reason: 'change freeze' }),
    )
  })

  it.each(['1.0', '0.3'] as const)(
    '@a2a-js/sdk v%s: INPUT_REQUIRED with an approval-request data part, approved on the same task',
    async (version) => {
      const prompt = `scale checkout-api to 6 replicas (A2A ${version}, ${surface})`
      const client = await a2aSdk(agent, version)
      const paused = asTask(await client.sendMessage(sendRequest(prompt), timeout()))
      expect(paused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const asks = statusData(paused)
      const callId = callOf(prompt)
      expect(asks.map((c) => c.value)).toEqual([
        { call_id: callId, name: tfyTools.scale, arguments: JSON.stringify(SCALE_ARGS), server: tfyTools.k8s.name },
      ])
      if (version === '1.0') expect(asks[0]?.mediaType).toBe(MEDIA.approvalRequest)
      const decision = { call_id: callId, approved: true }
      const done = asTask(
        await client.sendMessage(follow([dataPart(decision, MEDIA.approvalResponse, version)], paused), timeout()),
      )
      expect(done.id).toBe(paused.id)
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      expect(artifactText(done)).toBe(tfyText.scaled(6))
      expectAnswered(surface, prompt, callId, approvalAnswer(surface, { status: 'allow' }))
    },
  )

  it('@a2a-js/sdk: a plain "no" denies the call', async () => {
    const prompt = `scale checkout-api to 6 replicas, say no (A2A, ${surface})`
    const client = await a2aSdk(agent, '1.0')
    const paused = asTask(await client.sendMessage(sendRequest(prompt), timeout()))
    expect(paused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    const done = asTask(await client.sendMessage(follow([textPart('no')], paused), timeout()))
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(artifactText(done)).toBe(tfyText.denied())
    expectAnswered(surface, prompt, callOf(prompt), approvalAnswer(surface, { status: 'deny' }))
  })

  it('typed ACP client: interrupted with an approval, resumed with {approved}, and succeeds', async () => {
    const prompt = `scale checkout-api to 6 replicas (ACP, ${surface})`
    const { runId, interrupt } = await acpPaused(agent, prompt)
    const callId = callOf(prompt)
    expect(interrupt).toEqual({
      approval: {
        calls: [{ call_id: callId, name: tfyTools.scale, arguments: JSON.stringify(SCALE_ARGS) }],
        message: expect.any(String),
      },
    })
    expect(await acpResume(runId, { approved: true })).toBe(tfyText.scaled(6))
    expectAnswered(surface, prompt, callId, approvalAnswer(surface, { status: 'allow' }))
  })

  it('typed ACP client: resumed with {approved: false, reason}: the denial', async () => {
    const prompt = `scale checkout-api to 6 replicas, deny over ACP (${surface})`
    const { runId } = await acpPaused(agent, prompt)
    expect(await acpResume(runId, { approved: false, reason: 'not today' })).toBe(tfyText.denied('not today'))
    expectAnswered(surface, prompt, callOf(prompt), approvalAnswer(surface, { status: 'deny', reason: 'not today' }))
  })
})

// ── 4. two turns: one session / a previous_response_id chain ────────────────────────────────────────────────────

describe.each(SURFACES)('$surface: two turns continue the same TrueFoundry conversation', ({ surface, agent }) => {
  it.each(CONVERSATIONS)('$name', async (conversation) => {
    const first = `My name is Ada (${conversation.name}, ${surface})`
    const second = `What is my name? (${conversation.name}, ${surface})`
    const at = mark()
    expect(await conversation.converse(bridge.url, agent, first, second)).toEqual({
      first: tfyText.plain(first),
      second: tfyText.plain(second, [first]),
    })
    const sent = since(at)
    if (surface === 'sessions') {
      // One session for the conversation, two turns on it; the second holds only the new message.
      expect(sessionCreates(sent)).toHaveLength(1)
      const one = turnOf(first)
      const two = turnOf(second)
      expect(two.sessionId).toBe(one.sessionId)
      expect(turnsIn(one.sessionId).map((t) => t.id)).toEqual([one.id, two.id])
      expect(two.previousTurnId).toBe(one.id)
      expect(turnPosts(sent).map((r) => [sessionIdOf(r), r.body])).toEqual([
        [one.sessionId, { input: [{ type: 'user.message', content: first }] }],
        [one.sessionId, { input: [{ type: 'user.message', content: second }] }],
      ])
    } else {
      const one = responseOf(first)
      expect(responsePosts(sent).map((r) => r.body)).toEqual([
        { agent_name: AGENT_NAME, input: [{ role: 'user', content: first }] },
        { agent_name: AGENT_NAME, previous_response_id: one.id, input: [{ role: 'user', content: second }] },
      ])
      expect(sessionCreates(sent)).toEqual([])
    }
  })
})

// ── 5. sub-agents ───────────────────────────────────────────────────────────────────────────────────────────────

describe.each(SURFACES)(
  '$surface: sub-agents are attributed, the root’s answer is the final text',
  ({ surface, agent }) => {
    it('Responses: each spawn is an mcp_call with the child’s answer; the children speak as commentary', async () => {
      const prompt = `incidents for the team (Responses, ${surface})`
      const response = await openai().responses.create({ model: agent, input: prompt }, timeout())
      expect(response.status).toBe('completed')
      expect(messagesOf(response.output)).toEqual([
        ['commentary', tfyText.payments],
        ['commentary', tfyText.search],
        ['answer', tfyText.team],
      ])
      const spawns = response.output.flatMap((item) =>
        item.type === 'mcp_call' ? [[item.name, JSON.parse(item.arguments).name, item.output]] : [],
      )
      expect(spawns).toEqual([
        [tfyTools.spawn, 'payments-incidents', tfyText.payments],
        [tfyTools.spawn, 'search-incidents', tfyText.search],
      ])
      expect(response.output.at(-1)?.type).toBe('message')
    })

    it('A2A: each child starts and ends, its text carries its own execution id, the artifact is the root’s', async () => {
      const prompt = `incidents for the team (A2A, ${surface})`
      const events = await a2aStream(agent, prompt)
      const [payments, search] = childrenOf(surface, prompt)
      const agentNews = events.flatMap((e) => {
        const news = extOf(e.statusUpdate?.metadata ?? e.statusUpdate?.status.message?.metadata).agent as
          | Json
          | undefined
        return news ? [[news.event, news.executionId, news.name]] : []
      })
      expect(agentNews).toEqual([
        ['started', payments, 'payments-incidents'],
        ['started', search, 'search-incidents'],
        ['completed', payments, 'payments-incidents'],
        ['completed', search, 'search-incidents'],
      ])
      const said = (child: string | undefined) =>
        progressOf(events)
          .filter(([, executionId]) => executionId === child)
          .map(([, , text]) => text)
          .join('')
      expect(said(payments)).toBe(tfyText.payments)
      expect(said(search)).toBe(tfyText.search)
      expect(answerOf(events)).toBe(tfyText.team)
      expect(events.at(-1)?.statusUpdate?.status.state).toBe('TASK_STATE_COMPLETED')
    })

    it('the canonical events (ACP custom mode): agent.started / agent.completed per child, text attributed', async () => {
      const prompt = `incidents for the team (ACP, ${surface})`
      const events = await acpCustom(bridge.url, agent, prompt)
      const children = childrenOf(surface, prompt)
      const started = events.flatMap((e) => (e?.type === 'agent.started' ? [[e.executionId, e.name, e.callId]] : []))
      expect(started.map(([id, name]) => [id, name])).toEqual([
        [children[0], 'payments-incidents'],
        [children[1], 'search-incidents'],
      ])
      // Each child was spawned through one of the root's spawn_subagent calls.
      const spawnCalls = events.flatMap((e) =>
        e?.type === 'tool.call.completed' && e.name === tfyTools.spawn ? [e.callId] : [],
      )
      expect(started.map(([, , callId]) => callId)).toEqual(spawnCalls)
      const completed = events.flatMap((e) =>
        e?.type === 'agent.completed'
          ? [[e.executionId, e.output?.parts.map((p) => (p.type === 'text' ? p.text : ''))]]
          : [],
      )
      expect(completed).toEqual([
        [children[0], [tfyText.payments]],
        [children[1], [tfyText.search]],
      ])
      const texts = events.flatMap((e) =>
        e?.type === 'message.completed'
          ? [[e.executionId ?? 'root', e.message.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')]]
          : [],
      )
      expect(texts).toEqual([
        [children[0], tfyText.payments],
        [children[1], tfyText.search],
        ['root', tfyText.team],
      ])
      expect(events.at(-1)?.type).toBe('run.completed')
    })
  },
)

// ── 6. MCP auth: the auth_url goes to the client, the next turn proceeds ────────────────────────────────────────

const AUTH_TEXT =
  /^Authorize github at (http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?mcp_server_id=github&state=\w+), then send the next message\.$/

/** Opens the auth_url as the user would (the test server marks the MCP server authorised). */
async function authorise(url: string) {
  const res = await fetch(url, timeout())
  expect(res.status).toBe(200)
  expect(tfy.authorized.has(tfyTools.github.id)).toBe(true)
}

describe.each(SURFACES)('$surface: MCP auth for github: the auth_url reaches the client', ({ surface, agent }) => {
  it('openai SDK: a commentary message with the auth_url; after authorising, the next turn runs the tool', async () => {
    tfy.authorized.clear()
    const prompt = `github: list the open pull requests (openai, ${surface})`
    const first = await openai().responses.create({ model: agent, input: prompt }, timeout())
    expect(first.status).toBe('completed')
    const messages = messagesOf(first.output)
    expect(messages).toEqual([['commentary', expect.stringMatching(AUTH_TEXT)]])
    await authorise(AUTH_TEXT.exec(String(messages[0]?.[1]))?.[1] ?? '')
    const next = `github: now list them (openai, ${surface})`
    const second = await openai().responses.create(
      { model: agent, previous_response_id: first.id, input: next },
      timeout(),
    )
    expect(second.status).toBe('completed')
    expect(second.output_text).toBe(tfyText.pullRequests)
    const call = second.output.find((item) => item.type === 'mcp_call')
    if (call?.type !== 'mcp_call') throw new Error(`no mcp_call: ${JSON.stringify(second.output)}`)
    expect(call).toMatchObject({ name: tfyTools.pullRequests, server_label: tfyTools.github.name })
    expect(call.output).toBe(tfyTools.prsResult)
    if (surface === 'sessions') {
      expect(turnOf(next).sessionId).toBe(turnOf(prompt).sessionId)
      expect(turnOf(prompt).run.status).toBe('paused')
    } else {
      expect(continuations(responseOf(prompt)).map((r) => r.texts.at(-1))).toEqual([next])
    }
  })

  it('@a2a-js/sdk: INPUT_REQUIRED saying where to authorise (with the interrupt payload); a follow-up text goes on', async () => {
    tfy.authorized.clear()
    const prompt = `github: open pull requests? (A2A, ${surface})`
    const client = await a2aSdk(agent, '1.0')
    const paused = asTask(await client.sendMessage(sendRequest(prompt), timeout()))
    expect(paused.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    expect(statusText(paused)).toMatch(AUTH_TEXT)
    const url = AUTH_TEXT.exec(statusText(paused))?.[1] ?? ''
    expect(statusData(paused)).toEqual([
      {
        value: { interrupt_id: expect.any(String), payload: { auth_url: url, server: tfyTools.github.name } },
        mediaType: MEDIA.interrupt,
      },
    ])
    expect(extOf(paused.status?.message?.metadata as Json | undefined).interrupt).toMatchObject({ reason: 'auth' })
    await authorise(url)
    const next = `github: done, go on (A2A, ${surface})`
    const done = asTask(await client.sendMessage(follow([textPart(next)], paused), timeout()))
    expect(done.id).toBe(paused.id)
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(artifactText(done)).toBe(tfyText.pullRequests)
  })

  it('typed ACP client: interrupted with an auth interrupt naming the url; resumed with {answer}', async () => {
    tfy.authorized.clear()
    const prompt = `github: pull requests please (ACP, ${surface})`
    const { runId, interrupt } = await acpPaused(agent, prompt)
    // The interrupt's own payload: where to authorise, which MCP server, and the words saying so to a human.
    expect(interrupt).toEqual({
      auth: {
        message: expect.stringMatching(/^Authorize github at http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/),
        auth_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/),
        server: 'github',
      },
    })
    await authorise(String((interrupt.auth as Json).auth_url))
    expect(await acpResume(runId, { answer: `github: authorised (ACP, ${surface})` })).toBe(tfyText.pullRequests)
  })
})

// ── 7. a stream that drops mid-turn ─────────────────────────────────────────────────────────────────────────────

describe('sessions: a turn stream dropped mid-turn is picked up with subscribe, nothing lost or repeated', () => {
  it.each(FACE_CLIENTS)('$name', async (client) => {
    const prompt = `drop slow (${client.name})`
    const at = mark()
    expect(await client.ask(bridge.url, AGENTS.sessions, prompt)).toBe(tfyText.plain(prompt))
    const sent = since(at)
    const turn = turnOf(prompt)
    // One turn, then one subscribe after the last sequence number the dropped stream delivered (the server cut it
    // after its 4th frame), and no new turn: the turn ran on the server all along.
    expect(turnPosts(sent)).toHaveLength(1)
    const [subscribe, ...more] = subscribes(sent)
    expect(more).toEqual([])
    expect(subscribe?.path).toBe(`${SESSIONS_PATH}/${turn.sessionId}/turns/${turn.id}/subscribe`)
    expect(subscribe?.body).toEqual({ after_sequence_number: turn.run.log[3]?.seq })
    expect(turn.run.log[3]?.seq).toBe(4)
    expect(subscribe?.status).toBe(200)
    expect(turn.run.status).toBe('done')
  })

  it('openai stream: every delta exactly once, in order, across the drop', async () => {
    const prompt = 'drop slow: count the words one two three four five six'
    const stream = await openai().responses.create({ model: AGENTS.sessions, input: prompt, stream: true }, timeout())
    const deltas: string[] = []
    for await (const event of stream) if (event.type === 'response.output_text.delta') deltas.push(event.delta)
    expect(deltas).toEqual(pieces(tfyText.plain(prompt)))
  })

  it('a drop in the middle of the call awaiting approval: the resumed turn pauses whole, the approval goes on', async () => {
    // The 4th frame is the call's first chunk (its id and name); its arguments and the pause come by subscribe.
    const prompt = 'drop slow: scale checkout-api to 6 replicas'
    const first = await openai().responses.create({ model: AGENTS.sessions, input: prompt }, timeout())
    const turn = turnOf(prompt)
    expect(turn.run.log[3]?.event.type).toBe('model.message.delta')
    expect(
      subscribes(tfy.requests)
        .filter((r) => r.path.includes(turn.id))
        .map((r) => r.body),
    ).toEqual([{ after_sequence_number: 4 }])
    const request = first.output.find((item) => item.type === 'mcp_approval_request')
    if (request?.type !== 'mcp_approval_request')
      throw new Error(`no approval request: ${JSON.stringify(first.output)}`)
    expect(JSON.parse(request.arguments)).toEqual(SCALE_ARGS)
    const second = await openai().responses.create(
      {
        model: AGENTS.sessions,
        previous_response_id: first.id,
        input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
      },
      timeout(),
    )
    expect(second.output_text).toBe(tfyText.scaled(6))
    expectAnswered('sessions', prompt, String(turn.pending[0]?.id), approvalAnswer('sessions', { status: 'allow' }))
  })
})

describe('responses: a stream dropped mid-response fails the run, naming the drop (no resume)', () => {
  it.each(FACE_CLIENTS)('$name', async (client) => {
    const prompt = `drop slow, once more (${client.name})`
    const at = mark()
    await expect(client.ask(bridge.url, AGENTS.responses, prompt)).rejects.toThrow(
      /The upstream TrueFoundry agent's stream from http:\/\/127\.0\.0\.1:\d+\/acme\/agent\/responses broke off: .*the responses stream cannot be resumed\./,
    )
    // No second try: there is nothing to resume, and a new response would run the agent again.
    expect(responsePosts(since(at))).toHaveLength(1)
  })
})

describe('cancel: a cancelled background response cancels the TrueFoundry turn / response', () => {
  it.each(SURFACES)('$surface', async ({ surface, agent }) => {
    const prompt = `slow: a long answer to cancel, with many words in it (${surface})`
    const client = openai()
    const started = await client.responses.create({ model: agent, input: prompt, background: true }, timeout())
    const upstream = () => (surface === 'sessions' ? turnOf(prompt).run : responseOf(prompt).run)
    const speaking = () => {
      try {
        return upstream().log.some((e) => e.event.type === 'model.message.delta' || e.event.type === 'agent.message')
      } catch {
        return false
      }
    }
    await until(speaking, 'the upstream to start answering')
    const at = mark()
    await client.responses.cancel(started.id, timeout())
    await until(() => upstream().finished, 'the upstream run to end')
    expect(upstream().status).toBe('cancelled')
    const done = await client.responses.retrieve(started.id, {}, timeout())
    expect(done.status).toBe('cancelled')
    const cancels = since(at).filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'))
    if (surface === 'sessions') {
      expect(cancels.map((r) => [r.path, r.status])).toEqual([
        [`${SESSIONS_PATH}/${turnOf(prompt).sessionId}/cancel`, 200],
      ])
    } else {
      expect(cancels.map((r) => [r.path, r.body, r.status])).toEqual([
        [`${RESPONSES_PATH}/cancel`, { response_id: responseOf(prompt).id }, 200],
      ])
    }
  })
})

// ── 8. tolerant reading ─────────────────────────────────────────────────────────────────────────────────────────

describe('tolerant reading: an event type the bridge does not know', () => {
  const future = { type: 'turn.future_insight', insight: 'new in a later TrueFoundry', score: 0.9 }
  let extra: TrueFoundryServer
  let own: RunningBridge
  const lines: string[] = []
  beforeAll(async () => {
    extra = await startTrueFoundryServer({ extraEvent: future })
    own = await startBridge({ agents: bothSurfaces(extra.url, extra.apiKey, AGENTS), log: (l) => lines.push(l) })
  })
  afterAll(async () => {
    await own?.close()
    await extra?.close()
  })

  it.each(CASES)('$name: the answer is untouched', async ({ agent, client }) => {
    const prompt = `Hello again from ${client.name}`
    expect(await client.ask(own.url, agent, prompt)).toBe(tfyText.plain(prompt))
  })

  it.each(SURFACES)('$surface: the client-tool round trip reads the same', async ({ agent }) => {
    const first = await openai(own.url).responses.create({ model: agent, input: 'ask me (future)' }, timeout())
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error(`no function_call: ${JSON.stringify(first.output)}`)
    const second = await openai(own.url).responses.create(
      {
        model: agent,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'staging' }],
      },
      timeout(),
    )
    expect(second.output_text).toBe(tfyText.answered('staging'))
  })

  it.each(SURFACES)(
    '$surface: it goes on as upstream.event (ACP custom mode), the log says so once',
    async ({ agent }) => {
      const custom = await acpCustom(own.url, agent, 'hello, custom')
      const seen = custom.filter((e) => e?.type === 'upstream.event' && e.name === future.type)
      expect(seen).toEqual([
        { type: 'upstream.event', name: future.type, ext: { truefoundry: expect.objectContaining(future) } },
      ])
      expect(custom.filter((e) => e?.type === 'run.completed')).toHaveLength(1)
      // Once per agent (each its own client), however many runs met it.
      expect(lines.filter((l) => l.includes(`'${future.type}'`) && l.includes('upstream.event'))).toHaveLength(2)
    },
  )
})

describe('tolerant reading: explicit nulls in every optional field', () => {
  let proxy: TrueFoundryProxy
  let own: RunningBridge
  beforeAll(async () => {
    proxy = await startTrueFoundryProxy(tfy.url, { nulls: true })
    own = await startBridge({ agents: bothSurfaces(proxy.url, tfy.apiKey, AGENTS) })
  })
  afterAll(async () => {
    await own?.close()
    await proxy?.close()
  })

  it.each(CASES)('$name: plain text', async ({ agent, client }) => {
    const prompt = `Hello with nulls from ${client.name}`
    expect(await client.ask(own.url, agent, prompt)).toBe(tfyText.plain(prompt))
  })

  it.each(SURFACES)(
    '$surface: reasoning, the client tool, the approval and sub-agents read the same',
    async ({ agent }) => {
      const client = openai(own.url)
      const thought = await client.responses.create({ model: agent, input: 'think with nulls' }, timeout())
      expect(thought.output.map((item) => item.type)).toEqual(['reasoning', 'message'])
      expect(thought.output_text).toBe(tfyText.plain('think with nulls'))

      const asked = await client.responses.create({ model: agent, input: 'ask me with nulls' }, timeout())
      const call = asked.output.find((item) => item.type === 'function_call')
      if (call?.type !== 'function_call') throw new Error(`no function_call: ${JSON.stringify(asked.output)}`)
      expect(JSON.parse(call.arguments)).toEqual(ASK_ARGS)
      const answered = await client.responses.create(
        {
          model: agent,
          previous_response_id: asked.id,
          input: [{ type: 'function_call_output', call_id: call.call_id, output: 'staging' }],
        },
        timeout(),
      )
      expect(answered.output_text).toBe(tfyText.answered('staging'))

      const scale = await client.responses.create({ model: agent, input: 'scale to 6 with nulls' }, timeout())
      const request = scale.output.find((item) => item.type === 'mcp_approval_request')
      if (request?.type !== 'mcp_approval_request')
        throw new Error(`no approval request: ${JSON.stringify(scale.output)}`)
      const scaled = await client.responses.create(
        {
          model: agent,
          previous_response_id: scale.id,
          input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
        },
        timeout(),
      )
      expect(scaled.output_text).toBe(tfyText.scaled(6))

      const team = await client.responses.create({ model: agent, input: 'team with nulls' }, timeout())
      expect(messagesOf(team.output)).toEqual([
        ['commentary', tfyText.payments],
        ['commentary', tfyText.search],
        ['answer', tfyText.team],
      ])
    },
  )

  it('the proxy really sent nulls', () => {
    for (const field of [
      'B model.message: tool_calls',
      'B model.message: finish_reason',
      'B model.message.delta: content',
      'B model.message.delta: finish_reason',
      'B model.message.delta: tool_calls.*.id',
      'B model.message.delta: tool_calls.*.tool_info',
      'B model.message.delta: tool_calls.*.function.name',
      'B thread.done: state.output.tool_calls',
      'B turn.done: state.output.tool_calls',
      'A agent.message: role',
      'A agent.message: content',
      'A agent.message: finish_reason',
      'A agent.message: tool_calls.*.id',
      'A agent.message: tool_calls.*.tool_info',
      'A agent.message: tool_calls.*.tool_info.is_client_side',
      'A agent.message: thinking_blocks.*.signature',
      'A agent.created: created_at',
    ])
      expect(proxy.nulled).toContain(field)
  })
})

// ── 9. live re-streaming ────────────────────────────────────────────────────────────────────────────────────────

describe('live: Responses face → TrueFoundry upstream', () => {
  it.each(SURFACES)(
    '$surface: the first output_text delta arrives while TrueFoundry is still streaming',
    async ({ surface }) => {
      const prompt = `slow answer about the coast of Portugal please (${surface})`
      const stream = await openai().responses.create({ model: TIMED[surface], input: prompt, stream: true }, timeout())
      const deltas: { at: number; delta: string }[] = []
      for await (const event of stream)
        if (event.type === 'response.output_text.delta') deltas.push({ at: Date.now(), delta: event.delta })
      expect(deltas.map((d) => d.delta).join('')).toBe(tfyText.plain(prompt))
      const last = surface === 'sessions' ? 'turn.done' : 'response.done'
      const finished = timed.frames.filter((f) => f.type === last).at(-1)?.at
      if (finished === undefined) throw new Error(`TrueFoundry did not finish: ${JSON.stringify(timed.frames)}`)
      // One delta per model delta, each as it came: the first long before TrueFoundry finished.
      expect(deltas).toHaveLength(pieces(tfyText.plain(prompt)).length)
      const first = deltas[0]?.at ?? Number.POSITIVE_INFINITY
      expect(first).toBeLessThan(finished - 4 * SLOW_MS)
      expect((deltas.at(-1)?.at ?? 0) - first).toBeGreaterThanOrEqual(4 * SLOW_MS)
    },
  )
})

// ── 10. chains ──────────────────────────────────────────────────────────────────────────────────────────────────

describe('chain: the TrueFoundry face of a bridge whose agent is an A2A upstream (the demo agent, slowly)', () => {
  const DELAY = 120
  let demo: RunningBridge
  let middle: RunningBridge
  let front: RunningBridge
  /** When the demo agent's runs finished (ms since the epoch). */
  const finished: number[] = []
  beforeAll(async () => {
    const agent = createDemoAgent({ delayMs: DELAY })
    const slow: AgentBackend = {
      info: () => agent.info(),
      async *run(request, signal) {
        for await (const yielded of agent.run(request, signal)) {
          const events = Array.isArray(yielded) ? yielded : [yielded]
          if (events.some((e) => e.type === 'run.completed')) finished.push(Date.now())
          yield yielded
        }
      },
    }
    demo = await startBridge({ agents: [{ id: 'demo', backend: slow }, demoAgent(0, 'fast')] })
    middle = await startBridge({
      agents: [
        { id: 'via-a2a', dialect: 'a2a', url: `${demo.url}/a2a/demo` },
        { id: 'via-a2a-fast', dialect: 'a2a', url: `${demo.url}/a2a/fast` },
      ],
    })
    front = await startBridge({
      agents: SURFACES.flatMap(({ surface }) => [
        {
          id: `chained-${surface}`,
          dialect: 'truefoundry' as const,
          url: `${middle.url}/truefoundry`,
          truefoundry: { surface, agentName: 'via-a2a' },
        },
        {
          id: `chained-fast-${surface}`,
          dialect: 'truefoundry' as const,
          url: `${middle.url}/truefoundry`,
          truefoundry: { surface, agentName: 'via-a2a-fast' },
        },
      ]),
    })
  })
  afterAll(async () => {
    await front?.close()
    await middle?.close()
    await demo?.close()
  })

  it.each(SURFACES)('$surface: the first delta arrives while the demo agent is still counting', async ({ surface }) => {
    const stream = await openai(front.url).responses.create(
      { model: `chained-${surface}`, input: 'count to 8', stream: true },
      timeout(),
    )
    const deltas: { at: number; delta: string }[] = []
    for await (const event of stream)
      if (event.type === 'response.output_text.delta') deltas.push({ at: Date.now(), delta: event.delta })
    expect(deltas.map((d) => d.delta).join('')).toBe('1 2 3 4 5 6 7 8')
    const done = finished.at(-1)
    if (done === undefined) throw new Error('the demo agent did not finish')
    const first = deltas[0]?.at ?? Number.POSITIVE_INFINITY
    expect(deltas.length).toBeGreaterThanOrEqual(4)
    expect(first).toBeLessThan(done - 4 * DELAY)
    expect((deltas.at(-1)?.at ?? 0) - first).toBeGreaterThanOrEqual(4 * DELAY)
  })

  it.each(SURFACES.flatMap((s) => FACE_CLIENTS.map((c) => ({ ...s, client: c }))))(
    '$surface · $client.name: the demo greeting through three bridges',
    async ({ surface, client }) => {
      expect(await client.ask(front.url, `chained-fast-${surface}`, 'hello')).toBe('Hello! I am the demo agent.')
    },
  )

  it.each(SURFACES)(
    '$surface: the demo agent’s weather tool (an A2A client tool) through three bridges',
    async ({ surface }) => {
      const first = await openai(front.url).responses.create(
        { model: `chained-fast-${surface}`, input: 'What is the weather in Lisbon?' },
        timeout(),
      )
      const call = first.output.find((item) => item.type === 'function_call')
      if (call?.type !== 'function_call') throw new Error(`no function_call: ${JSON.stringify(first.output)}`)
      expect(call.name).toBe('get_weather')
      const second = await openai(front.url).responses.create(
        {
          model: `chained-fast-${surface}`,
          previous_response_id: first.id,
          input: [{ type: 'function_call_output', call_id: call.call_id, output: '21°C' }],
        },
        timeout(),
      )
      expect(second.output_text).toBe('Weather in Lisbon: 21°C')
    },
  )
})

describe('chain: a bridge whose agent is the first bridge’s TrueFoundry face (TrueFoundry behind it)', () => {
  let outer: RunningBridge
  /** Outer agent id → [the outer agent's surface, the inner agent]. */
  const PAIRS: { id: string; surface: Surface; inner: Surface }[] = [
    { id: 'outer-sessions', surface: 'sessions', inner: 'sessions' },
    { id: 'outer-responses', surface: 'responses', inner: 'responses' },
    { id: 'outer-sessions-to-responses', surface: 'sessions', inner: 'responses' },
    { id: 'outer-responses-to-sessions', surface: 'responses', inner: 'sessions' },
  ]
  beforeAll(async () => {
    outer = await startBridge({
      agents: PAIRS.map(({ id, surface, inner }) => ({
        id,
        dialect: 'truefoundry' as const,
        url: `${bridge.url}/truefoundry`,
        truefoundry: { surface, agentName: AGENTS[inner] },
      })),
    })
  })
  afterAll(() => outer?.close())

  const pairClients = PAIRS.flatMap((pair) =>
    FACE_CLIENTS.map((client: FaceClient) => ({ name: `${pair.id} · ${client.name}`, pair, client })),
  )

  it.each(pairClients)('$name: the plain answer through both bridges', async ({ pair, client }) => {
    const prompt = `Hello through the chain from ${client.name} (${pair.id})`
    expect(await client.ask(outer.url, pair.id, prompt)).toBe(tfyText.plain(prompt))
  })

  it.each(PAIRS)('$id: a failure keeps TrueFoundry’s message', async ({ id }) => {
    await expect(FACE_CLIENTS[0]?.ask(outer.url, id, `please fail (chain ${id})`)).rejects.toThrow(tfyText.error)
  })

  it.each(PAIRS)('$id: the client-tool round trip through both bridges reaches TrueFoundry', async ({ id, inner }) => {
    const prompt = `ask me through the chain (${id})`
    const first = await openai(outer.url).responses.create({ model: id, input: prompt }, timeout())
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error(`no function_call: ${JSON.stringify(first.output)}`)
    expect(call.name).toBe(tfyTools.ask)
    expect(JSON.parse(call.arguments)).toEqual(ASK_ARGS)
    const second = await openai(outer.url).responses.create(
      {
        model: id,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'staging' }],
      },
      timeout(),
    )
    expect(second.output_text).toBe(tfyText.answered('staging'))
    expectAnswered(inner, prompt, call.call_id, clientAnswer(inner, 'staging'))
  })

  it.each(PAIRS)('$id: the approval round trip through both bridges', async ({ id, inner }) => {
    const prompt = `scale checkout-api to 6 replicas through the chain (${id})`
    const first = await openai(outer.url).responses.create({ model: id, input: prompt }, timeout())
    const request = first.output.find((item) => item.type === 'mcp_approval_request')
    if (request?.type !== 'mcp_approval_request') throw new Error(`no approval: ${JSON.stringify(first.output)}`)
    expect(request.name).toBe(tfyTools.scale)
    const second = await openai(outer.url).responses.create(
      {
        model: id,
        previous_response_id: first.id,
        input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
      },
      timeout(),
    )
    expect(second.output_text).toBe(tfyText.scaled(6))
    const callId = inner === 'sessions' ? turnOf(prompt).pending[0]?.id : responseOf(prompt).pending[0]?.id
    expectAnswered(inner, prompt, String(callId), approvalAnswer(inner, { status: 'allow' }))
  })

  it.each(PAIRS)('$id: two turns through both bridges, one TrueFoundry conversation', async ({ id, inner }) => {
    const first = `My name is Bo (chain ${id})`
    const second = `What is my name? (chain ${id})`
    const conversation = CONVERSATIONS[0]
    if (!conversation) throw new Error('no conversation driver')
    expect(await conversation.converse(outer.url, id, first, second)).toEqual({
      first: tfyText.plain(first),
      second: tfyText.plain(second, [first]),
    })
    if (inner === 'sessions') expect(turnOf(second).sessionId).toBe(turnOf(first).sessionId)
    else expect(continuations(responseOf(first)).map((r) => r.texts.at(-1))).toEqual([second])
  })

  it.each(PAIRS)(
    '$id: sub-agents through both bridges: the children as commentary, the root’s answer last',
    async ({ id }) => {
      const response = await openai(outer.url).responses.create(
        { model: id, input: `incidents for the team (chain ${id})` },
        timeout(),
      )
      expect(messagesOf(response.output)).toEqual([
        ['commentary', tfyText.payments],
        ['commentary', tfyText.search],
        ['answer', tfyText.team],
      ])
    },
  )
})
