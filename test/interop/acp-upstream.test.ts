// An ACP upstream that answers like the Python reference server (FastAPI + pydantic + LangGraph: explicit nulls,
// `stream_mode` refused with 422, `config` required, LangChain-serialised messages, /wait that comes back pending)
// behind the bridge, asked through every face's third-party client.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { postJson } from '../helpers/sse.js'
import type { PyAcpServer, Seen } from './acp-python-server.js'
import { startPyAcpServer } from './acp-python-server.js'
import { CONVERSATIONS, FACE_CLIENTS } from './clients.js'

const STREAM = 'org.example.py-stream'
const WAIT = 'org.example.py-wait'
const BROKEN = 'org.example.py-broken'

/** A Python server with a streaming agent (no threads), a non-streaming one (threads) and one whose descriptor fails. */
const startPython = () =>
  startPyAcpServer([
    { name: STREAM, streaming: true, threads: false },
    { name: WAIT, streaming: false, threads: true },
    { name: BROKEN, streaming: true, threads: false, broken: true },
  ])

/** A loopback URL where nothing listens. */
async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return `http://127.0.0.1:${port}`
}

const bridgeFor = (python: PyAcpServer, down: string, log?: (line: string) => void) =>
  startBridge({
    agents: [
      { id: 'acp-py', dialect: 'acp', url: python.url, acp: { agentName: STREAM } },
      { id: 'acp-py-wait', dialect: 'acp', url: python.url, acp: { agentName: WAIT } },
      { id: 'acp-py-broken', dialect: 'acp', url: python.url, acp: { agentName: BROKEN }, retries: 0 },
      { id: 'acp-py-down', dialect: 'acp', url: down, acp: { agentName: STREAM }, retries: 0 },
    ],
    ...(log ? { log } : {}),
  })

/** The run creations the server saw (stateless, streamed or on a thread), in order. */
const creations = (seen: Seen[], path: RegExp) => seen.filter((s) => s.method === 'POST' && path.test(s.path))
const STREAM_RUNS = /^\/runs\/stream$/
const THREAD_RUNS = /^\/threads\/[^/]+\/runs$/

let python: PyAcpServer
let bridge: RunningBridge
const lines: string[] = []

beforeAll(async () => {
  python = await startPython()
  bridge = await bridgeFor(python, await deadUrl(), (line) => lines.push(line))
})
afterAll(async () => {
  await bridge?.close()
  await python?.close()
})

