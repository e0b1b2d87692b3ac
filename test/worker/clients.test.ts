// Real clients against the worker in workerd: each face, resume from the run object's log, conversations shared
// across requests, runs that outlive their request, and disconnects that reach the run object.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Role, TaskState } from '@a2a-js/sdk'
import type { Message, Part, SendMessageRequest, StreamResponse, Task } from '@a2a-js/sdk'
import { ClientFactory, ClientFactoryOptions } from '@a2a-js/sdk/client'
import OpenAI from 'openai'
import createClient from 'openapi-fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { paths } from '../../src/generated/acp.js'
import { specValidator } from '../helpers/contract.js'
import { readAll } from '../helpers/sse.js'
import type { RunningWorker } from '../helpers/worker.js'
import { startWorker } from '../helpers/worker.js'

const HELLO = 'Hello! I am the demo agent.'
const countText = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(' ')
const timeout = (ms = 15_000) => ({ signal: AbortSignal.timeout(ms) })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const CONFIG = {
  agents: [
    { id: 'demo', dialect: 'demo', delayMs: 0 },
    { id: 'slow', dialect: 'demo', delayMs: 15 },
    { id: 'fragile', dialect: 'demo', delayMs: 15, disconnect: 'cancel' },
  ],
  webhooks: { allowInsecure: true },
}

