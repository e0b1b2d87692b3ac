// Dialects are plugins: the jsonl dialect (./jsonl-dialect.ts), written in the test suite, is registered only by
// listing it next to the built-in ones, and gets a working face and a working upstream client. Nothing under
// src/bridge knows it exists.
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, createBridge, parseConfig } from '../../src/bridge/index.js'
import { agentEvents } from '../../src/core/index.js'
import { dialects } from '../../src/dialects/index.js'
import type { RunningBridge } from '../../src/node.js'
import { serveBridge } from '../../src/node.js'
import { MemoryRunStore } from '../../src/store/index.js'
import { jsonl } from './jsonl-dialect.js'

const withJsonl = [...dialects, jsonl]

/** A POST to a jsonl face, its NDJSON answer read to the end. */
async function post(url: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  const contentType = res.headers.get('content-type') ?? ''
  const lines = contentType.startsWith('application/x-ndjson')
    ? text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l))
    : [JSON.parse(text)]
  return { status: res.status, contentType, lines }
}

const sdk = (bridge: RunningBridge) => new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'not-needed', maxRetries: 0 })

// Bridge A serves the demo agent on every face, jsonl among them. Bridge B has no agent of its own: its agents are
// jsonl clients: one pointed at bridge A's jsonl face, two at a faulty jsonl server (an HTTP 500, an invalid line).
let a: RunningBridge
let b: RunningBridge
const logA: string[] = []
const fault = createServer((req, res) => {
  req.resume()
  if (req.url === '/jsonl/boom') {
    res.writeHead(500, { 'content-type': 'application/json' })
    return res.end(JSON.stringify({ error: { message: 'boom' } }))
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' })
  res.end('{"kind":"delta","text":"Hi"}\n{"kind":"delta"}\n{"kind":"done"}\n')
})
let faultUrl: string

beforeAll(async () => {
  a = await serveBridge({
    port: 0,
    dialects: withJsonl,
    agents: [
      { id: 'demo', dialect: 'demo', delayMs: 0 },
      { id: 'slow', dialect: 'demo', delayMs: 100 },
    ],
    log: (line) => logA.push(line),
  })
  await new Promise<void>((done) => fault.listen(0, '127.0.0.1', done))
  faultUrl = `http://127.0.0.1:${(fault.address() as AddressInfo).port}`
  b = await serveBridge({
    port: 0,
    dialects: withJsonl,
    agents: [
      { id: 'remote', dialect: 'jsonl', url: `${a.url}/jsonl/demo` },
      { id: 'broken', dialect: 'jsonl', url: `${faultUrl}/jsonl/boom`, retries: 0 },
      { id: 'garbled', dialect: 'jsonl', url: `${faultUrl}/jsonl/garbled`, retries: 0 },
    ],
  })
})

afterAll(async () => {
  await b?.close()
  await a?.close()
  await new Promise<void>((done) => fault.close(() => done()))
})

describe('a dialect registered through the list gets a face', () => {
  it('POST /jsonl/{agent} streams the answer as delta lines and ends with done', async () => {
    const answer = await post(`${a.url}/jsonl/demo`, { text: 'hello' })
    expect(answer.status).toBe(200)
    expect(answer.contentType).toBe('application/x-ndjson')
    expect(answer.lines).toEqual([
      { kind: 'delta', text: 'Hello!' },
      { kind: 'delta', text: ' I' },
      { kind: 'delta', text: ' am' },
      { kind: 'delta', text: ' the' },
      { kind: 'delta', text: ' demo' },
      { kind: 'delta', text: ' agent.' },
      { kind: 'done' },
    ])
  })

  it('echoes anything else, and a failing run ends with an error line', async () => {
    expect((await post(`${a.url}/jsonl/demo`, { text: 'a b' })).lines).toEqual([
      { kind: 'delta', text: 'You' },
      { kind: 'delta', text: ' said:' },
      { kind: 'delta', text: ' a' },
      { kind: 'delta', text: ' b' },
      { kind: 'done' },
    ])
    expect((await post(`${a.url}/jsonl/demo`, { text: 'please fail' })).lines).toEqual([
      { kind: 'delta', text: 'Working' },
      { kind: 'delta', text: ' on' },
      { kind: 'delta', text: ' it.' },
      { kind: 'error', message: 'The demo agent failed on purpose.', code: 'agent_error' },
    ])
  })

  it('streams live: the first line arrives while the run is still going', async () => {
    const res = await fetch(`${a.url}/jsonl/slow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'count to 3' }),
    })
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    // Words come 100 ms apart: a face that held the lines back until the run ended would send `done` with the first.
    const first = (await reader.read()).value ?? ''
    expect(first.startsWith('{"kind":"delta","text":"1"}\n')).toBe(true)
    expect(first).not.toContain('"done"')
    let all = first
    for (let r = await reader.read(); !r.done; r = await reader.read()) all += r.value
    expect(all).toBe(
      '{"kind":"delta","text":"1"}\n{"kind":"delta","text":" 2"}\n{"kind":"delta","text":" 3"}\n{"kind":"done"}\n',
    )
  })

  it("answers the face's own errors in its own format, through the bridge's routing too", async () => {
    const unknown = await post(`${a.url}/jsonl/nobody`, { text: 'hi' })
    expect(unknown.status).toBe(404)
    expect(unknown.lines[0]).toMatchObject({ kind: 'error', code: 'not_found' })
    expect(unknown.lines[0].message).toContain("'nobody'")

    const empty = await post(`${a.url}/jsonl/demo`, {})
    expect(empty.status).toBe(400)
    expect(empty.lines[0]).toMatchObject({ kind: 'error', code: 'invalid_request' })
    expect(empty.lines[0].message).toMatch(/^text: /)

    // No route of the face matches: the bridge finds the face by its base path and lets it word the 404.
    const res = await fetch(`${a.url}/jsonl/demo/extra`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      kind: 'error',
      code: 'not_found',
      message: 'No route for GET /jsonl/demo/extra.',
    })
  })

  it("GET /jsonl/{agent} describes the agent from the registry's AgentInfo", async () => {
    const res = await fetch(`${a.url}/jsonl/demo`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: 'demo', name: 'Demo agent', url: `${a.url}/jsonl/demo` })
  })

  it("the bridge's index page lists the jsonl face's endpoints next to the built-in faces", async () => {
    const index = (await (await fetch(`${a.url}/`)).json()) as { agents: string[]; faces: Record<string, string[]> }
    expect(index.agents).toEqual(['demo', 'slow'])
    expect(Object.keys(index.faces)).toEqual(expect.arrayContaining(['responses', 'jsonl']))
    expect(index.faces.jsonl).toContainEqual(expect.stringMatching(/^POST\s+\/jsonl\/\{agent\}\s/))
    expect(index.faces.jsonl).toContainEqual(expect.stringMatching(/^GET\s+\/jsonl\/\{agent\}\s/))
  })

  it('the other faces still work on the same bridge', async () => {
    const response = await sdk(a).responses.create({ model: 'demo', input: 'hello' })
    expect(response.status).toBe('completed')
    expect(response.output_text).toBe('Hello! I am the demo agent.')
  })
})

describe('a dialect registered through the list gets an upstream client', () => {
  it("the client the descriptor builds turns the jsonl face's lines back into canonical events", async () => {
    const config = { id: 'up', dialect: 'jsonl' as const, url: `${a.url}/jsonl/demo` }
    const backend = jsonl.client!(config, { store: new MemoryRunStore() })
    const request = {
      runId: 'run_1',
      agentId: 'up',
      contextId: 'ctx_1',
      history: [],
      input: [{ id: 'm1', role: 'user' as const, parts: [{ type: 'text' as const, text: 'hello' }] }],
    }
    const events = []
    for await (const event of agentEvents(backend.run(request, new AbortController().signal))) events.push(event)
    expect(events.map((e) => e.type)).toEqual([
      'run.status',
      'message.started',
      ...Array(6).fill('message.delta'),
      'message.completed',
      'run.completed',
    ])
    expect(events[0]).toEqual({ type: 'run.status', status: 'working' })
    const id = (events[1] as { messageId: string }).messageId
    expect(
      events
        .slice(2, 8)
        .map((e) => (e as { delta: string }).delta)
        .join(''),
    ).toBe('Hello! I am the demo agent.')
    expect(events[8]).toEqual({
      type: 'message.completed',
      message: { id, role: 'assistant', parts: [{ type: 'text', text: 'Hello! I am the demo agent.' }] },
    })
  })

  it('a Responses client of bridge B gets the demo agent of bridge A, carried over the jsonl hop', async () => {
    const before = logA.length
    const stream = await sdk(b).responses.create({ model: 'remote', input: 'hello', stream: true })
    const deltas: string[] = []
    let status: string | undefined
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas.push(event.delta)
      if (event.type === 'response.completed') status = event.response.status
    }
    expect(deltas).toEqual(['Hello!', ' I', ' am', ' the', ' demo', ' agent.'])
    expect(status).toBe('completed')
    // The run really went through bridge A's jsonl face.
    expect(logA.slice(before)).toContainEqual(expect.stringMatching(/^POST \/jsonl\/demo demo 200 /))
  })

  it("the upstream run's failure reaches the Responses client with its message", async () => {
    const response = await sdk(b).responses.create({ model: 'remote', input: 'please fail' })
    expect(response.status).toBe('failed')
    expect(response.error?.message).toBe('The demo agent failed on purpose.')
    expect(response.output_text).toBe('Working on it.')
  })

  it("an upstream's HTTP error reads as the shared upstream core words it: status and the upstream's message", async () => {
    const response = await sdk(b).responses.create({ model: 'broken', input: 'hello' })
    expect(response.status).toBe('failed')
    expect(response.error?.message).toBe(`The upstream jsonl server at ${faultUrl}/jsonl/boom answered 500: boom`)
  })

  it('an invalid line fails the run naming the line and the field', async () => {
    const response = await sdk(b).responses.create({ model: 'garbled', input: 'hello' })
    expect(response.status).toBe('failed')
    expect(response.error?.message).toMatch(/^The upstream jsonl server sent an invalid 'delta' line: text: /)
  })
})

describe('the configuration knows a listed dialect', () => {
  it('requires the options the dialect declares', () => {
    expect(() => parseConfig({ agents: [{ id: 'x', dialect: 'jsonl' }] }, 'cfg', withJsonl)).toThrow(
      'agents[0].url: is required for a jsonl agent',
    )
  })

  it('accepts a complete entry, typed by the dialect', () => {
    const config = parseConfig({ agents: [{ id: 'x', dialect: 'jsonl', url: 'http://h/jsonl/a' }] }, 'cfg', withJsonl)
    expect(config.agents).toEqual([{ id: 'x', dialect: 'jsonl', url: 'http://h/jsonl/a' }])
  })

  it('reports an unknown option against jsonl, naming the dialect that owns it', () => {
    const entry = { id: 'x', dialect: 'jsonl', url: 'http://h/jsonl/a', model: 'm' }
    expect(() => parseConfig({ agents: [entry] }, 'cfg', withJsonl)).toThrow(
      'agents[0].model: not an option of jsonl agents (an option of responses agents)',
    )
  })

  it('without jsonl in the list, the same entry names its dialect as unknown', () => {
    const entry = { id: 'x', dialect: 'jsonl', url: 'http://h/jsonl/a' }
    let error: unknown
    try {
      parseConfig({ agents: [entry] }, 'cfg', dialects)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(/agents\[0\]\.dialect: must be one of responses, /)
    expect((error as Error).message).not.toContain('jsonl')
    // @ts-expect-error: the compiler already refuses a dialect the bridge does not list; JSON callers get this.
    expect(() => createBridge({ agents: [entry] })).toThrow(/agents\[0\]\.dialect: must be one of /)
  })

  it('agents configured in code are checked against the listed dialect too', () => {
    // @ts-expect-error: `url` is required by jsonl's options, in the types as at run time.
    expect(() => createBridge({ dialects: withJsonl, agents: [{ id: 'x', dialect: 'jsonl' }] })).toThrow(
      'agents[0].url: is required for a jsonl agent',
    )
  })
})

describe('no change under src/bridge was needed', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
  const bridgeDir = join(root, 'src/bridge')
  const files = readdirSync(bridgeDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))

  it('src/bridge never mentions jsonl', () => {
    expect(files.length).toBeGreaterThan(0)
    const mentions = files.filter((f) => /jsonl/i.test(readFileSync(join(bridgeDir, f), 'utf8')))
    expect(mentions).toEqual([])
  })

  it('src/bridge reaches dialects only through the list, from app.ts and config.ts', () => {
    const importers: string[] = []
    const strays: string[] = []
    for (const file of files) {
      const text = readFileSync(join(bridgeDir, file), 'utf8')
      for (const [, specifier] of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        if (!specifier?.startsWith('.')) continue
        const target = relative(root, resolve(dirname(join(bridgeDir, file)), specifier)).replaceAll('\\', '/')
        if (target === 'src/dialects/index.js') importers.push(file)
        else if (target.startsWith('src/dialects/')) strays.push(`${file} → ${target}`)
      }
    }
    expect(strays).toEqual([])
    expect(importers.length).toBeGreaterThan(0)
    expect([...new Set(importers)].filter((f) => f !== 'app.ts' && f !== 'config.ts')).toEqual([])
  })
})
