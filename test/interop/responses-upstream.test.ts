// A third-party Responses server behind the bridge: @copilotkit/aimock (LLMock) plays the upstream agent, and every
// shared client driver (test/interop/clients.ts) asks it through the bridge's faces. The upstream is reached through
// a transparent tap (responses-tap.ts) that records what the bridge sent as it was sent: aimock's journal keeps a
// /v1/responses request only as its chat-completions translation (no `previous_response_id`), so chaining is read
// from the tap and the history aimock matched on from the journal.
import { createServer } from 'node:net'
import type { Task } from '@a2a-js/sdk'
import { TaskState } from '@a2a-js/sdk'
import { ClientFactory, ClientFactoryOptions, Client as SdkClient } from '@a2a-js/sdk/client'
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client'
import type { JournalEntry } from '@copilotkit/aimock'
import { LLMock } from '@copilotkit/aimock'
import OpenAI from 'openai'
import createClient from 'openapi-fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { components, paths } from '../../src/generated/acp.js'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { readAll } from '../helpers/sse.js'
import { CONVERSATIONS, FACE_CLIENTS, sendRequest } from './clients.js'
import type { Tap, TappedRequest } from './responses-tap.js'
import { startTap } from './responses-tap.js'

const timeout = (ms = 12_000) => ({ signal: AbortSignal.timeout(ms) })

// ── the shared drivers, proven against the built-in demo agent first ────────────────────────────────────────────

describe('the shared client drivers, against the built-in demo agent', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(() => bridge?.close())

  it.each(FACE_CLIENTS)('$name: "hello" is answered with the demo greeting', async (client) => {
    expect(await client.ask(bridge.url, 'demo', 'hello')).toBe('Hello! I am the demo agent.')
  })

  it.each(CONVERSATIONS)('$name: the second turn remembers the first', async (conversation) => {
    expect(await conversation.converse(bridge.url, 'demo', 'my name is Ada', 'what is my name?')).toEqual({
      first: 'Nice to meet you, Ada.',
      second: 'Your name is Ada.',
    })
  })

  it.each(FACE_CLIENTS)('$name: a run that fails is an error, not an answer', async (client) => {
    await expect(client.ask(bridge.url, 'demo', 'please fail')).rejects.toThrow(/The demo agent failed on purpose/)
  })
})

// ── aimock as the upstream ──────────────────────────────────────────────────────────────────────────────────────

/** The text fixture: leading and trailing blanks, an empty line, a doubled space, markdown and non-ASCII. */
const STORY = '  Once upon a time,  a fox\n\nfound **42** grapes — «fin», naïvely.  \n'
/** The slow fixture: 50 characters in 10 chunks, ~100 ms apart. */
const SLOW = 'One two three four five six seven eight nine ten. '
const WEATHER_ARGS = '{"city":"Oslo"}'

/** Per conversation driver: its own prompts, answers and upstream response ids, so journals can be told apart. */
const turns = CONVERSATIONS.map((c, i) => ({
  name: c.name,
  first: `First question, conversation ${i + 1}`,
  second: `Second question, conversation ${i + 1}`,
  firstAnswer: `First answer of conversation ${i + 1}.`,
  secondAnswer: `Second answer of conversation ${i + 1}.`,
  firstId: `resp_conversation_${i + 1}_first`,
  secondId: `resp_conversation_${i + 1}_second`,
}))

let mock: LLMock
let tap: Tap
let bridge: RunningBridge
let downPort = 0

