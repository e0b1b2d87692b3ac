import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentBackend, AgentEvent } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { fixtures, play } from '../helpers/golden.js'

const running: RunningBridge[] = []
const start = async (...args: Parameters<typeof startBridge>) => {
  const b = await startBridge(...args)
  running.push(b)
  return b
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.close()))
})

const sdk = (b: RunningBridge) => new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'x', maxRetries: 0 })

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (done(v) || Date.now() > deadline) return v
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Reads a few events of a streamed response, then drops the connection. */
async function readSomeThenDrop(b: RunningBridge, model: string, input: string, count: number): Promise<string> {
  const controller = new AbortController()
  const stream = await sdk(b).responses.create({ model, input, stream: true }, { signal: controller.signal })
  let id = ''
  let n = 0
  for await (const event of stream) {
    if (event.type === 'response.created') id = event.response.id
    if (++n === count) break
  }
  controller.abort()
  return id
}

const countTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(' ')

describe('runs are decoupled from connections', () => {
  it('by default a dropped client does not stop the run: it completes and can be fetched', async () => {
    const b = await start({ agents: [demoAgent(3)] })
    const id = await readSomeThenDrop(b, 'demo', 'count to 40', 5)
    const done = await until(
      () => sdk(b).responses.retrieve(id),
      (r) => r.status !== 'in_progress',
    )
    expect(done.status).toBe('completed')
    expect(done.output_text).toBe(countTo(40))
  })

  it("an agent with disconnect: 'cancel' is canceled when its last reader leaves", async () => {
    const b = await start({ agents: [{ ...demoAgent(3, 'fragile'), disconnect: 'cancel' }] })
    const id = await readSomeThenDrop(b, 'fragile', 'count to 400', 5)
    const done = await until(
      () => sdk(b).responses.retrieve(id),
      (r) => r.status !== 'in_progress',
    )
    expect(done.status).toBe('cancelled')
  })

  it("background runs keep going even under disconnect: 'cancel'", async () => {
    const b = await start({ agents: [{ ...demoAgent(2, 'fragile'), disconnect: 'cancel' }] })
    const created = await sdk(b).responses.create({ model: 'fragile', input: 'count to 30', background: true })
    const done = await until(
      () => sdk(b).responses.retrieve(created.id),
      (r) => r.status === 'completed',
    )
    expect(done.output_text).toBe(countTo(30))
  })
})

describe('failures are run state, not HTTP errors', () => {
  it('an unreachable upstream fails the response with a clear message', async () => {
    const b = await start({ agents: [{ id: 'gone', dialect: 'responses', url: 'http://127.0.0.1:9/v1' }] })
    const r = await sdk(b).responses.create({ model: 'gone', input: 'hi' })
    expect(r.status).toBe('failed')
    expect(r.error?.code).toBe('server_error')
    expect(r.error?.message).toMatch(/Could not reach the upstream/)
  })

  it('an upstream that answers with an error fails the response with its message', async () => {
    const upstream = await start()
    const b = await start({
      agents: [{ id: 'wrong', dialect: 'responses', url: `${upstream.url}/v1`, model: 'missing' }],
    })
    const r = await sdk(b).responses.create({ model: 'wrong', input: 'hi' })
    expect(r.status).toBe('failed')
    expect(r.error?.message).toMatch(/404.*missing/)
  })

  it('a backend that throws fails the run without leaking its internals', async () => {
    const broken: AgentBackend = {
      info: () => ({
        id: 'broken',
        name: 'broken',
        capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
      }),
      async *run(): AsyncGenerator<AgentEvent> {
        yield { type: 'run.status', status: 'working' }
        throw new Error('secret stack detail')
      },
    }
    const b = await start({ agents: [{ id: 'broken', backend: broken }] })
    const r = await sdk(b).responses.create({ model: 'broken', input: 'hi' })
    expect(r.status).toBe('failed')
    expect(r.error?.message).not.toMatch(/secret/)
  })

  it('a backend that just stops still ends its turn as completed', async () => {
    const quiet: AgentBackend = {
      info: () => ({
        id: 'quiet',
        name: 'quiet',
        capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
      }),
      async *run(): AsyncGenerator<AgentEvent> {
        yield { type: 'run.status', status: 'working' }
      },
    }
    const b = await start({ agents: [{ id: 'quiet', backend: quiet }] })
    const r = await sdk(b).responses.create({ model: 'quiet', input: 'hi' })
    expect(r.status).toBe('completed')
  })
})

describe('the Responses client against an upstream', () => {
  it('resumes a dropped upstream stream with starting_after, losing and repeating nothing', async () => {
    const upstream = await start()
    let drops = 0
    // Cut the first upstream stream after 6 events; the client must resume it with GET ?stream=true&starting_after.
    const flaky: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if (init?.method !== 'POST' || !res.body) return res
      drops += 1
      const reader = res.body.getReader()
      let events = 0
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read()
          if (done) return controller.close()
          events += new TextDecoder().decode(value).split('\n\n').length - 1
          controller.enqueue(value)
          if (events >= 6) {
            await reader.cancel()
            controller.close()
          }
        },
      })
      return new Response(body, { status: res.status, headers: res.headers })
    }
    const b = await start({ agents: [{ id: 'demo', dialect: 'responses', url: `${upstream.url}/v1` }], fetch: flaky })
    const [, fixture] = fixtures.find(([name]) => name === 'sub-agent') ?? []
    if (!fixture) throw new Error('fixture missing')
    const transcripts = await play(b.url, fixture)
    expect(drops).toBe(1)
    expect(transcripts[0]).toEqual(fixture.turns[0]?.stream)
  })

  it('an explicit cancel reaches the upstream run', async () => {
    const upstream = await start({ agents: [demoAgent(5)] })
    const b = await start({
      agents: [{ id: 'demo', dialect: 'responses', url: `${upstream.url}/v1`, background: true }],
    })
    const created = await sdk(b).responses.create({ model: 'demo', input: 'count to 500', background: true })
    await until(
      () => sdk(b).responses.retrieve(created.id),
      (r) => r.output_text.length > 0,
    )
    const cancelled = await sdk(b).responses.cancel(created.id)
    expect(cancelled.status).toBe('cancelled')
    const upstreamRuns = await until(
      () => upstream.bridge.runtime.store.listRuns({}),
      (runs) => runs[0]?.state.status === 'canceled',
    )
    expect(upstreamRuns[0]?.state.status).toBe('canceled')
  })
})
