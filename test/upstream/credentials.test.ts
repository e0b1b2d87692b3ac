// Upstream credentials go to the configured upstream's own origin only (or to origins the agent's configuration
// lists), never to a host an upstream's answer names; their values are checked at load and never appear in an error.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/bridge/index.js'
import type { AgentEvent, AgentYield, RunRequest } from '../../src/core/index.js'
import { agentEvents, BridgeError } from '../../src/core/index.js'
import { createA2AClient } from '../../src/dialects/a2a/client.js'
import { createResponsesClient } from '../../src/dialects/responses/client.js'
import { MemoryRunStore } from '../../src/store/index.js'
import { createUpstream } from '../../src/upstream/index.js'
import { startBridge } from '../helpers/bridge.js'
import { postJson } from '../helpers/sse.js'

const TOKEN = 'sk-bridge-test-secret-0123456789'

/** A server that records the authorization header of every request and answers with `answer`. */
function recorder(answer: (path: string, res: import('node:http').ServerResponse) => void) {
  const seen: { path: string; authorization?: string; apiKey?: string }[] = []
  const server = createServer((req, res) => {
    const apiKey = req.headers['x-api-key'] as string | undefined
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, ...(apiKey ? { apiKey } : {}) })
    req.resume()
    req.on('end', () => answer(req.url ?? '', res))
  })
  return {
    seen,
    url: '',
    async start() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
      this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      return this
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

const task = { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_COMPLETED' } }
// The agent's interface lives on another origin than its card.
const elsewhere = recorder((_path, res) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { task } })),
)
const cardHost = recorder((_path, res) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      name: 'up',
      description: 'An agent whose interface is on another host',
      version: '1.0.0',
      supportedInterfaces: [{ url: `${elsewhere.url}/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
      capabilities: { streaming: false },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [],
    }),
  ),
)

beforeAll(async () => {
  await elsewhere.start()
  await cardHost.start()
})
afterAll(async () => {
  await elsewhere.close()
  await cardHost.close()
})

const request: RunRequest = {
  runId: 'run_1',
  agentId: 'up',
  contextId: 'ctx_1',
  input: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
  history: [],
}

async function drain(events: AsyncIterable<AgentYield>) {
  const out: AgentEvent[] = []
  for await (const e of agentEvents(events)) out.push(e)
  return out
}

describe('credentials stay with their origin', () => {
  it('an A2A card naming another host gets the credentials; that host does not', async () => {
    const logs: string[] = []
    const client = createA2AClient({
      id: 'up',
      url: cardHost.url,
      headers: { authorization: `Bearer ${TOKEN}` },
      store: new MemoryRunStore(),
      pollIntervalMs: 5,
      log: (l) => logs.push(l),
    })
    await drain(client.run(request, new AbortController().signal))
    expect(cardHost.seen.at(-1)).toMatchObject({
      path: '/.well-known/agent-card.json',
      authorization: `Bearer ${TOKEN}`,
    })
    expect(elsewhere.seen.length).toBeGreaterThan(0)
    expect(elsewhere.seen.every((r) => r.authorization === undefined)).toBe(true)
    expect(logs.join('\n')).toContain(`credentials for the upstream A2A agent are not sent to ${elsewhere.url}`)
  })

  it('an origin the agent lists in credentialOrigins gets them', async () => {
    const before = elsewhere.seen.length
    const client = createA2AClient({
      id: 'up',
      url: cardHost.url,
      headers: { authorization: `Bearer ${TOKEN}` },
      credentialOrigins: [elsewhere.url],
      store: new MemoryRunStore(),
      pollIntervalMs: 5,
    })
    await drain(client.run(request, new AbortController().signal))
    const fresh = elsewhere.seen.slice(before)
    expect(fresh.length).toBeGreaterThan(0)
    expect(fresh.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true)
  })
})

describe('secrets never in an error', () => {
  const echo = recorder((_path, res) =>
    res.writeHead(401, { 'content-type': 'application/json' }).end(
      // An upstream that echoes the key it refused, as some do.
      JSON.stringify({ error: { message: `Incorrect API key provided: Bearer ${TOKEN}` } }),
    ),
  )
  beforeAll(() => echo.start())
  afterAll(() => echo.close())

  it('the client redacts a configured header value from the upstream’s message', async () => {
    const client = createResponsesClient({
      id: 'up',
      url: `${echo.url}/v1`,
      headers: { authorization: `Bearer ${TOKEN}` },
      store: new MemoryRunStore(),
      retries: 0,
    })
    const error = await drain(client.run(request, new AbortController().signal)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as Error).message).toContain('answered 401: Incorrect API key provided: [redacted]')
    expect((error as Error).message).not.toContain(TOKEN)
  })

  it('a client of the bridge sees the failure without the secret', async () => {
    const bridge = await startBridge({
      agents: [
        {
          id: 'up',
          dialect: 'responses',
          url: `${echo.url}/v1`,
          headers: { authorization: `Bearer ${TOKEN}` },
          retries: 0,
        },
      ],
    })
    try {
      const res = await postJson(`${bridge.url}/v1/responses`, { model: 'up', input: 'hi' })
      const text = await res.text()
      expect(text).toContain('failed')
      expect(text).toContain('[redacted]')
      expect(text).not.toContain(TOKEN)
    } finally {
      await bridge.close()
    }
  })

  it('a header value with a line break is refused when the configuration is read, without quoting it', () => {
    const config = {
      agents: [
        {
          id: 'up',
          dialect: 'a2a',
          url: 'https://agent.example',
          headers: { authorization: `Bearer ${TOKEN}\r\nX-Injected: 1` },
        },
      ],
    }
    let message = ''
    try {
      parseConfig(config)
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toContain('agents[0].headers.authorization: must not contain line breaks')
    expect(message).not.toContain(TOKEN)
  })
})

describe('redirects and echoes', () => {
  // Redirects: one to the same origin (keeps the credentials), one to another host (loses them).
  const other = recorder((_path, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'))
  const origin = recorder((path, res) => {
    if (path === '/same') res.writeHead(302, { location: '/landing' }).end()
    else if (path === '/away') res.writeHead(307, { location: `${other.url}/stolen` }).end()
    else if (path === '/bare') res.writeHead(403, { 'content-type': 'text/plain' }).end(`token ${TOKEN} is not allowed`)
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"landed":true}')
  })
  beforeAll(async () => {
    await other.start()
    await origin.start()
  })
  afterAll(async () => {
    await other.close()
    await origin.close()
  })
  const upstream = () =>
    createUpstream({
      label: 'test agent',
      url: origin.url,
      // fetch itself drops Authorization on a cross-origin redirect, but not a custom header like this one.
      headers: { authorization: `Bearer ${TOKEN}`, 'x-api-key': TOKEN },
      retries: 0,
    })

  it('a redirect within the origin keeps the credentials', async () => {
    expect(await upstream().json(`${origin.url}/same`)).toEqual({ landed: true })
    expect(origin.seen.slice(-2)).toEqual([
      { path: '/same', authorization: `Bearer ${TOKEN}`, apiKey: TOKEN },
      { path: '/landing', authorization: `Bearer ${TOKEN}`, apiKey: TOKEN },
    ])
  })

  it('a redirect to another host is followed without the credentials', async () => {
    expect(await upstream().json(`${origin.url}/away`, { method: 'POST', body: '{}' })).toEqual({ ok: true })
    expect(other.seen.at(-1)).toEqual({ path: '/stolen', authorization: undefined })
  })

  it('the bare token echoed back, without its scheme, is redacted from json() errors too', async () => {
    const error = await upstream()
      .json(`${origin.url}/bare`)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as Error).message).toContain('token [redacted] is not allowed')
    expect((error as Error).message).not.toContain(TOKEN)
  })
})