/** A loopback port where nothing listens (bound, then closed). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

beforeAll(async () => {
  mock = new LLMock({ port: 0, host: '127.0.0.1' })
  mock.onMessage('tell me a story', { content: STORY }, { chunkSize: 3 })
  mock.onMessage('weather in Oslo', { toolCalls: [{ name: 'get_weather', arguments: WEATHER_ARGS, id: 'call_oslo' }] })
  mock.onMessage('stream slowly', { content: SLOW }, { chunkSize: 5, streamingProfile: { ttft: 100, tps: 10 } })
  for (const t of turns) {
    mock.onMessage(t.first, { content: t.firstAnswer, id: t.firstId })
    mock.onMessage(t.second, { content: t.secondAnswer, id: t.secondId })
  }
  await mock.start()
  tap = await startTap(mock.url)
  downPort = await freePort()
  bridge = await startBridge({
    agents: [
      { id: 'mock', dialect: 'responses', url: `${tap.url}/v1`, model: 'gpt-4o' },
      {
        id: 'down',
        dialect: 'responses',
        url: `http://127.0.0.1:${downPort}/v1`,
        retries: 0,
        timeouts: { connectMs: 500 },
      },
    ],
  })
})

afterAll(async () => {
  await bridge?.close()
  await tap?.close()
  await mock?.stop()
})

/** The POSTs to /v1/responses that went upstream whose input mentions `text`. */
const sentWith = (text: string): TappedRequest[] =>
  tap.requests.filter(
    (r) => r.method === 'POST' && r.path === '/v1/responses' && JSON.stringify(r.body?.input).includes(text),
  )

async function journal(): Promise<JournalEntry[]> {
  const res = await fetch(`${mock.url}/__aimock/journal`, timeout())
  expect(res.status).toBe(200)
  return (await res.json()) as JournalEntry[]
}

const openai = () => new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x', maxRetries: 0, timeout: 12_000 })

describe('aimock as a Responses upstream: a text answer', () => {
  it.each(FACE_CLIENTS)('$name: the answer is exactly the fixture text', async (client) => {
    expect(await client.ask(bridge.url, 'mock', 'tell me a story')).toBe(STORY)
  })

  it('the upstream is asked for the configured model, streamed, with the prompt as input', async () => {
    const prompt = 'please tell me a story, in one request'
    expect(await FACE_CLIENTS[0]?.ask(bridge.url, 'mock', prompt)).toBe(STORY)
    const sent = sentWith(prompt)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.body).toEqual(expect.objectContaining({ model: 'gpt-4o', stream: true }))
    expect(JSON.stringify(sent[0]?.body?.input)).toContain(prompt)
  })
})

// ── client tools ────────────────────────────────────────────────────────────────────────────────────────────────

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

type S = components['schemas']
const acp = () =>
  createClient<paths>({
    baseUrl: bridge.url,
    fetch: (request) => fetch(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(12_000)]) }),
  })
async function acpAgentId(name: string): Promise<string> {
  const { data } = await acp().POST('/acp/agents/search', { body: { name } })
  const id = data?.find((a) => a.metadata.ref.name === name)?.agent_id
  if (!id) throw new Error(`no ACP agent ${name}: ${JSON.stringify(data)}`)
  return id
}

async function a2aSdk(version: '1.0' | '0.3') {
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: ['JSONRPC'] }),
  )
  const client = await factory.createFromUrl(`${bridge.url}/a2a/mock/`)
  if (version === '1.0') return client
  return new SdkClient(
    new LegacyJsonRpcTransport({ endpoint: `${bridge.url}/a2a/mock` }),
    await client.getAgentCard(timeout()),
  )
}

