// The ACP face driven by a typed client: openapi-fetch over the types generated from specs/acp.yaml. Every JSON body
// is checked against the spec schema it claims to be, every SSE event against RunOutputStreamData.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import createClient from 'openapi-fetch'
import type { Client } from 'openapi-fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { components, paths } from '../../src/generated/acp.js'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { readAll } from '../helpers/sse.js'

type S = components['schemas']
type Frame = { id: string; data: S['RunOutputStreamData'] }
type Values = { text: string; messages: S['Message'][]; artifacts?: unknown[] }

const spec = specValidator('acp')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let bridge: RunningBridge
let client: Client<paths>
let demoId = ''
let slowId = ''

beforeAll(async () => {
  // A `values` snapshot per change, so a replay equals the original stream frame for frame (at the default cadence
  // a live stream may take a snapshot between events that a replay takes later: values-cadence.test.ts).
  bridge = await startBridge({
    agents: [demoAgent(0), demoAgent(3, 'slow')],
    webhooks: { allowInsecure: true },
    faces: { acp: { valuesIntervalMs: 0 } },
  })
  // Every request gives up after 15 s (a hang fails the test instead of stalling the run); a caller's own signal
  // still aborts it earlier.
  client = createClient<paths>({
    baseUrl: bridge.url,
    fetch: (request) => fetch(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(15_000)]) }),
  })
  const agents = ok(await client.POST('/acp/agents/search', { body: {} }), 'Agent[]')
  demoId = must(agents.find((a) => a.metadata.ref.name === 'demo')).agent_id
  slowId = must(agents.find((a) => a.metadata.ref.name === 'slow')).agent_id
})
afterAll(() => bridge.close())

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

function must<T>(value: T | undefined | null, what = 'a value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`)
  return value
}

function valid(schema: keyof S, value: unknown) {
  expect(spec.errors(schema, value), `${schema}: ${JSON.stringify(value)}`).toBe('')
}

/** The body of a successful response (status checked), validated against `schema` (`X[]`: an array of X) when given. */
function ok<T>(
  res: { data?: T; error?: unknown; response: Response },
  schema?: keyof S | `${keyof S}[]`,
  status = 200,
): T {
  expect(res.response.status, `${res.response.url}: ${JSON.stringify(res.error)}`).toBe(status)
  if (schema?.endsWith('[]')) {
    expect(Array.isArray(res.data), `${schema}: ${JSON.stringify(res.data)}`).toBe(true)
    for (const item of res.data as unknown[]) valid(schema.slice(0, -2) as keyof S, item)
  } else if (schema) valid(schema as keyof S, res.data)
  return res.data as T
}

/** An error response: the status, and a body that is the spec's ErrorResponse (a bare JSON string). */
function failed(res: { error?: unknown; response: Response }, status: number): string {
  expect(res.response.status).toBe(status)
  valid('ErrorResponse', res.error)
  return res.error as string
}

/** Every event of an ACP stream: `event: agent_event`, an `id:`, and data that is RunOutputStreamData. */
async function frames(response: Response): Promise<Frame[]> {
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const out: Frame[] = []
  for (const e of await readAll(response)) {
    expect(e.event).toBe('agent_event')
    expect(e.id, `an id on ${e.data}`).toMatch(/\S/)
    const data = JSON.parse(e.data) as unknown
    valid('RunOutputStreamData', data)
    out.push({ id: e.id ?? '', data: data as S['RunOutputStreamData'] })
  }
  return out
}

