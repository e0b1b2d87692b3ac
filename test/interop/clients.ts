// Third-party clients of the bridge's faces, shared by the interop suites: each drives one face of a running bridge
// the way a user of that client library would, and returns the answer text that client sees. An answer is returned
// only for a turn that completed; anything else (a failed or interrupted run, an error response, a stuck face) rejects
// with what the client saw, so a test fails at once instead of comparing against an empty string.
import { randomUUID } from 'node:crypto'
import { createOpenAI } from '@ai-sdk/openai'
import type { Message, Part, SendMessageRequest, Task } from '@a2a-js/sdk'
import { Role, TaskState } from '@a2a-js/sdk'
import type { Client as A2AClient } from '@a2a-js/sdk/client'
import { ClientFactory, ClientFactoryOptions, Client as SdkClient } from '@a2a-js/sdk/client'
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client'
import { streamText } from 'ai'
import OpenAI from 'openai'
import createClient from 'openapi-fetch'
import type { components, paths } from '../../src/generated/acp.js'
import { readAll } from '../helpers/sse.js'

/** One way a third-party client asks a face of a running bridge: returns the answer text that client sees. */
export interface FaceClient {
  name: string
  ask(bridgeUrl: string, agent: string, prompt: string): Promise<string>
}

/** A two-turn conversation through one face: the answers to both prompts, as that client sees them. */
export interface Conversation {
  name: string
  converse(bridgeUrl: string, agent: string, first: string, second: string): Promise<{ first: string; second: string }>
}

/** Every call of a driver gives up after this long, so a stuck face fails its test (test timeout 20 s) at once. */
const CALL_MS = 12_000