describe('aimock as a Responses upstream: a client tool call', () => {
  it('openai responses.create: the response completes with the function_call item, call and arguments verbatim', async () => {
    const response = await openai().responses.create(
      { model: 'mock', input: 'What is the weather in Oslo?', tools: [GET_WEATHER] },
      timeout(),
    )
    expect(response.status).toBe('completed')
    expect(response.output).toEqual([
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_oslo',
        name: 'get_weather',
        arguments: WEATHER_ARGS,
      }),
    ])
    expect(response.output_text).toBe('')
    // The client's tool declaration went upstream as it was given.
    const sent = sentWith('What is the weather in Oslo?').at(-1)
    expect(sent?.body?.tools).toEqual([expect.objectContaining({ type: 'function', name: 'get_weather' })])
  })

  it('openai responses.stream(): the arguments stream in and the final response holds the function_call', async () => {
    const stream = openai().responses.stream(
      { model: 'mock', input: 'What is the weather in Oslo?', tools: [GET_WEATHER] },
      timeout(),
    )
    let streamed = ''
    stream.on('response.function_call_arguments.delta', (e) => {
      streamed += e.delta
    })
    const response = await stream.finalResponse()
    expect(streamed).toBe(WEATHER_ARGS)
    expect(response.status).toBe('completed')
    const call = response.output.find((item) => item.type === 'function_call')
    expect(call).toEqual(
      expect.objectContaining({ call_id: 'call_oslo', name: 'get_weather', arguments: WEATHER_ARGS }),
    )
  })

  it.each(['1.0', '0.3'] as const)(
    'a2a-sdk jsonrpc v%s: the task is INPUT_REQUIRED with a function-call data part naming the call',
    async (version) => {
      const client = await a2aSdk(version)
      const result = await client.sendMessage(sendRequest('What is the weather in Oslo?'), timeout())
      if (!('status' in result)) throw new Error(`expected a Task, got a Message: ${JSON.stringify(result)}`)
      const task: Task = result
      expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
      const data = (task.status?.message?.parts ?? []).flatMap((p) =>
        p.content?.$case === 'data' ? [{ value: p.content.value, mediaType: p.mediaType }] : [],
      )
      expect(data.map((d) => d.value)).toEqual([{ call_id: 'call_oslo', name: 'get_weather', arguments: WEATHER_ARGS }])
      if (version === '1.0') expect(data[0]?.mediaType).toBe('application/vnd.dialect-bridge.function-call+json')
      expect(task.artifacts).toEqual([])
    },
  )

  // The descriptor declares the generic `function_call` interrupt's payload as {calls: [{call_id, name, arguments}]}
  // (all three required): a client needs the name and the arguments to run the tool.
  const WEATHER_INTERRUPT = {
    function_call: { calls: [{ call_id: 'call_oslo', name: 'get_weather', arguments: WEATHER_ARGS }] },
  }

  it('acp openapi-fetch wait: the run is interrupted with a function_call interrupt naming the call', async () => {
    const agentId = await acpAgentId('mock')
    const { data, response } = await acp().POST('/acp/runs/wait', {
      body: { agent_id: agentId, input: { messages: [{ role: 'user', content: 'What is the weather in Oslo?' }] } },
    })
    expect(response.status).toBe(200)
    expect(data?.run?.status).toBe('interrupted')
    expect(data?.output).toEqual({ type: 'interrupt', interrupt: WEATHER_INTERRUPT })
  })

  it('acp openapi-fetch stream: the stream ends with an interrupt event naming the call', async () => {
    const agentId = await acpAgentId('mock')
    const { response } = await acp().POST('/acp/runs/stream', {
      body: { agent_id: agentId, input: { messages: [{ role: 'user', content: 'What is the weather in Oslo?' }] } },
      parseAs: 'stream',
    })
    expect(response.status).toBe(200)
    const events = (await readAll(response)).map((e) => JSON.parse(e.data) as S['RunOutputStreamData'])
    expect(events.at(-1)).toEqual(
      expect.objectContaining({ type: 'interrupt', status: 'interrupted', interrupt: WEATHER_INTERRUPT }),
    )
  })
})

// ── live re-streaming ───────────────────────────────────────────────────────────────────────────────────────────