const input = (text: string) => ({ messages: [{ role: 'user', content: text }] })
const values = (v: unknown) => v as Values
const result = (output: S['RunOutput'] | undefined): Values => {
  if (output?.type !== 'result') throw new Error(`expected a result, got ${JSON.stringify(output)}`)
  return values(output.values)
}
const interruptOf = (output: S['RunOutput'] | undefined): unknown => {
  if (output?.type !== 'interrupt') throw new Error(`expected an interrupt, got ${JSON.stringify(output)}`)
  return output.interrupt
}
const errorOf = (output: S['RunOutput'] | undefined): S['RunError'] => {
  if (output?.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(output)}`)
  return output
}
const lastValues = (events: Frame[]) => {
  const last = events.at(-1)?.data
  if (last?.type !== 'values') throw new Error(`expected a values event last, got ${JSON.stringify(last)}`)
  return last
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const getRun = async (runId: string) =>
  ok(await client.GET('/acp/runs/{run_id}', { params: { path: { run_id: runId } } }), 'RunStateless')
const waitRun = async (runId: string) =>
  ok(await client.GET('/acp/runs/{run_id}/wait', { params: { path: { run_id: runId } } }), 'RunWaitResponseStateless')
const settled = (runId: string) =>
  until(async () => {
    const run = await getRun(runId)
    return run.status === 'pending' ? undefined : run
  }, `run ${runId} to leave pending`)

// ── agents ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('ACP typed client: agents', () => {
  it('search: {} lists both agents, by name, by version, and pages with limit/offset', async () => {
    const all = ok(await client.POST('/acp/agents/search', { body: {} }), 'Agent[]')
    expect(all.map((a) => a.metadata.ref.name).sort()).toEqual(['demo', 'slow'])
    for (const a of all) {
      expect(a.agent_id).toMatch(UUID)
      expect(a.metadata.ref.version).toBe('1.0.0')
      expect(a.metadata.description).toMatch(/demo agent/)
    }
    expect(demoId).not.toBe(slowId)

    const slow = ok(await client.POST('/acp/agents/search', { body: { name: 'slow' } }), 'Agent[]')
    expect(slow).toEqual([
      { agent_id: slowId, metadata: expect.objectContaining({ ref: expect.objectContaining({ name: 'slow' }) }) },
    ])
    expect(ok(await client.POST('/acp/agents/search', { body: { name: 'nobody' } }), 'Agent[]')).toEqual([])
    expect(ok(await client.POST('/acp/agents/search', { body: { version: '1.0.0' } }), 'Agent[]')).toHaveLength(2)
    expect(ok(await client.POST('/acp/agents/search', { body: { version: '9.9.9' } }), 'Agent[]')).toEqual([])

    const first = ok(await client.POST('/acp/agents/search', { body: { limit: 1 } }), 'Agent[]')
    const second = ok(await client.POST('/acp/agents/search', { body: { limit: 1, offset: 1 } }), 'Agent[]')
    expect(first).toHaveLength(1)
    expect(second).toHaveLength(1)
    expect([first[0]?.agent_id, second[0]?.agent_id].sort()).toEqual([demoId, slowId].sort())
    expect(ok(await client.POST('/acp/agents/search', { body: { offset: 2 } }), 'Agent[]')).toEqual([])
  })

  it('get: by the agent_id from search, and by name', async () => {
    const byId = ok(await client.GET('/acp/agents/{agent_id}', { params: { path: { agent_id: demoId } } }), 'Agent')
    expect(byId.agent_id).toBe(demoId)
    expect(byId.metadata.ref.name).toBe('demo')
    const byName = ok(await client.GET('/acp/agents/{agent_id}', { params: { path: { agent_id: 'slow' } } }), 'Agent')
    expect(byName.agent_id).toBe(slowId)
    // The UUID is case-insensitive.
    const upper = ok(
      await client.GET('/acp/agents/{agent_id}', { params: { path: { agent_id: demoId.toUpperCase() } } }),
      'Agent',
    )
    expect(upper.agent_id).toBe(demoId)
  })

  it('descriptor: capabilities, schemas and interrupts (the demo’s own and the generic ones)', async () => {
    const d = ok(
      await client.GET('/acp/agents/{agent_id}/descriptor', { params: { path: { agent_id: demoId } } }),
      'AgentACPDescriptor',
    )
    expect(d.metadata.ref.name).toBe('demo')
    expect(d.specs.capabilities).toEqual({
      threads: true,
      interrupts: true,
      callbacks: true,
      streaming: { values: true, custom: true },
    })
    // streaming.custom ⇒ custom_streaming_update present; threads ⇒ thread_state may describe Thread.values.
    expect(d.specs.custom_streaming_update).toMatchObject({ type: 'object' })
    expect(d.specs.thread_state).toMatchObject({ type: 'object' })
    expect(d.specs.input).toMatchObject({ type: 'object', properties: { messages: { type: 'array' } } })
    expect(d.specs.output).toMatchObject({ type: 'object', properties: { text: { type: 'string' } } })
    expect(d.specs.config).toMatchObject({ type: 'object' })

    const interrupts = must(d.specs.interrupts, 'interrupts')
    const types = interrupts.map((i) => i.interrupt_type)
    expect(new Set(types).size).toBe(types.length) // unique within the list
    expect(types).toEqual(
      expect.arrayContaining(['get_weather', 'deploy_approval', 'function_call', 'approval', 'input', 'auth']),
    )
    const weather = must(interrupts.find((i) => i.interrupt_type === 'get_weather'))
    expect(weather.interrupt_payload).toMatchObject({ properties: { city: { type: 'string' } }, required: ['city'] })
    expect(weather.resume_payload).toMatchObject({ required: ['output'] })
    const deploy = must(interrupts.find((i) => i.interrupt_type === 'deploy_approval'))
    expect(deploy.resume_payload).toMatchObject({
      properties: { approved: { type: 'boolean' } },
      required: ['approved'],
    })
    const generic = must(interrupts.find((i) => i.interrupt_type === 'function_call'))
    expect(generic.resume_payload).toMatchObject({ required: ['outputs'] })

    // By name too, and the same document.
    const byName = ok(
      await client.GET('/acp/agents/{agent_id}/descriptor', { params: { path: { agent_id: 'demo' } } }),
      'AgentACPDescriptor',
    )
    expect(byName).toEqual(d)
    const slow = ok(
      await client.GET('/acp/agents/{agent_id}/descriptor', { params: { path: { agent_id: slowId } } }),
      'AgentACPDescriptor',
    )
    expect(slow.metadata.ref.name).toBe('slow')
  })
})

// ── stateless runs ───────────────────────────────────────────────────────────────────────────────────────────

describe('ACP typed client: stateless runs', () => {
  it('POST /runs starts a background run (pending); GET /runs/{id}/wait gives the result', async () => {
    const body = { agent_id: demoId, input: input('hello'), metadata: { suite: 'typed', case: 'background' } }
    const run = ok(await client.POST('/acp/runs', { body }), 'RunStateless')
    expect(run.run_id).toMatch(UUID)
    expect(run.agent_id).toBe(demoId)
    expect(run.status).toBe('pending')
    expect(run.creation).toMatchObject(body)
    expect(run.thread_id).toBeUndefined()
    expect(Date.parse(run.created_at)).not.toBeNaN()

    const waited = await waitRun(run.run_id)
    expect(waited.run?.run_id).toBe(run.run_id)
    expect(waited.run?.status).toBe('success')
    const v = result(waited.output)
    expect(v.text).toBe('Hello! I am the demo agent.')
    expect(v.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Hello! I am the demo agent.' })

    const again = await getRun(run.run_id)
    expect(again.status).toBe('success')
    expect(again.creation).toEqual(run.creation)
    expect(Date.parse(again.updated_at)).toBeGreaterThanOrEqual(Date.parse(again.created_at))
    // A finished run's /wait answers at once, the same.
    expect((await waitRun(run.run_id)).output).toEqual(waited.output)
  })

  it('POST /runs/wait creates and waits (agent by name too)', async () => {
    for (const agent_id of [demoId, 'demo']) {
      const waited = ok(
        await client.POST('/acp/runs/wait', { body: { agent_id, input: input('hello') } }),
        'RunWaitResponseStateless',
      )
      expect(waited.run?.status).toBe('success')
      expect(waited.run?.agent_id).toBe(demoId)
      expect(result(waited.output).text).toBe('Hello! I am the demo agent.')
    }
    // With no agent_id the default (first) agent answers.
    const anon = ok(
      await client.POST('/acp/runs/wait', { body: { input: input('hello') } }),
      'RunWaitResponseStateless',
    )
    expect(anon.run?.agent_id).toBe(demoId)
    // A bare string input is one user message.
    const bare = ok(
      await client.POST('/acp/runs/wait', { body: { agent_id: demoId, input: 'hello' } }),
      'RunWaitResponseStateless',
    )
    expect(result(bare.output).text).toBe('Hello! I am the demo agent.')
  })

  it('POST /runs/stream: values snapshots grow by prefix, the last has status success', async () => {
    const res = await client.POST('/acp/runs/stream', {
      body: { agent_id: demoId, input: input('hello') },
      parseAs: 'stream',
    })
    const events = await frames(res.response)
    expect(events.length).toBeGreaterThan(2)
    const runId = must(events[0]).data.run_id
    let text = ''
    let id = 0
    events.forEach((e, i) => {
      if (e.data.type !== 'values') throw new Error(`only values events expected, got ${e.data.type}`)
      expect(e.data.run_id).toBe(runId)
      expect(Number(e.id)).toBeGreaterThan(id)
      id = Number(e.id)
      const next = values(e.data.values).text
      expect(next.startsWith(text), `${JSON.stringify(next)} extends ${JSON.stringify(text)}`).toBe(true)
      text = next
      expect(e.data.status).toBe(i === events.length - 1 ? 'success' : 'pending')
    })
    expect(text).toBe('Hello! I am the demo agent.')
    expect(values(lastValues(events).values).messages).toEqual([
      expect.objectContaining({ role: 'assistant', content: text }),
    ])
    expect((await getRun(must(runId))).status).toBe('success')
  })

  it("POST /runs/stream with stream_mode 'custom': each update is a canonical event, ending with run.completed", async () => {
    const res = await client.POST('/acp/runs/stream', {
      body: { agent_id: demoId, input: input('hello'), stream_mode: 'custom' },
      parseAs: 'stream',
    })
    const events = await frames(res.response)
    const types = events.map((e) => {
      if (e.data.type !== 'custom') throw new Error(`only custom events expected, got ${e.data.type}`)
      const event = (e.data.update as { event?: { type?: unknown } }).event
      expect(typeof event?.type).toBe('string')
      return String(event?.type)
    })
    expect(types.at(-1)).toBe('run.completed')
    expect(types).toEqual(expect.arrayContaining(['message.started', 'message.delta', 'message.completed']))
    expect(events.at(-1)?.data.status).toBe('success')
    const deltas = events
      .map((e) => (e.data.type === 'custom' ? (e.data.update.event as { type: string; delta?: string }) : undefined))
      .filter((e) => e?.type === 'message.delta')
    expect(deltas.map((d) => d?.delta).join('')).toBe('Hello! I am the demo agent.')
    // Both modes at once: each event's custom update, with the values snapshots in between.
    const both = await frames(
      (
        await client.POST('/acp/runs/stream', {
          body: { agent_id: demoId, input: input('hello'), stream_mode: ['values', 'custom'] },
          parseAs: 'stream',
        })
      ).response,
    )
    expect(new Set(both.map((e) => e.data.type))).toEqual(new Set(['values', 'custom']))
    expect(values(lastValues(both).values).text).toBe('Hello! I am the demo agent.')
  })

  it('POST /runs/search: by agent_id, status and metadata, with limit', async () => {
    const tag = `search-${crypto.randomUUID()}`
    const a = must(
      ok(
        await client.POST('/acp/runs/wait', {
          body: { agent_id: demoId, input: input('hello'), metadata: { tag, n: 1 } },
        }),
        'RunWaitResponseStateless',
      ).run,
    )
    const b = must(
      ok(
        await client.POST('/acp/runs/wait', {
          body: { agent_id: slowId, input: input('hello'), metadata: { tag, n: 2 } },
        }),
        'RunWaitResponseStateless',
      ).run,
    )
    const c = must(
      ok(
        await client.POST('/acp/runs/wait', {
          body: { agent_id: demoId, input: input('please fail'), metadata: { tag, n: 3 } },
        }),
        'RunWaitResponseStateless',
      ).run,
    )
    expect(c.status).toBe('error')

    const search = async (body: S['RunSearchRequest']) => {
      const runs = ok(await client.POST('/acp/runs/search', { body: { limit: 1000, ...body } }), 'RunStateless[]')
      return runs
    }
    expect((await search({ metadata: { tag } })).map((r) => r.run_id).sort()).toEqual(
      [a.run_id, b.run_id, c.run_id].sort(),
    )
    expect((await search({ metadata: { tag, n: 2 } })).map((r) => r.run_id)).toEqual([b.run_id])
    expect((await search({ metadata: { tag }, agent_id: slowId })).map((r) => r.run_id)).toEqual([b.run_id])
    expect((await search({ metadata: { tag }, status: 'error' })).map((r) => r.run_id)).toEqual([c.run_id])
    expect((await search({ metadata: { tag }, status: 'success' })).map((r) => r.run_id).sort()).toEqual(
      [a.run_id, b.run_id].sort(),
    )
    const bySlow = await search({ agent_id: slowId })
    expect(bySlow.length).toBeGreaterThan(0)
    expect(bySlow.every((r) => r.agent_id === slowId)).toBe(true)
    expect((await search({ status: 'success' })).every((r) => r.status === 'success')).toBe(true)
    expect(await search({ metadata: { tag: 'no such tag' } })).toEqual([])
    expect(await search({ metadata: { tag }, limit: 2 })).toHaveLength(2)
    expect(await search({ metadata: { tag }, limit: 2, offset: 2 })).toHaveLength(1)
    // Without limit the page holds at most 10.
    expect(ok(await client.POST('/acp/runs/search', { body: {} }), 'RunStateless[]').length).toBeLessThanOrEqual(10)
  })

  it('DELETE /runs/{id} → 204, then the run is 404', async () => {
    const run = must(
      ok(
        await client.POST('/acp/runs/wait', { body: { agent_id: demoId, input: input('hello') } }),
        'RunWaitResponseStateless',
      ).run,
    )
    const path = { params: { path: { run_id: run.run_id } } }
    const deleted = await client.DELETE('/acp/runs/{run_id}', path)
    expect(deleted.response.status).toBe(204)
    failed(await client.GET('/acp/runs/{run_id}', path), 404)
    failed(await client.GET('/acp/runs/{run_id}/wait', path), 404)
    failed(await client.DELETE('/acp/runs/{run_id}', path), 404)
    expect(
      ok(await client.POST('/acp/runs/search', { body: { limit: 1000 } }), 'RunStateless[]').some(
        (r) => r.run_id === run.run_id,
      ),
    ).toBe(false)
  })
})

// ── interrupts and resume ────────────────────────────────────────────────────────────────────────────────────

describe('ACP typed client: interrupts and resume (the README walk-through)', () => {
  const interrupted = async (text: string) => {
    const waited = ok(
      await client.POST('/acp/runs/wait', { body: { agent_id: demoId, input: input(text) } }),
      'RunWaitResponseStateless',
    )
    const run = must(waited.run)
    expect(run.status).toBe('interrupted')
    expect((await getRun(run.run_id)).status).toBe('interrupted')
    // /wait on a paused run answers at once with the same interrupt.
    expect((await waitRun(run.run_id)).output).toEqual(waited.output)
    return { runId: run.run_id, interrupt: interruptOf(waited.output) }
  }
  const resume = async (runId: string, payload: S['ResumePayloadSchema']) => {
    const resumed = ok(
      await client.POST('/acp/runs/{run_id}', { params: { path: { run_id: runId } }, body: payload }),
      'RunStateless',
    )
    expect(resumed.run_id).toBe(runId)
    expect(resumed.status).toBe('pending')
    const waited = await waitRun(runId)
    expect(waited.run?.status).toBe('success')
    return result(waited.output).text
  }

  it('deploy: {deploy_approval: {…}}, resumed with {approved: true}', async () => {
    const { runId, interrupt } = await interrupted('deploy to production')
    expect(interrupt).toEqual({ deploy_approval: { tool: 'deploy', arguments: { environment: 'production' } } })
    expect(await resume(runId, { approved: true })).toBe('Deployment finished.')
    // Denied, the agent does not deploy.
    const denied = await interrupted('deploy to staging')
    expect(denied.interrupt).toEqual({ deploy_approval: { tool: 'deploy', arguments: { environment: 'staging' } } })
    expect(await resume(denied.runId, { approved: false, reason: 'not today' })).toBe('Deployment cancelled.')
  })

  it('weather: {get_weather: {city}}, resumed with {output}', async () => {
    const { runId, interrupt } = await interrupted('What is the weather in Paris?')
    expect(interrupt).toEqual({ get_weather: { city: 'Paris' } })
    expect(await resume(runId, { output: 'sunny' })).toBe('Weather in Paris: sunny')
  })

  it('trip: {input: {question}}, resumed with {answer} (or the bare string)', async () => {
    const { runId, interrupt } = await interrupted('plan a trip')
    expect(interrupt).toEqual({ input: { question: 'Where would you like to go?' } })
    expect(await resume(runId, { answer: 'Lisbon' })).toBe('Booking a trip to Lisbon.')
    const bare = await interrupted('plan a trip')
    expect(await resume(bare.runId, 'Porto')).toBe('Booking a trip to Porto.')
  })

  it('streamed: the stream ends with an interrupt event; after the resume a join streams to success', async () => {
    const first = await frames(
      (
        await client.POST('/acp/runs/stream', {
          body: { agent_id: demoId, input: input('deploy to production') },
          parseAs: 'stream',
        })
      ).response,
    )
    const last = must(first.at(-1)).data
    if (last.type !== 'interrupt') throw new Error(`expected an interrupt last, got ${JSON.stringify(last)}`)
    expect(last.status).toBe('interrupted')
    expect(last.interrupt).toEqual({ deploy_approval: { tool: 'deploy', arguments: { environment: 'production' } } })
    const runId = last.run_id
    expect((await getRun(runId)).status).toBe('interrupted')

    const resumed = ok(
      await client.POST('/acp/runs/{run_id}', { params: { path: { run_id: runId } }, body: { approved: true } }),
      'RunStateless',
    )
    expect(resumed.status).toBe('pending')
    const joined = await frames(
      (await client.GET('/acp/runs/{run_id}/stream', { params: { path: { run_id: runId } }, parseAs: 'stream' }))
        .response,
    )
    const end = lastValues(joined)
    expect(end.status).toBe('success')
    expect(values(end.values).text).toBe('Deployment finished.')
    for (const e of joined) expect(e.data.run_id).toBe(runId)
  })

  it('a join with Last-Event-ID replays exactly the events after that id', async () => {
    const first = await frames(
      (
        await client.POST('/acp/runs/stream', {
          body: { agent_id: demoId, input: input('deploy to production') },
          parseAs: 'stream',
        })
      ).response,
    )
    const pausedAt = must(first.at(-1)).id
    const runId = must(first.at(-1)).data.run_id ?? ''
    ok(
      await client.POST('/acp/runs/{run_id}', { params: { path: { run_id: runId } }, body: { approved: true } }),
      'RunStateless',
    )
    await waitRun(runId)

    const join = async (lastEventId: string) =>
      frames(
        (
          await client.GET('/acp/runs/{run_id}/stream', {
            params: { path: { run_id: runId } },
            headers: { 'last-event-id': lastEventId },
            parseAs: 'stream',
          })
        ).response,
      )
    // After the interrupt's id: the whole second turn, to success.
    const full = await join(pausedAt)
    expect(full.length).toBeGreaterThan(2)
    expect(values(lastValues(full).values).text).toBe('Deployment finished.')
    expect(lastValues(full).status).toBe('success')
    for (const [k, e] of full.entries()) expect(await join(e.id), `after ${e.id}`).toEqual(full.slice(k + 1))
  })

  it('Last-Event-ID on a plain stream: the replay equals the tail of the original stream', async () => {
    const original = await frames(
      (await client.POST('/acp/runs/stream', { body: { agent_id: demoId, input: input('hello') }, parseAs: 'stream' }))
        .response,
    )
    const runId = must(original[0]).data.run_id ?? ''
    const join = async (lastEventId: string) =>
      frames(
        (
          await client.GET('/acp/runs/{run_id}/stream', {
            params: { path: { run_id: runId } },
            headers: { 'last-event-id': lastEventId },
            parseAs: 'stream',
          })
        ).response,
      )
    expect(await join('0')).toEqual(original)
    for (const [k, e] of original.entries()) expect(await join(e.id), `after ${e.id}`).toEqual(original.slice(k + 1))
  })

  it("Last-Event-ID with stream_mode ['values', 'custom'] (two frames per event) loses no frame", async () => {
    const original = await frames(
      (
        await client.POST('/acp/runs/stream', {
          body: { agent_id: demoId, input: input('hello'), stream_mode: ['values', 'custom'] },
          parseAs: 'stream',
        })
      ).response,
    )
    const runId = must(original[0]).data.run_id ?? ''
    const join = async (lastEventId: string) =>
      frames(
        (
          await client.GET('/acp/runs/{run_id}/stream', {
            params: { path: { run_id: runId } },
            headers: { 'last-event-id': lastEventId },
            parseAs: 'stream',
          })
        ).response,
      )
    for (const [k, e] of original.entries())
      expect(
        (await join(e.id)).map((f) => f.id),
        `after ${e.id}`,
      ).toEqual(original.slice(k + 1).map((f) => f.id))
  })
})

// ── cancel ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('ACP typed client: cancel', () => {
  const slowRun = async () => {
    const run = ok(
      await client.POST('/acp/runs', { body: { agent_id: slowId, input: input('count to 300') } }),
      'RunStateless',
    )
    expect(run.status).toBe('pending')
    return run.run_id
  }

  it('cancel of a running run → 204; it ends in error with errcode 499', async () => {
    const runId = await slowRun()
    await new Promise((r) => setTimeout(r, 50))
    const canceled = await client.POST('/acp/runs/{run_id}/cancel', { params: { path: { run_id: runId } } })
    expect(canceled.response.status).toBe(204)
    const run = await getRun(runId)
    expect(run.status).toBe('error')
    const waited = await waitRun(runId)
    expect(waited.run?.status).toBe('error')
    const error = errorOf(waited.output)
    expect(error.errcode).toBe(499)
    expect(error.run_id).toBe(runId)
    expect(error.description).toMatch(/cancel/)

    // Canceling it again, or a run that finished, is a conflict.
    failed(await client.POST('/acp/runs/{run_id}/cancel', { params: { path: { run_id: runId } } }), 409)
    const done = must(
      ok(
        await client.POST('/acp/runs/wait', { body: { agent_id: demoId, input: input('hello') } }),
        'RunWaitResponseStateless',
      ).run,
    )
    failed(await client.POST('/acp/runs/{run_id}/cancel', { params: { path: { run_id: done.run_id } } }), 409)
    expect((await getRun(done.run_id)).status).toBe('success')
  })

  it('cancel with wait=true, and of an interrupted run', async () => {
    const runId = await slowRun()
    expect(
      (
        await client.POST('/acp/runs/{run_id}/cancel', {
          params: { path: { run_id: runId }, query: { wait: true, action: 'interrupt' } },
        })
      ).response.status,
    ).toBe(204)
    expect((await getRun(runId)).status).toBe('error')

    const paused = must(
      ok(
        await client.POST('/acp/runs/wait', { body: { agent_id: demoId, input: input('deploy to production') } }),
        'RunWaitResponseStateless',
      ).run,
    )
    expect(paused.status).toBe('interrupted')
    expect(
      (await client.POST('/acp/runs/{run_id}/cancel', { params: { path: { run_id: paused.run_id } } })).response.status,
    ).toBe(204)
    expect(errorOf((await waitRun(paused.run_id)).output).errcode).toBe(499)
  })

  it('action=rollback cancels and deletes the run (404 afterwards)', async () => {
    const runId = await slowRun()
    const rolled = await client.POST('/acp/runs/{run_id}/cancel', {
      params: { path: { run_id: runId }, query: { action: 'rollback' } },
    })
    expect(rolled.response.status).toBe(204)
    failed(await client.GET('/acp/runs/{run_id}', { params: { path: { run_id: runId } } }), 404)
    failed(await client.GET('/acp/runs/{run_id}/wait', { params: { path: { run_id: runId } } }), 404)
  })
})

// ── threads ──────────────────────────────────────────────────────────────────────────────────────────────────

describe('ACP typed client: threads', () => {
  const thread = async (body: S['ThreadCreate'] = {}) => ok(await client.POST('/acp/threads', { body }), 'Thread')
  const getThread = async (threadId: string) =>
    ok(await client.GET('/acp/threads/{thread_id}', { params: { path: { thread_id: threadId } } }), 'Thread')
  const threadWait = async (threadId: string, text: string, agent = demoId) =>
    ok(
      await client.POST('/acp/threads/{thread_id}/runs/wait', {
        params: { path: { thread_id: threadId } },
        body: { agent_id: agent, input: input(text) },
      }),
      'RunWaitResponseStateful',
    )

  it('create (with metadata, with a given id, if_exists raise/do_nothing), get, patch, search', async () => {
    const tag = `threads-${crypto.randomUUID()}`
    const a = await thread({ metadata: { tag, owner: 'ada' } })
    expect(a.thread_id).toMatch(UUID)
    expect(a.metadata).toEqual({ tag, owner: 'ada' })
    expect(a.status).toBe('idle')

    const given = crypto.randomUUID()
    const b = await thread({ thread_id: given, metadata: { tag, owner: 'bob' } })
    expect(b.thread_id).toBe(given)
    failed(await client.POST('/acp/threads', { body: { thread_id: given } }), 409)
    failed(await client.POST('/acp/threads', { body: { thread_id: given, if_exists: 'raise' } }), 409)
    const same = await thread({ thread_id: given, if_exists: 'do_nothing', metadata: { other: true } })
    expect(same.thread_id).toBe(given)
    expect(same.metadata).toEqual({ tag, owner: 'bob' })

    expect(await getThread(a.thread_id)).toMatchObject({
      thread_id: a.thread_id,
      metadata: { tag, owner: 'ada' },
      status: 'idle',
    })

    const patched = ok(
      await client.PATCH('/acp/threads/{thread_id}', {
        params: { path: { thread_id: a.thread_id } },
        body: { metadata: { color: 'blue' } },
      }),
      'Thread',
    )
    expect(patched.metadata).toEqual({ tag, owner: 'ada', color: 'blue' })
    const repatched = ok(
      await client.PATCH('/acp/threads/{thread_id}', {
        params: { path: { thread_id: a.thread_id } },
        body: { metadata: { color: 'red' } },
      }),
      'Thread',
    )
    expect(repatched.metadata).toEqual({ tag, owner: 'ada', color: 'red' })
    expect((await getThread(a.thread_id)).metadata).toEqual({ tag, owner: 'ada', color: 'red' })

    const search = async (body: S['ThreadSearchRequest']) => {
      const found = ok(await client.POST('/acp/threads/search', { body: { limit: 1000, ...body } }), 'Thread[]')
      return found.map((t) => t.thread_id)
    }
    expect((await search({ metadata: { tag } })).sort()).toEqual([a.thread_id, b.thread_id].sort())
    expect(await search({ metadata: { tag, owner: 'bob' } })).toEqual([b.thread_id])
    expect(await search({ metadata: { tag, color: 'red' } })).toEqual([a.thread_id])
    expect((await search({ metadata: { tag }, status: 'idle' })).sort()).toEqual([a.thread_id, b.thread_id].sort())
    expect(await search({ metadata: { tag }, status: 'busy' })).toEqual([])
    expect(await search({ metadata: { tag }, limit: 1 })).toHaveLength(1)

    // An interrupted run makes its thread interrupted.
    await threadWait(b.thread_id, 'deploy to production')
    expect((await getThread(b.thread_id)).status).toBe('interrupted')
    expect(await search({ metadata: { tag }, status: 'interrupted' })).toEqual([b.thread_id])
  })

  it('thread runs keep the conversation; list, get, wait, stream, history, copy, delete', async () => {
    const t = await thread({ metadata: { suite: 'typed' } })
    const tid = t.thread_id
    const first = await threadWait(tid, 'my name is Ada')
    expect(first.run?.thread_id).toBe(tid)
    expect(first.run?.status).toBe('success')
    expect(result(first.output).text).toBe('Nice to meet you, Ada.')
    const second = await threadWait(tid, 'what is my name?')
    expect(result(second.output).text).toBe('Your name is Ada.')
    const [r1, r2] = [must(first.run).run_id, must(second.run).run_id]

    const listed = ok(
      await client.GET('/acp/threads/{thread_id}/runs', { params: { path: { thread_id: tid } } }),
      'RunStateful[]',
    )
    expect(listed.map((r) => r.run_id).sort()).toEqual([r1, r2].sort())
    expect(listed.every((r) => r.thread_id === tid && r.status === 'success')).toBe(true)
    expect(
      ok(
        await client.GET('/acp/threads/{thread_id}/runs', {
          params: { path: { thread_id: tid }, query: { limit: 1 } },
        }),
        'RunStateful[]',
      ),
    ).toHaveLength(1)
    expect(
      ok(
        await client.GET('/acp/threads/{thread_id}/runs', {
          params: { path: { thread_id: tid }, query: { limit: 1, offset: 1 } },
        }),
        'RunStateful[]',
      ),
    ).toHaveLength(1)
    expect(
      ok(
        await client.GET('/acp/threads/{thread_id}/runs', {
          params: { path: { thread_id: tid }, query: { offset: 2 } },
        }),
        'RunStateful[]',
      ),
    ).toEqual([])

    const path = { params: { path: { thread_id: tid, run_id: r1 } } }
    const run = ok(await client.GET('/acp/threads/{thread_id}/runs/{run_id}', path), 'RunStateful')
    expect(run).toMatchObject({ run_id: r1, thread_id: tid, agent_id: demoId, status: 'success' })
    expect(run.creation.input).toEqual(input('my name is Ada'))
    const waited = ok(await client.GET('/acp/threads/{thread_id}/runs/{run_id}/wait', path), 'RunWaitResponseStateful')
    expect(result(waited.output).text).toBe('Nice to meet you, Ada.')
    const streamed = await frames(
      (await client.GET('/acp/threads/{thread_id}/runs/{run_id}/stream', { ...path, parseAs: 'stream' })).response,
    )
    expect(lastValues(streamed).status).toBe('success')
    expect(values(lastValues(streamed).values).text).toBe('Nice to meet you, Ada.')
    // The thread's run is not a run of another thread.
    const other = await thread()
    failed(
      await client.GET('/acp/threads/{thread_id}/runs/{run_id}', {
        params: { path: { thread_id: other.thread_id, run_id: r1 } },
      }),
      404,
    )

    // The thread now shows the conversation, idle.
    const shown = await getThread(tid)
    expect(shown.status).toBe('idle')
    expect(shown.messages?.map((m) => m.content)).toEqual([
      'my name is Ada',
      'Nice to meet you, Ada.',
      'what is my name?',
      'Your name is Ada.',
    ])

    const history = ok(
      await client.GET('/acp/threads/{thread_id}/history', { params: { path: { thread_id: tid } } }),
      'ThreadState[]',
    )
    expect(history.map((s) => s.checkpoint.checkpoint_id)).toEqual([r2, r1])
    expect(history.map((s) => values(s.values).text)).toEqual(['Your name is Ada.', 'Nice to meet you, Ada.'])
    expect(
      ok(
        await client.GET('/acp/threads/{thread_id}/history', {
          params: { path: { thread_id: tid }, query: { limit: 1 } },
        }),
        'ThreadState[]',
      ).map((s) => s.checkpoint.checkpoint_id),
    ).toEqual([r2])
    expect(
      ok(
        await client.GET('/acp/threads/{thread_id}/history', {
          params: { path: { thread_id: tid }, query: { before: r2 } },
        }),
        'ThreadState[]',
      ).map((s) => s.checkpoint.checkpoint_id),
    ).toEqual([r1])

    // A patch on the latest checkpoint is fine.
    ok(
      await client.PATCH('/acp/threads/{thread_id}', {
        params: { path: { thread_id: tid } },
        body: { checkpoint: { checkpoint_id: r2 }, metadata: { patched: true } },
      }),
      'Thread',
    )

    const copy = ok(
      await client.POST('/acp/threads/{thread_id}/copy', { params: { path: { thread_id: tid } } }),
      'Thread',
    )
    expect(copy.thread_id).not.toBe(tid)
    expect(copy.thread_id).toMatch(UUID)
    expect(copy.metadata).toEqual({ suite: 'typed', patched: true })
    const recalled = await threadWait(copy.thread_id, 'what is my name?')
    expect(recalled.run?.thread_id).toBe(copy.thread_id)
    expect(result(recalled.output).text).toBe('Your name is Ada.')
    // The copy's run is its own; the original thread still has two.
    expect(
      ok(await client.GET('/acp/threads/{thread_id}/runs', { params: { path: { thread_id: tid } } }), 'RunStateful[]'),
    ).toHaveLength(2)

    expect(
      (await client.DELETE('/acp/threads/{thread_id}', { params: { path: { thread_id: copy.thread_id } } })).response
        .status,
    ).toBe(204)
    failed(await client.GET('/acp/threads/{thread_id}', { params: { path: { thread_id: copy.thread_id } } }), 404)
    failed(await client.DELETE('/acp/threads/{thread_id}', { params: { path: { thread_id: copy.thread_id } } }), 404)
    // The original is untouched.
    expect((await getThread(tid)).thread_id).toBe(tid)
  })

  it('thread runs streamed and resumed on the thread', async () => {
    const tid = (await thread()).thread_id
    const events = await frames(
      (
        await client.POST('/acp/threads/{thread_id}/runs/stream', {
          params: { path: { thread_id: tid } },
          body: { agent_id: demoId, input: input('What is the weather in Paris?') },
          parseAs: 'stream',
        })
      ).response,
    )
    const last = must(events.at(-1)).data
    if (last.type !== 'interrupt') throw new Error(`expected an interrupt, got ${JSON.stringify(last)}`)
    expect(last.interrupt).toEqual({ get_weather: { city: 'Paris' } })
    const path = { params: { path: { thread_id: tid, run_id: last.run_id } } }
    const resumed = ok(
      await client.POST('/acp/threads/{thread_id}/runs/{run_id}', { ...path, body: { output: 'sunny' } }),
      'RunStateful',
    )
    expect(resumed).toMatchObject({ status: 'pending', thread_id: tid })
    const waited = ok(await client.GET('/acp/threads/{thread_id}/runs/{run_id}/wait', path), 'RunWaitResponseStateful')
    expect(result(waited.output).text).toBe('Weather in Paris: sunny')
    // Background on the thread, then a delete of the thread's run.
    const bg = ok(
      await client.POST('/acp/threads/{thread_id}/runs', {
        params: { path: { thread_id: tid } },
        body: { agent_id: demoId, input: input('hello') },
      }),
      'RunStateful',
    )
    expect(bg.thread_id).toBe(tid)
    const bgPath = { params: { path: { thread_id: tid, run_id: bg.run_id } } }
    expect(
      result(
        ok(await client.GET('/acp/threads/{thread_id}/runs/{run_id}/wait', bgPath), 'RunWaitResponseStateful').output,
      ).text,
    ).toBe('Hello! I am the demo agent.')
    expect((await client.DELETE('/acp/threads/{thread_id}/runs/{run_id}', bgPath)).response.status).toBe(204)
    failed(await client.GET('/acp/threads/{thread_id}/runs/{run_id}', bgPath), 404)
  })

  it('a run on a thread with a pending run → 409; free again after a cancel', async () => {
    const tid = (await thread()).thread_id
    const busy = ok(
      await client.POST('/acp/threads/{thread_id}/runs', {
        params: { path: { thread_id: tid } },
        body: { agent_id: slowId, input: input('count to 300') },
      }),
      'RunStateful',
    )
    expect(busy.status).toBe('pending')
    expect((await getThread(tid)).status).toBe('busy')
    failed(
      await client.POST('/acp/threads/{thread_id}/runs/wait', {
        params: { path: { thread_id: tid } },
        body: { agent_id: demoId, input: input('hello') },
      }),
      409,
    )
    failed(
      await client.POST('/acp/threads/{thread_id}/runs', {
        params: { path: { thread_id: tid } },
        body: { agent_id: demoId, input: input('hello') },
      }),
      409,
    )
    const canceled = await client.POST('/acp/threads/{thread_id}/runs/{run_id}/cancel', {
      params: { path: { thread_id: tid, run_id: busy.run_id } },
    })
    expect(canceled.response.status).toBe(204)
    const after = ok(
      await client.GET('/acp/threads/{thread_id}/runs/{run_id}/wait', {
        params: { path: { thread_id: tid, run_id: busy.run_id } },
      }),
      'RunWaitResponseStateful',
    )
    expect(errorOf(after.output).errcode).toBe(499)
    expect((await getThread(tid)).status).toBe('error')
    expect(result((await threadWait(tid, 'hello')).output).text).toBe('Hello! I am the demo agent.')
  })

  it("if_not_exists: 'create' makes an unknown thread, 'reject' (the default) → 404", async () => {
    const unknown = crypto.randomUUID()
    failed(
      await client.POST('/acp/threads/{thread_id}/runs/wait', {
        params: { path: { thread_id: unknown } },
        body: { agent_id: demoId, input: input('hello') },
      }),
      404,
    )
    failed(
      await client.POST('/acp/threads/{thread_id}/runs/wait', {
        params: { path: { thread_id: unknown } },
        body: { agent_id: demoId, input: input('hello'), if_not_exists: 'reject' },
      }),
      404,
    )
    failed(await client.GET('/acp/threads/{thread_id}', { params: { path: { thread_id: unknown } } }), 404)
    const created = ok(
      await client.POST('/acp/threads/{thread_id}/runs/wait', {
        params: { path: { thread_id: unknown } },
        body: { agent_id: demoId, input: input('my name is Ada'), if_not_exists: 'create' },
      }),
      'RunWaitResponseStateful',
    )
    expect(created.run?.thread_id).toBe(unknown)
    expect(result(created.output).text).toBe('Nice to meet you, Ada.')
    expect((await getThread(unknown)).thread_id).toBe(unknown)
    expect(result((await threadWait(unknown, 'what is my name?')).output).text).toBe('Your name is Ada.')
  })

  it('a thread created with an upper-case thread_id (UUIDs are case-insensitive) lists its runs', async () => {
    const given = crypto.randomUUID().toUpperCase()
    const t = await thread({ thread_id: given })
    const run = must((await threadWait(t.thread_id, 'hello')).run)
    // The run lands on the thread: its history has it …
    const history = ok(
      await client.GET('/acp/threads/{thread_id}/history', { params: { path: { thread_id: given } } }),
      'ThreadState[]',
    )
    expect(history.map((s) => s.checkpoint.checkpoint_id)).toEqual([run.run_id])
    expect(
      ok(
        await client.GET('/acp/threads/{thread_id}/runs/{run_id}', {
          params: { path: { thread_id: given, run_id: run.run_id } },
        }),
        'RunStateful',
      ).run_id,
    ).toBe(run.run_id)
    // … so the thread's run list must have it too.
    const listed = ok(
      await client.GET('/acp/threads/{thread_id}/runs', { params: { path: { thread_id: given } } }),
      'RunStateful[]',
    )
    expect(listed.map((r) => r.run_id)).toEqual([run.run_id])
  })
})

// ── webhooks ─────────────────────────────────────────────────────────────────────────────────────────────────

describe('ACP typed client: webhooks', () => {
  let receiver: {
    url: string
    bodies: { path: string; body: unknown; contentType: string | undefined }[]
    close(): Promise<void>
  }
  beforeAll(async () => {
    const bodies: { path: string; body: unknown; contentType: string | undefined }[] = []
    const server = createServer((req, res) => {
      let text = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => (text += chunk))
      req.on('end', () => {
        bodies.push({
          path: req.url ?? '',
          body: JSON.parse(text) as unknown,
          contentType: req.headers['content-type'],
        })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    receiver = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      bodies,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    }
  })
  afterAll(() => receiver.close())

  const posted = (path: string) => receiver.bodies.filter((b) => b.path === path)
  const statuses = (path: string) => posted(path).map((b) => (b.body as { status: string }).status)

  it('a stateless run POSTs the run at each status change: pending, interrupted, pending, success', async () => {
    const path = `/hook/${crypto.randomUUID()}`
    const run = ok(
      await client.POST('/acp/runs', {
        body: { agent_id: demoId, input: input('deploy to production'), webhook: `${receiver.url}${path}` },
      }),
      'RunStateless',
    )
    await until(async () => (statuses(path).includes('interrupted') ? true : undefined), 'the interrupted callback')
    ok(
      await client.POST('/acp/runs/{run_id}', { params: { path: { run_id: run.run_id } }, body: { approved: true } }),
      'RunStateless',
    )
    await until(async () => (statuses(path).includes('success') ? true : undefined), 'the success callback')
    await new Promise((r) => setTimeout(r, 100))
    for (const b of posted(path)) {
      valid('RunStateless', b.body)
      expect(b.contentType).toMatch(/^application\/json/)
      expect(b.body).toMatchObject({
        run_id: run.run_id,
        agent_id: demoId,
        creation: { webhook: `${receiver.url}${path}` },
      })
    }
    expect(statuses(path)).toEqual(['pending', 'interrupted', 'pending', 'success'])
  })

  it('a slow run: pending, then success', async () => {
    const path = `/hook/${crypto.randomUUID()}`
    const run = ok(
      await client.POST('/acp/runs', {
        body: { agent_id: slowId, input: input('hello'), webhook: `${receiver.url}${path}` },
      }),
      'RunStateless',
    )
    await waitRun(run.run_id)
    await until(async () => (statuses(path).includes('success') ? true : undefined), 'the success callback')
    expect(statuses(path)).toEqual(['pending', 'success'])
    for (const b of posted(path)) valid('RunStateless', b.body)
  })

  it('a thread run POSTs RunStateful; a canceled run ends with error', async () => {
    const tid = ok(await client.POST('/acp/threads', { body: {} }), 'Thread').thread_id
    const path = `/hook/${crypto.randomUUID()}`
    const run = ok(
      await client.POST('/acp/threads/{thread_id}/runs', {
        params: { path: { thread_id: tid } },
        body: { agent_id: slowId, input: input('count to 300'), webhook: `${receiver.url}${path}` },
      }),
      'RunStateful',
    )
    await until(async () => (statuses(path).includes('pending') ? true : undefined), 'the pending callback')
    expect(
      (
        await client.POST('/acp/threads/{thread_id}/runs/{run_id}/cancel', {
          params: { path: { thread_id: tid, run_id: run.run_id } },
        })
      ).response.status,
    ).toBe(204)
    await until(async () => (statuses(path).includes('error') ? true : undefined), 'the error callback')
    expect(statuses(path)).toEqual(['pending', 'error'])
    for (const b of posted(path)) {
      valid('RunStateful', b.body)
      expect(b.body).toMatchObject({ run_id: run.run_id, thread_id: tid })
    }
  })
})

// ── on_disconnect ────────────────────────────────────────────────────────────────────────────────────────────

describe('ACP typed client: on_disconnect', () => {
  /** Streams a slow count, reads the first event, then drops the connection; gives the run id. */
  const dropAfterFirstEvent = async (onDisconnect: 'cancel' | 'continue' | undefined) => {
    const controller = new AbortController()
    const res = await client.POST('/acp/runs/stream', {
      body: {
        agent_id: slowId,
        input: input('count to 300'),
        ...(onDisconnect ? { on_disconnect: onDisconnect } : {}),
      },
      parseAs: 'stream',
      signal: controller.signal,
    })
    expect(res.response.status).toBe(200)
    const reader = must(res.response.body).pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (!/\n\n/.test(text)) {
      const { value, done } = await reader.read()
      if (done) throw new Error('the stream ended early')
      text += value
    }
    controller.abort()
    await reader.cancel().catch(() => {})
    const data = must(/^data: (.*)$/m.exec(text)?.[1], 'a data line')
    valid('RunOutputStreamData', JSON.parse(data))
    return (JSON.parse(data) as { run_id: string }).run_id
  }

  it.each([['cancel'], ['default (cancel)']] as const)(
    '%s: a client that drops the stream cancels the run (error, errcode 499)',
    async (mode) => {
      const runId = await dropAfterFirstEvent(mode === 'cancel' ? 'cancel' : undefined)
      const run = await settled(runId)
      expect(run.status).toBe('error')
      const waited = await waitRun(runId)
      expect(errorOf(waited.output).errcode).toBe(499)
    },
  )

  it('continue: the run goes on to success without its client', async () => {
    const runId = await dropAfterFirstEvent('continue')
    const waited = await waitRun(runId)
    expect(waited.run?.status).toBe('success')
    expect(result(waited.output).text).toBe(Array.from({ length: 300 }, (_, i) => String(i + 1)).join(' '))
  })
})