// What the other tests rely on: the server really answers the way the Python one does.
describe('the Python server, asked directly', () => {
  const post = (path: string, body: unknown) => postJson(`${python.url}${path}`, body)
  const run = (extra: object) => ({ agent_id: python.ids[STREAM], input: { messages: [] }, ...extra })

  it('refuses stream_mode and a missing config with FastAPI validation errors', async () => {
    const named = await post('/runs/stream', run({ config: {}, stream_mode: 'values' }))
    expect(named.status).toBe(422)
    expect(await named.json()).toEqual({
      detail: [
        {
          type: 'extra_forbidden',
          loc: ['body', 'stream_mode'],
          msg: 'Extra inputs are not permitted',
          input: 'values',
        },
      ],
    })
    const bare = await post('/runs/stream', run({}))
    expect(bare.status).toBe(422)
    expect(((await bare.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(['body', 'config'])
  })

  it('sends unset optional fields as null', async () => {
    const found = (await (await post('/agents/search', { name: WAIT })).json()) as unknown[]
    expect(found).toEqual([
      {
        agent_id: python.ids[WAIT],
        metadata: { ref: { name: WAIT, version: '0.1.0', url: null }, description: `${WAIT}, a LangGraph agent` },
      },
    ])
    const descriptor = (await (await fetch(`${python.url}/agents/${python.ids[WAIT]}/descriptor`)).json()) as {
      specs: Record<string, unknown>
    }
    expect(descriptor.specs.capabilities).toEqual({ threads: true, interrupts: null, callbacks: null, streaming: null })
    expect(descriptor.specs).toMatchObject({ config: null, custom_streaming_update: null, interrupts: null })
  })
})

describe('every face gets exactly the answer of a Python ACP agent', () => {
  it.each(FACE_CLIENTS)('$name: the streaming agent', async (client) => {
    expect(await client.ask(bridge.url, 'acp-py', 'hello there')).toBe('Hi! You said: hello there')
  })

  it.each(FACE_CLIENTS)('$name: the agent without streaming (create, then /wait until it is done)', async (client) => {
    const before = python.seen.length
    expect(await client.ask(bridge.url, 'acp-py-wait', 'hello there')).toBe('Hi! You said: hello there')
    // Its /wait came back pending with no output first: the bridge asked again.
    const waits = python.seen.slice(before).filter((s) => s.method === 'GET' && s.path.endsWith('/wait'))
    expect(waits).toHaveLength(2)
    expect(waits[0]?.path).toBe(waits[1]?.path)
  })
})

describe('two turns: the Python agent remembers the first', () => {
  const FIRST = 'my name is Ada'
  const SECOND = 'what is my name?'
  const EXPECTED = {
    first: 'Hi! You said: my name is Ada',
    second: 'You told me: my name is Ada; now: what is my name?',
  }

  it.each(CONVERSATIONS)(
    '$name: the streaming agent without threads gets the conversation re-sent in input',
    async (conversation) => {
      expect(await conversation.converse(bridge.url, 'acp-py', FIRST, SECOND)).toEqual(EXPECTED)
      const last = creations(python.seen, STREAM_RUNS).at(-1)
      expect(last?.status).toBe(200)
      expect((last?.body as { input?: unknown } | undefined)?.input).toEqual({
        messages: [
          { role: 'user', content: 'my name is Ada' },
          { role: 'assistant', content: 'Hi! You said: my name is Ada' },
          { role: 'user', content: 'what is my name?' },
        ],
      })
    },
    30_000,
  )

  it.each(CONVERSATIONS)(
    '$name: the agent with threads gets only the new message, on the same thread',
    async (conversation) => {
      const before = python.seen.length
      expect(await conversation.converse(bridge.url, 'acp-py-wait', FIRST, SECOND)).toEqual(EXPECTED)
      const runs = creations(python.seen.slice(before), THREAD_RUNS).filter((s) => s.status === 200)
      expect(runs).toHaveLength(2)
      expect(runs[1]?.path).toBe(runs[0]?.path)
      expect((runs[1]?.body as { input?: unknown } | undefined)?.input).toEqual({
        messages: [{ role: 'user', content: 'what is my name?' }],
      })
    },
    30_000,
  )
})

describe('a server that refuses stream_mode and requires config', () => {
  let own: PyAcpServer
  let ownBridge: RunningBridge
  beforeAll(async () => {
    own = await startPython()
    ownBridge = await bridgeFor(own, await deadUrl())
  })
  afterAll(async () => {
    await ownBridge?.close()
    await own?.close()
  })

  const [client] = FACE_CLIENTS
  const statuses = (seen: Seen[]) => seen.map((s) => s.status)

  it.each([
    { agent: 'acp-py', runs: STREAM_RUNS },
    { agent: 'acp-py-wait', runs: THREAD_RUNS },
  ])(
    '$agent: three runs answer; stream_mode is refused once, then left out, and config is always sent',
    async ({ agent, runs }) => {
      for (const prompt of ['one', 'two', 'three'])
        expect(await client!.ask(ownBridge.url, agent, prompt)).toBe(`Hi! You said: ${prompt}`)
      const made = creations(own.seen, runs)
      // At most one refusal, and only on the first run; every run that started was asked without stream_mode.
      expect(statuses(made).slice(-3)).toEqual([200, 200, 200])
      expect(statuses(made).filter((s) => s === 422).length).toBeLessThanOrEqual(1)
      expect(made.length).toBeLessThanOrEqual(4)
      for (const accepted of made.slice(-3)) {
        expect(accepted.body).not.toHaveProperty('stream_mode')
        expect((accepted.body as { config: unknown }).config).toEqual({ configurable: {} })
      }
    },
  )
})

describe('an ACP agent whose server fails does not take the others down', () => {
  it('the bridge’s ACP agent search answers 200, listing the working agents and leaving the failing ones out', async () => {
    const res = await postJson(`${bridge.url}/acp/agents/search`, {})
    expect(res.status).toBe(200)
    const names = ((await res.json()) as { metadata: { ref: { name: string } } }[]).map((a) => a.metadata.ref.name)
    expect(names.sort()).toEqual(['acp-py', 'acp-py-wait'])
    const log = lines.join('\n')
    expect(log).toMatch(/agent acp-py-broken left out of an ACP search: .*answered 500/)
    expect(log).toMatch(/agent acp-py-down left out of an ACP search: .*Could not reach the upstream ACP server/)
  })

  it('the A2A card of the agent whose descriptor answers 500 is a 502 naming the reason', async () => {
    const res = await fetch(`${bridge.url}/a2a/acp-py-broken/.well-known/agent-card.json`)
    expect(res.status).toBe(502)
    expect(await res.text()).toMatch(/answered 500.*Internal Server Error/)
  })

  it('the A2A card of the agent whose server is down is a 502 naming the reason', async () => {
    const res = await fetch(`${bridge.url}/a2a/acp-py-down/.well-known/agent-card.json`)
    expect(res.status).toBe(502)
    expect(await res.text()).toMatch(/Could not reach the upstream ACP server at http:\/\/127\.0\.0\.1:\d+/)
  })

  it.each(FACE_CLIENTS)(
    '$name: the failing agents fail alone; the working agents answer right after',
    async (client) => {
      await expect(client.ask(bridge.url, 'acp-py-broken', 'hello there')).rejects.toThrow()
      await expect(client.ask(bridge.url, 'acp-py-down', 'hello there')).rejects.toThrow()
      expect(await client.ask(bridge.url, 'acp-py', 'still there?')).toBe('Hi! You said: still there?')
      expect(await client.ask(bridge.url, 'acp-py-wait', 'still there?')).toBe('Hi! You said: still there?')
    },
  )
})