describe('aimock as a Responses upstream: live re-streaming', () => {
  it('openai stream: the first delta reaches the client while the slow upstream is still streaming', async () => {
    const stream = await openai().responses.create({ model: 'mock', input: 'stream slowly', stream: true }, timeout())
    const deltas: { at: number; delta: string }[] = []
    for await (const event of stream)
      if (event.type === 'response.output_text.delta') deltas.push({ at: Date.now(), delta: event.delta })

    expect(deltas.map((d) => d.delta).join('')).toBe(SLOW)
    const upstream = sentWith('stream slowly')
    expect(upstream).toHaveLength(1)
    const { startedAt, endedAt } = upstream[0] as TappedRequest
    if (endedAt === undefined) throw new Error('the upstream answer did not end')
    // The upstream took clearly long: ~17 events 100 ms apart.
    expect(endedAt - startedAt).toBeGreaterThanOrEqual(1_000)
    const first = deltas[0]?.at ?? Number.POSITIVE_INFINITY
    const last = deltas.at(-1)?.at ?? 0
    // The chunks arrived as the upstream sent them, not all at once at its end.
    expect(deltas.length).toBeGreaterThanOrEqual(5)
    expect(first).toBeLessThan(endedAt - 500)
    expect(last - first).toBeGreaterThanOrEqual(500)
  })
})

// ── conversations ───────────────────────────────────────────────────────────────────────────────────────────────

describe('aimock as a Responses upstream: two-turn conversations', () => {
  it.each(turns)('$name: the second turn continues the first upstream response', async (t) => {
    const conversation = CONVERSATIONS.find((c) => c.name === t.name)
    if (!conversation) throw new Error(`no conversation ${t.name}`)
    expect(await conversation.converse(bridge.url, 'mock', t.first, t.second)).toEqual({
      first: t.firstAnswer,
      second: t.secondAnswer,
    })

    const [first, ...moreFirst] = sentWith(t.first)
    const [second, ...moreSecond] = sentWith(t.second)
    expect(moreFirst).toEqual([])
    expect(moreSecond).toEqual([])
    expect(first?.body?.previous_response_id ?? null).toBeNull()
    expect(second?.body?.previous_response_id).toBe(t.firstId)

    // The second request carries only the new turn (the history is upstream, behind previous_response_id), and
    // aimock answered it from the second fixture.
    const entries = (await journal()).filter(
      (e) => e.path === '/v1/responses' && JSON.stringify(e.body).includes(t.second),
    )
    expect(entries).toHaveLength(1)
    const secondEntry = entries[0]
    const body = secondEntry?.body as { messages?: { role: string; content: unknown }[] } | undefined
    expect(body?.messages).toEqual([{ role: 'user', content: t.second }])
    expect(secondEntry?.response.status).toBe(200)
    expect(secondEntry?.response.fixture?.response).toEqual(expect.objectContaining({ id: t.secondId }))
  })
})

// ── failure isolation ───────────────────────────────────────────────────────────────────────────────────────────

describe('aimock as a Responses upstream: an unreachable upstream beside it', () => {
  const REFUSED =
    /Could not reach the upstream Responses server at http:\/\/127\.0\.0\.1:\d+\/v1\/responses: .*ECONNREFUSED/

  it.each(FACE_CLIENTS)('$name: runs on the unreachable agent fail, while mock answers', async (client) => {
    const started = Date.now()
    const [down, up] = await Promise.allSettled([
      client.ask(bridge.url, 'down', 'tell me a story'),
      client.ask(bridge.url, 'mock', 'tell me a story'),
    ])
    if (down.status !== 'rejected') throw new Error(`the unreachable agent answered: ${JSON.stringify(down.value)}`)
    expect(String(down.reason)).toMatch(REFUSED)
    expect(String(down.reason)).toContain(`127.0.0.1:${downPort}`)
    expect(up).toEqual({ status: 'fulfilled', value: STORY })
    // retries: 0 and a refused connection: no waiting on the dead upstream.
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('GET /v1/models lists both agents', async () => {
    const models = await openai().models.list(timeout())
    expect(models.data.map((m) => m.id).sort()).toEqual(['down', 'mock'])
  })
})