/** Runs `work` with an abort signal that fires after CALL_MS, and rejects with a clear message if it is still going. */
async function bounded<T>(what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`${what}: no answer within ${CALL_MS} ms`))
      reject(new Error(`${what}: no answer within ${CALL_MS} ms`))
    }, CALL_MS)
  })
  try {
    return await Promise.race([work(controller.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}

const describeError = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}` : typeof e === 'string' ? e : JSON.stringify(e)

// ── OpenAI Responses (`openai` SDK) ─────────────────────────────────────────────────────────────────────────────

const openai = (bridgeUrl: string) =>
  new OpenAI({ baseURL: `${bridgeUrl}/v1`, apiKey: 'x', maxRetries: 0, timeout: CALL_MS })

type OpenAIResponse = OpenAI.Responses.Response

/** The response's id and `output_text`, once it completed (a failed or incomplete response rejects). */
function completedText(response: OpenAIResponse, via: string): { id: string; text: string } {
  if (response.status !== 'completed')
    throw new Error(
      `${via}: the response ended ${response.status}: ${response.error?.message ?? JSON.stringify(response)}`,
    )
  return { id: response.id, text: response.output_text }
}

type Turn = (
  signal: AbortSignal,
  bridgeUrl: string,
  agent: string,
  input: string,
  previous?: string,
) => Promise<{ id: string; text: string }>

const responsesCreate: Turn = async (signal, bridgeUrl, agent, input, previous) => {
  const response = await openai(bridgeUrl).responses.create(
    { model: agent, input, ...(previous ? { previous_response_id: previous } : {}) },
    { signal },
  )
  return completedText(response, 'openai responses.create')
}

const responsesCreateStream: Turn = async (signal, bridgeUrl, agent, input, previous) => {
  const stream = await openai(bridgeUrl).responses.create(
    { model: agent, input, stream: true, ...(previous ? { previous_response_id: previous } : {}) },
    { signal },
  )
  let text = ''
  let last: OpenAI.Responses.ResponseStreamEvent | undefined
  for await (const event of stream) {
    last = event
    if (event.type === 'response.output_text.delta') text += event.delta
    if (event.type === 'response.failed')
      throw new Error(`openai responses.create stream: response.failed: ${event.response.error?.message}`)
  }
  if (last?.type !== 'response.completed')
    throw new Error(`openai responses.create stream: the stream ended with ${last?.type ?? 'no event'}`)
  return { id: last.response.id, text }
}

const responsesStreamHelper: Turn = async (signal, bridgeUrl, agent, input, previous) => {
  const stream = openai(bridgeUrl).responses.stream(
    { model: agent, input, ...(previous ? { previous_response_id: previous } : {}) },
    { signal },
  )
  return completedText(await stream.finalResponse(), 'openai responses.stream()')
}

// ── Vercel AI SDK (`ai` + `@ai-sdk/openai`, Responses model) ────────────────────────────────────────────────────

const aiSdkStreamText: Turn = async (signal, bridgeUrl, agent, prompt, previous) => {
  const provider = createOpenAI({ baseURL: `${bridgeUrl}/v1`, apiKey: 'x' })
  const errors: unknown[] = []
  const result = streamText({
    model: provider.responses(agent),
    prompt,
    maxRetries: 0,
    abortSignal: signal,
    onError: ({ error }) => {
      errors.push(error)
    },
    ...(previous ? { providerOptions: { openai: { previousResponseId: previous } } } : {}),
  })
  // A failed stream rejects `text` with a generic NoOutputGeneratedError; what went wrong reached onError first.
  const failure = (e?: unknown) =>
    new Error(`ai-sdk streamText: ${[...errors, ...(e === undefined ? [] : [e])].map(describeError).join('; ')}`)
  let text: string
  try {
    text = await result.text
  } catch (e) {
    throw failure(e)
  }
  if (errors.length > 0) throw failure()
  const finishReason = await result.finishReason
  if (finishReason === 'error') throw new Error(`ai-sdk streamText: finished with ${finishReason}`)
  const metadata = await result.providerMetadata
  const id = String(metadata?.openai?.responseId ?? (await result.response).id)
  return { id, text }
}

// ── A2A (`@a2a-js/sdk`) ─────────────────────────────────────────────────────────────────────────────────────────

type A2AVersion = '1.0' | '0.3'

const jsonRpcFactory = () =>
  new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: ['JSONRPC'] }))

/** An SDK client for the agent: v1.0 JSON-RPC chosen from the card, or the v0.3 compat JSON-RPC transport. */
async function a2aClient(bridgeUrl: string, agent: string, version: A2AVersion, signal: AbortSignal) {
  const url = `${bridgeUrl}/a2a/${agent}`
  const client = await jsonRpcFactory().createFromUrl(`${url}/`)
  if (client.transport.protocolName !== 'JSONRPC' || client.protocolVersion !== '1.0')
    throw new Error(`a2a-sdk: the card of ${url} gave ${client.transport.protocolName} ${client.protocolVersion}`)
  if (version === '1.0') return client
  const card = await client.getAgentCard({ signal })
  return new SdkClient(new LegacyJsonRpcTransport({ endpoint: url }), card)
}

const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  filename: '',
  mediaType: '',
  metadata: undefined,
})
const partsText = (parts: Part[]) => parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')

/** An @a2a-js/sdk SendMessageRequest of one text message (a new conversation unless `contextId`). */
export function sendRequest(prompt: string, contextId = ''): SendMessageRequest {
  return {
    tenant: '',
    message: {
      messageId: randomUUID(),
      contextId,
      taskId: '',
      role: Role.ROLE_USER,
      parts: [textPart(prompt)],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    },
    configuration: {
      acceptedOutputModes: [],
      returnImmediately: false,
      taskPushNotificationConfig: undefined,
    },
    metadata: undefined,
  }
}

/** A Message reply's text; a Task's artifacts' text, or its final status message's text when it has none. */
function a2aAnswer(result: Message | Task, via: string): { contextId: string; text: string } {
  if (!('status' in result)) return { contextId: result.contextId, text: partsText(result.parts) }
  const state = result.status?.state
  const statusText = partsText(result.status?.message?.parts ?? [])
  if (state !== TaskState.TASK_STATE_COMPLETED)
    throw new Error(`${via}: the task ended ${TaskState[state ?? 0] ?? state}: ${statusText}`)
  const text = result.artifacts.length > 0 ? result.artifacts.map((a) => partsText(a.parts)).join('') : statusText
  return { contextId: result.contextId, text }
}

async function a2aSend(client: A2AClient, prompt: string, contextId: string, via: string, signal: AbortSignal) {
  return a2aAnswer(await client.sendMessage(sendRequest(prompt, contextId), { signal }), via)
}

// ── ACP (`openapi-fetch` over the generated types) ──────────────────────────────────────────────────────────────

type S = components['schemas']

const acpClient = (bridgeUrl: string, signal: AbortSignal) =>
  createClient<paths>({
    baseUrl: bridgeUrl,
    fetch: (request) => fetch(request, { signal: AbortSignal.any([request.signal, signal]) }),
  })
type AcpClient = ReturnType<typeof acpClient>

function acpOk<T>(res: { data?: T; error?: unknown; response: Response }, via: string): T {
  if (!res.response.ok || res.data === undefined)
    throw new Error(`${via}: ${res.response.status} ${JSON.stringify(res.error)}`)
  return res.data
}

async function acpAgentId(client: AcpClient, agent: string): Promise<string> {
  const agents = acpOk(await client.POST('/acp/agents/search', { body: { name: agent } }), 'acp agents/search')
  const found = agents.find((a) => a.metadata.ref.name === agent)
  if (!found) throw new Error(`acp agents/search: no agent named ${agent} in ${JSON.stringify(agents)}`)
  return found.agent_id
}

const acpInput = (text: string) => ({ messages: [{ role: 'user', content: text }] })

const blocksText = (content: S['Message']['content']) =>
  typeof content === 'string'
    ? content
    : content.map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('')

/** The last assistant (or `ai`) message's content in `values.messages`, else `values.text`. */
function valuesAnswer(values: unknown, via: string): string {
  const v = (values ?? {}) as { messages?: S['Message'][]; text?: unknown }
  const last = (v.messages ?? []).filter((m) => m.role === 'assistant' || m.role === 'ai').at(-1)
  if (last) return blocksText(last.content)
  if (typeof v.text === 'string') return v.text
  throw new Error(`${via}: no answer in values ${JSON.stringify(values)}`)
}

function acpWaitAnswer(output: S['RunOutput'] | undefined, via: string): string {
  if (output?.type !== 'result') throw new Error(`${via}: the run did not end with a result: ${JSON.stringify(output)}`)
  return valuesAnswer(output.values, via)
}

async function acpWait(bridgeUrl: string, agent: string, prompt: string) {
  const via = 'acp runs/wait'
  return bounded(via, async (signal) => {
    const client = acpClient(bridgeUrl, signal)
    const agentId = await acpAgentId(client, agent)
    const res = await client.POST('/acp/runs/wait', { body: { agent_id: agentId, input: acpInput(prompt) } })
    return acpWaitAnswer(acpOk(res, via).output, via)
  })
}

async function acpStream(bridgeUrl: string, agent: string, prompt: string) {
  const via = 'acp runs/stream'
  return bounded(via, async (signal) => {
    const client = acpClient(bridgeUrl, signal)
    const agentId = await acpAgentId(client, agent)
    const res = await client.POST('/acp/runs/stream', {
      body: { agent_id: agentId, input: acpInput(prompt) },
      parseAs: 'stream',
    })
    if (!res.response.ok) throw new Error(`${via}: ${res.response.status} ${await res.response.text()}`)
    const events = (await readAll(res.response)).map((e) => JSON.parse(e.data) as S['RunOutputStreamData'])
    const last = events.at(-1)
    if (last?.type !== 'values' || last.status !== 'success')
      throw new Error(`${via}: the stream did not end with a successful values event: ${JSON.stringify(last)}`)
    return valuesAnswer(last.values, via)
  })
}

async function acpThreadConversation(bridgeUrl: string, agent: string, first: string, second: string) {
  const via = 'acp threads/{id}/runs/wait'
  return bounded(via, async (signal) => {
    const client = acpClient(bridgeUrl, signal)
    const agentId = await acpAgentId(client, agent)
    const thread = acpOk(await client.POST('/acp/threads', { body: {} }), 'acp threads')
    const turn = async (prompt: string) => {
      const res = await client.POST('/acp/threads/{thread_id}/runs/wait', {
        params: { path: { thread_id: thread.thread_id } },
        body: { agent_id: agentId, input: acpInput(prompt) },
      })
      return acpWaitAnswer(acpOk(res, via).output, via)
    }
    const one = await turn(first)
    return { first: one, second: await turn(second) }
  })
}

// ── the exports ─────────────────────────────────────────────────────────────────────────────────────────────────

const single = (name: string, turn: Turn): FaceClient => ({
  name,
  ask: (url, agent, prompt) => bounded(name, async (signal) => (await turn(signal, url, agent, prompt)).text),
})

export const FACE_CLIENTS: FaceClient[] = [
  single('openai responses.create', responsesCreate),
  single('openai responses.create stream', responsesCreateStream),
  single('openai responses.stream()', responsesStreamHelper),
  single('ai-sdk streamText', aiSdkStreamText),
  ...(['1.0', '0.3'] as const).map(
    (version): FaceClient => ({
      name: `a2a-sdk jsonrpc v${version}`,
      ask: (url, agent, prompt) =>
        bounded(`a2a-sdk jsonrpc v${version}`, async (signal) => {
          const client = await a2aClient(url, agent, version, signal)
          return (await a2aSend(client, prompt, '', `a2a-sdk jsonrpc v${version}`, signal)).text
        }),
    }),
  ),
  { name: 'acp openapi-fetch wait', ask: acpWait },
  { name: 'acp openapi-fetch stream', ask: acpStream },
]

/** Two turns through an openai-style driver, the second continuing the first with `previous_response_id`. */
const chained =
  (name: string, turn: Turn): Conversation['converse'] =>
  (url, agent, first, second) =>
    bounded(`${name} conversation`, async (signal) => {
      const one = await turn(signal, url, agent, first)
      const two = await turn(signal, url, agent, second, one.id)
      return { first: one.text, second: two.text }
    })

export const CONVERSATIONS: Conversation[] = [
  { name: 'openai responses.create', converse: chained('openai responses.create', responsesCreate) },
  {
    name: 'openai responses.create stream',
    converse: chained('openai responses.create stream', responsesCreateStream),
  },
  { name: 'openai responses.stream()', converse: chained('openai responses.stream()', responsesStreamHelper) },
  { name: 'ai-sdk streamText', converse: chained('ai-sdk streamText', aiSdkStreamText) },
  ...(['1.0', '0.3'] as const).map(
    (version): Conversation => ({
      name: `a2a-sdk jsonrpc v${version}`,
      converse: (url, agent, first, second) =>
        bounded(`a2a-sdk jsonrpc v${version} conversation`, async (signal) => {
          const via = `a2a-sdk jsonrpc v${version}`
          const client = await a2aClient(url, agent, version, signal)
          const one = await a2aSend(client, first, '', via, signal)
          if (!one.contextId) throw new Error(`${via}: the first reply has no contextId`)
          const two = await a2aSend(client, second, one.contextId, via, signal)
          if (two.contextId !== one.contextId)
            throw new Error(`${via}: the second reply is in context ${two.contextId}, not ${one.contextId}`)
          return { first: one.text, second: two.text }
        }),
    }),
  ),
  { name: 'acp openapi-fetch thread wait', converse: acpThreadConversation },
]