/** A loopback HTTP server that records the JSON bodies POSTed to it. */
async function receiver() {
  const bodies: { path: string; body: unknown }[] = []
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => {
      bodies.push({ path: req.url ?? '', body: JSON.parse(text) })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

let worker: RunningWorker
let openai: OpenAI
beforeAll(async () => {
  worker = await startWorker({ BRIDGE_CONFIG: JSON.stringify(CONFIG) })
  openai = new OpenAI({ baseURL: `${worker.url}/v1`, apiKey: 'not-needed', maxRetries: 0, timeout: 15_000 })
}, 60_000)
afterAll(() => worker?.close())

/** Polls until `check` passes or the time is up. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await read()
    if (check(value) || Date.now() > until) return value
    await sleep(50)
  }
}

describe('worker: openai SDK on the Responses face', () => {
  const weatherTool = {
    type: 'function' as const,
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
  }

  it('responses.create({stream: true}) streams every event in order', async () => {
    const stream = await openai.responses.create({ model: 'demo', input: 'hello', stream: true })
    let text = ''
    const seqs: number[] = []
    for await (const event of stream) {
      seqs.push(event.sequence_number)
      if (event.type === 'response.output_text.delta') text += event.delta
    }
    expect(text).toBe(HELLO)
    expect(seqs).toEqual(seqs.map((_, i) => i))
  })

  it('responses.stream(...).finalResponse(), then retrieve returns the stored response', async () => {
    const final = await openai.responses.stream({ model: 'demo', input: 'hello' }).finalResponse()
    expect(final.output_text).toBe(HELLO)
    const stored = await openai.responses.retrieve(final.id)
    expect(stored.status).toBe('completed')
    expect(stored.output_text).toBe(HELLO)
  })

  it('the weather tool round trip via previous_response_id + function_call_output', async () => {
    const first = await openai.responses.create({
      model: 'demo',
      input: 'What is the weather in Lisbon?',
      tools: [weatherTool],
    })
    const call = first.output.find((o) => o.type === 'function_call')
    expect(call).toMatchObject({ name: 'get_weather', arguments: JSON.stringify({ city: 'Lisbon' }) })
    const second = await openai.responses.create({
      model: 'demo',
      previous_response_id: first.id,
      tools: [weatherTool],
      input: [
        {
          type: 'function_call_output',
          call_id: (call as { call_id: string }).call_id,
          output: '{"temperature":21,"conditions":"sunny"}',
        },
      ],
    })
    expect(second.status).toBe('completed')
    expect(second.output_text).toMatch(/Lisbon/)
  })

  it('two requests of one conversation land in the same context (the second remembers the first)', async () => {
    const first = await openai.responses.create({ model: 'demo', input: 'my name is Grace' })
    const second = await openai.responses.create({
      model: 'demo',
      input: 'what is my name?',
      previous_response_id: first.id,
    })
    expect(second.output_text).toBe('Your name is Grace.')
    const unrelated = await openai.responses.create({ model: 'demo', input: 'what is my name?' })
    expect(unrelated.output_text).toBe("I don't know your name yet.")
  })

  it('a dropped stream resumed with starting_after replays from the run object: nothing lost or duplicated', async () => {
    const seen: { seq: number; type: string }[] = []
    let id = ''
    const stream = await openai.responses.create({ model: 'slow', input: 'count to 40', stream: true })
    for await (const event of stream) {
      seen.push({ seq: event.sequence_number, type: event.type })
      if (event.type === 'response.created') id = event.response.id
      if (seen.length === 12) break // the client drops the connection mid-answer
    }
    const last = seen.at(-1)?.seq ?? -1
    const resumed = await openai.responses.retrieve(id, { stream: true, starting_after: last })
    let text = ''
    for await (const event of resumed) {
      seen.push({ seq: event.sequence_number, type: event.type })
      if (event.type === 'response.output_text.done') text = event.text
    }
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i))
    expect(seen.at(-1)?.type).toBe('response.completed')
    expect(text).toBe(countText(40))
  })

  it('a background response keeps running with no request open, and can be cancelled', async () => {
    const created = await openai.responses.create({ model: 'slow', input: 'count to 20', background: true })
    expect(['queued', 'in_progress']).toContain(created.status)
    const done = await eventually(
      () => openai.responses.retrieve(created.id),
      (r) => r.status === 'completed',
    )
    expect(done.status).toBe('completed')
    expect(done.output_text).toBe(countText(20))

    const long = await openai.responses.create({ model: 'slow', input: 'count to 2000', background: true })
    const cancelled = await openai.responses.cancel(long.id)
    expect(cancelled.status).toBe('cancelled')
    expect((await openai.responses.retrieve(long.id)).status).toBe('cancelled')
  })

  it("a client disconnect reaches the run object: the agent's `cancel` policy cancels the run", async () => {
    let id = ''
    const stream = await openai.responses.create({ model: 'fragile', input: 'count to 2000', stream: true })
    for await (const event of stream) {
      if (event.type === 'response.created') id = event.response.id
      if (event.type === 'response.output_text.delta') break
    }
    const after = await eventually(
      () => openai.responses.retrieve(id),
      (r) => r.status === 'cancelled',
    )
    expect(after.status).toBe('cancelled')
  })

  it('errors come as the OpenAI error object with the right status', async () => {
    await expect(openai.responses.create({ model: 'nope', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    await expect(openai.responses.retrieve('resp_missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    const res = await fetch(`${worker.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error')
  })
})

describe('worker: @a2a-js/sdk on the A2A face', () => {
  const text = (value: string): Part => ({
    content: { $case: 'text', value },
    filename: '',
    mediaType: '',
    metadata: undefined,
  })
  const request = (input: string, contextId = '', returnImmediately = false): SendMessageRequest => ({
    tenant: '',
    message: {
      messageId: randomUUID(),
      contextId,
      taskId: '',
      role: Role.ROLE_USER,
      parts: [text(input)],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    } as Message,
    configuration: { acceptedOutputModes: [], returnImmediately, taskPushNotificationConfig: undefined },
    metadata: undefined,
  })
  const answerOf = (task: Task) =>
    task.artifacts.flatMap((a) => a.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : ''))).join('')
  const asTask = (result: Message | Task): Task => {
    if (!('status' in result)) throw new Error('expected a Task')
    return result
  }

  it.each(['JSONRPC', 'HTTP+JSON'] as const)(
    '%s: card, streaming, get, list, a shared context and cancel',
    async (binding) => {
      const factory = new ClientFactory(
        ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: [binding] }),
      )
      const demo = await factory.createFromUrl(`${worker.url}/a2a/demo/`)
      const slow = await factory.createFromUrl(`${worker.url}/a2a/slow/`)
      expect(demo.transport.protocolName).toBe(binding)
      expect(
        (await demo.getAgentCard(timeout())).supportedInterfaces.some((i) => i.url === `${worker.url}/a2a/demo`),
      ).toBe(true)

      const events: StreamResponse[] = []
      for await (const event of demo.sendMessageStream(request('hello'), timeout())) events.push(event)
      const last = events.at(-1)?.payload
      expect(last?.$case).toBe('statusUpdate')
      expect(last?.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      const taskId = events[0]?.payload?.$case === 'task' ? events[0].payload.value.id : ''
      expect(answerOf(await demo.getTask({ tenant: '', id: taskId, historyLength: 10 }, timeout()))).toBe(HELLO)

      const contextId = randomUUID()
      const named = asTask(await demo.sendMessage(request('my name is Alan', contextId), timeout()))
      const recalled = asTask(await demo.sendMessage(request('what is my name?', contextId), timeout()))
      expect(named.contextId).toBe(contextId)
      expect(recalled.contextId).toBe(contextId)
      expect(answerOf(recalled)).toBe('Your name is Alan.')
      const listed = await demo.listTasks(
        {
          tenant: '',
          contextId,
          status: 0,
          pageSize: 10,
          pageToken: '',
          historyLength: 0,
          statusTimestampAfter: undefined,
          includeArtifacts: false,
        },
        timeout(),
      )
      expect(listed.tasks.map((t) => t.id).sort()).toEqual([named.id, recalled.id].sort())

      const running = asTask(await slow.sendMessage(request('count to 2000', '', true), timeout()))
      const canceled = await slow.cancelTask({ tenant: '', id: running.id, metadata: undefined }, timeout())
      expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED)
    },
  )

  it('push notifications keep coming after the response that set them up has been sent', async () => {
    const hooks = await receiver()
    try {
      const call = async (method: string, params: unknown) => {
        const res = await fetch(`${worker.url}/a2a/slow`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        })
        return ((await res.json()) as { result: { id?: string; task?: { id: string } } }).result
      }
      const sent = await call('SendMessage', {
        message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: 'count to 10' }] },
        configuration: {
          returnImmediately: true,
          taskPushNotificationConfig: { url: `${hooks.url}/push`, token: 'tok' },
        },
      })
      const taskId = sent.task?.id ?? ''
      expect(taskId).toBeTruthy()
      const states = () => hooks.bodies.map((b) => JSON.stringify(b.body)).join('\n')
      await eventually(
        async () => states(),
        (text) => text.includes('TASK_STATE_COMPLETED'),
      )
      expect(states()).toContain('TASK_STATE_COMPLETED')
      expect(hooks.bodies.every((b) => b.path === '/push')).toBe(true)
    } finally {
      await hooks.close()
    }
  })

  it('an unknown task is JSON-RPC error -32001', async () => {
    const res = await fetch(`${worker.url}/a2a/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'nope' } }),
    })
    const body = (await res.json()) as { error: { code: number } }
    expect(body.error.code).toBe(-32001)
  })
})

describe('worker: a typed ACP client on the ACP face', () => {
  const spec = specValidator('acp')
  const client = () => createClient<paths>({ baseUrl: worker.url })
  const input = (content: string) => ({ messages: [{ role: 'user', content }] })

  it('threads: two waited runs share the thread, the thread is found by search, its history holds both turns', async () => {
    const acp = client()
    const agents = (await acp.POST('/acp/agents/search', { body: {} })).data ?? []
    const demoId = agents.find((a) => a.metadata.ref.name === 'demo')?.agent_id ?? ''
    const thread = (await acp.POST('/acp/threads', { body: { metadata: { test: 'worker' } } })).data
    expect(spec.errors('Thread', thread)).toBe('')
    const threadId = thread?.thread_id ?? ''
    const first = await acp.POST('/acp/threads/{thread_id}/runs/wait', {
      params: { path: { thread_id: threadId } },
      body: { agent_id: demoId, input: input('my name is Edsger') },
    })
    expect(first.response.status).toBe(200)
    const second = await acp.POST('/acp/threads/{thread_id}/runs/wait', {
      params: { path: { thread_id: threadId } },
      body: { agent_id: demoId, input: input('what is my name?') },
    })
    expect(spec.errors('RunWaitResponseStateful', second.data)).toBe('')
    expect(JSON.stringify(second.data?.output)).toContain('Your name is Edsger.')
    const found = (await acp.POST('/acp/threads/search', { body: { metadata: { test: 'worker' } } })).data ?? []
    expect(found.map((t) => t.thread_id)).toContain(threadId)
    const history =
      (await acp.GET('/acp/threads/{thread_id}/history', { params: { path: { thread_id: threadId } } })).data ?? []
    expect(history.length).toBeGreaterThan(0)
  })

  it('an approval interrupt streamed, then resumed: the run completes', async () => {
    const acp = client()
    const demoId =
      ((await acp.POST('/acp/agents/search', { body: {} })).data ?? []).find((a) => a.metadata.ref.name === 'demo')
        ?.agent_id ?? ''
    const streamed = await acp.POST('/acp/runs/stream', {
      body: { agent_id: demoId, input: input('deploy to production'), stream_mode: 'values' },
      parseAs: 'stream',
    })
    const frames = (await readAll(streamed.response)).map((e) => JSON.parse(e.data) as { type: string; run_id: string })
    const interrupt = frames.find((f) => f.type === 'interrupt')
    expect(interrupt).toBeDefined()
    const runId = interrupt?.run_id ?? ''
    const resumed = await acp.POST('/acp/runs/{run_id}', {
      params: { path: { run_id: runId } },
      body: { approved: true },
    })
    expect(resumed.response.status).toBe(200)
    const waited = await acp.GET('/acp/runs/{run_id}/wait', { params: { path: { run_id: runId } } })
    expect(spec.errors('RunWaitResponseStateless', waited.data)).toBe('')
    expect(waited.data?.run?.status).toBe('success')
  })

  it('a background run POSTs its webhook on every status change, after the response was sent', async () => {
    const hooks = await receiver()
    try {
      const acp = client()
      const slowId =
        ((await acp.POST('/acp/agents/search', { body: {} })).data ?? []).find((a) => a.metadata.ref.name === 'slow')
          ?.agent_id ?? ''
      const run = await acp.POST('/acp/runs', {
        body: { agent_id: slowId, input: input('count to 10'), webhook: `${hooks.url}/acp` },
      })
      expect(run.response.status).toBe(200)
      await eventually(
        async () => hooks.bodies.map((b) => (b.body as { status: string }).status),
        (s) => s.includes('success'),
      )
      expect(hooks.bodies.map((b) => (b.body as { status: string }).status).at(-1)).toBe('success')
      for (const { body } of hooks.bodies) expect(spec.errors('RunStateless', body)).toBe('')
    } finally {
      await hooks.close()
    }
  })

  it('an unknown run is a 404 ErrorResponse', async () => {
    const res = await client().GET('/acp/runs/{run_id}', { params: { path: { run_id: randomUUID() } } })
    expect(res.response.status).toBe(404)
    expect(spec.errors('ErrorResponse', res.error)).toBe('')
  })
})
