// The Orq face's errors and edges over plain fetch: status codes and `{message}` bodies for bad requests, task
// continuation rules (inactive tasks only; tool messages only for paused tasks), and the SSE framing (data-only,
// ending with `data: [DONE]`) of all three streaming endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'

const HELLO = 'Hello! I am the demo agent.'

interface Frame {
  lines: string[]
  data: string
}

/** The SSE frames of a body, keep-alive comment blocks left out. */
function frames(body: string): Frame[] {
  return body
    .split(/\r?\n\r?\n/)
    .filter((f) => f.trim() !== '')
    .map((f) => f.split(/\r?\n/).filter((l) => !l.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({ lines, data: lines.map((l) => l.replace(/^data: ?/, '')).join('\n') }))
}

/** Orq's framing: every line of every frame is `data:`; one `[DONE]`, last; JSON `{type, timestamp, data}` before. */
function expectOrqFraming(body: string) {
  const all = frames(body)
  for (const frame of all) for (const line of frame.lines) expect(line).toMatch(/^data: /)
  expect(all.at(-1)?.data).toBe('[DONE]')
  const events = all.slice(0, -1).map((f) => JSON.parse(f.data) as { type: string; timestamp: string; data: unknown })
  expect(events.some((e) => e.type === undefined || e.data === undefined)).toBe(false)
  for (const e of events) expect(Number.isNaN(Date.parse(e.timestamp))).toBe(false)
  return events
}

describe('Orq face: errors and edges over HTTP', () => {
  let bridge: RunningBridge
  let base: string

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const user = (text: string) => ({ role: 'user', parts: [{ kind: 'text', text }] })
  const tool = (toolCallId: string, result: unknown) => ({
    role: 'tool',
    parts: [{ kind: 'tool_result', tool_call_id: toolCallId, result }],
  })

  /** An Orq error: this status and a JSON `{message}` body. */
  async function expectError(res: Response, status: number, message?: RegExp) {
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as { message?: unknown }
    expect(typeof body.message).toBe('string')
    if (message) expect(body.message).toMatch(message)
    return body
  }

  /** A blocking invoke of the weather question: the paused task and its pending call. */
  async function pausedWeather(agent = 'demo') {
    const res = await post(`/v2/agents/${agent}/task`, {
      message: user('What is the weather in Paris?'),
      configuration: { blocking: true },
    })
    expect(res.status).toBe(200)
    const task = (await res.json()) as {
      id: string
      status: { state: string; message?: { parts: { kind: string; tool_call_id?: string }[] } }
    }
    expect(task.status.state).toBe('input-required')
    const callId = task.status.message?.parts.find((p) => p.kind === 'tool_call')?.tool_call_id
    expect(callId).toBeDefined()
    return { taskId: task.id, callId: callId! }
  }

  async function completedTask(text = 'hello') {
    const res = await post('/v2/agents/demo/task', { message: user(text), configuration: { blocking: true } })
    const task = (await res.json()) as { id: string; status: { state: string } }
    expect(task.status.state).toBe('completed')
    return task.id
  }

  beforeAll(async () => {
    bridge = await startBridge({ agents: [demoAgent(0), demoAgent(30, 'slow'), demoAgent(0, 'other')] })
    base = `${bridge.url}/orq`
  })
  afterAll(() => bridge.close())

  describe('continuing a task', () => {
    it('a continuation of a task that is still running is 409', async () => {
      const started = await post('/v2/agents/slow/task', { message: user('count to 100') })
      expect(started.status).toBe(200)
      const task = (await started.json()) as { id: string; status: { state: string } }
      expect(['submitted', 'working']).toContain(task.status.state)
      for (const path of ['/v2/agents/slow/task', '/v2/agents/slow/stream-task', '/v2/agents/slow/responses']) {
        await expectError(await post(path, { task_id: task.id, message: user('hello') }), 409, /active/)
      }
    })

    it('a continuation while the task streams is 409', async () => {
      const res = await post('/v2/agents/slow/stream-task', { message: user('count to 100') })
      const reader = res.body!.getReader()
      const first = new TextDecoder().decode((await reader.read()).value)
      const taskId = /"agent_task_id":"([^"]+)"/.exec(first)?.[1]
      expect(taskId).toBeDefined()
      await expectError(await post('/v2/agents/slow/stream-task', { task_id: taskId, message: user('hi') }), 409)
      await reader.cancel()
    })

    it('an unknown task_id is 404 on every endpoint', async () => {
      for (const path of ['/v2/agents/demo/task', '/v2/agents/demo/stream-task', '/v2/agents/demo/responses']) {
        await expectError(await post(path, { task_id: 'no-such-task', message: user('hello') }), 404, /no-such-task/)
      }
      await expectError(await fetch(`${base}/v2/agents/demo/responses/no-such-task`), 404)
    })

    it("a task of another agent is not continued through this one's key", async () => {
      const taskId = await completedTask()
      const res = await post('/v2/agents/other/task', { task_id: taskId, message: user('hello') })
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      await expectError(res, res.status)
      await expectError(await fetch(`${base}/v2/agents/other/responses/${taskId}`), 404)
    })

    it('a tool message answering a task that is not paused is 400', async () => {
      const taskId = await completedTask()
      await expectError(await post('/v2/agents/demo/task', { task_id: taskId, message: tool('call_1', 'x') }), 400)
      await expectError(
        await post('/v2/agents/demo/stream-task', { task_id: taskId, message: tool('call_1', 'x') }),
        400,
      )
    })

    it('a tool message starting a new task is 400', async () => {
      await expectError(await post('/v2/agents/demo/task', { message: tool('call_1', 'x') }), 400)
    })

    it('a paused task waits for its tool results: a user message or a wrong tool_call_id is 400', async () => {
      const { taskId, callId } = await pausedWeather()
      await expectError(await post('/v2/agents/demo/task', { task_id: taskId, message: user('hello') }), 400)
      await expectError(await post('/v2/agents/demo/task', { task_id: taskId, message: tool('wrong', 'x') }), 400)
      // ...and still answers the right one afterwards.
      const res = await post('/v2/agents/demo/task', {
        task_id: taskId,
        message: tool(callId, 'rainy'),
        configuration: { blocking: true },
      })
      const task = (await res.json()) as { status: { state: string; message?: { parts: { text?: string }[] } } }
      expect(task.status.state).toBe('completed')
      expect(task.status.message?.parts[0]?.text).toBe('Weather in Paris: rainy')
    })

    it('a tool result answers once: the same result again is 400', async () => {
      const { taskId, callId } = await pausedWeather()
      const ok = await post('/v2/agents/demo/task', {
        task_id: taskId,
        message: tool(callId, 'sunny'),
        configuration: { blocking: true },
      })
      expect(ok.status).toBe(200)
      await expectError(await post('/v2/agents/demo/task', { task_id: taskId, message: tool(callId, 'sunny') }), 400)
    })
  })

  describe('bad requests', () => {
    const bad: [string, unknown][] = [
      ['no message', {}],
      ['a message without parts', { message: { role: 'user' } }],
      ['role "agent"', { message: { role: 'agent', parts: [{ kind: 'text', text: 'hi' }] } }],
      ['role "assistant"', { message: { role: 'assistant', parts: [{ kind: 'text', text: 'hi' }] } }],
      ['a tool message with a text part', { message: { role: 'tool', parts: [{ kind: 'text', text: 'hi' }] } }],
      [
        'a tool message mixing a tool_result and a text part',
        {
          message: {
            role: 'tool',
            parts: [
              { kind: 'tool_result', tool_call_id: 'c', result: 1 },
              { kind: 'text', text: 'hi' },
            ],
          },
        },
      ],
      ['a user message with no parts', { message: { role: 'user', parts: [] } }],
      ['an unknown part kind', { message: { role: 'user', parts: [{ kind: 'video', url: 'x' }] } }],
      [
        'a tool_call part from the client',
        { message: { role: 'user', parts: [{ kind: 'tool_call', tool_name: 'x', tool_call_id: 'c', arguments: {} }] } },
      ],
      ['a message that is a string', { message: 'hello' }],
      ['task_id not a string', { task_id: 42, message: { role: 'user', parts: [{ kind: 'text', text: 'hi' }] } }],
      ['a JSON array', []],
      ['invalid JSON', '{"message": '],
      ['an empty body', ''],
    ]

    it.each(bad)('%s is 400 {message} on task, stream-task and responses', async (_name, body) => {
      for (const path of ['/v2/agents/demo/task', '/v2/agents/demo/stream-task', '/v2/agents/demo/responses']) {
        await expectError(await post(path, body), 400)
      }
    })

    it('stream_timeout_seconds out of range (1-3600) is 400 on task and stream-task', async () => {
      for (const path of ['/v2/agents/demo/task', '/v2/agents/demo/stream-task']) {
        for (const seconds of [0, 3601]) {
          await expectError(await post(path, { message: user('hi'), stream_timeout_seconds: seconds }), 400)
        }
      }
    })

    it('run and stream-run need the inline agent: a body without key is 400', async () => {
      for (const path of ['/v2/agents/run', '/v2/agents/stream-run']) {
        await expectError(await post(path, { message: user('hello') }), 400)
      }
    })

    it('run with an unknown key is 404', async () => {
      const body = {
        key: 'nope',
        model: 'openai/gpt-4o',
        role: 'Assistant',
        instructions: 'x',
        path: 'Default',
        settings: {},
        message: user('hello'),
      }
      await expectError(await post('/v2/agents/run', body), 404)
      await expectError(await post('/v2/agents/stream-run', body), 404)
    })

    it('a body that is not JSON is 415', async () => {
      for (const path of ['/v2/agents/demo/task', '/v2/agents/demo/stream-task', '/v2/agents/demo/responses']) {
        await expectError(
          await post(path, JSON.stringify({ message: user('hi') }), { 'content-type': 'text/plain' }),
          415,
        )
      }
      const none = await fetch(`${base}/v2/agents/demo/task`, { method: 'POST', body: new Uint8Array([123, 125]) })
      await expectError(none, 415)
    })

    it('an unknown agent is 404 {message}', async () => {
      await expectError(await fetch(`${base}/v2/agents/nope`), 404, /nope/)
      await expectError(await post('/v2/agents/nope/task', { message: user('hello') }), 404)
      await expectError(await post('/v2/agents/nope/stream-task', { message: user('hello') }), 404)
      await expectError(await post('/v2/agents/nope/responses', { message: user('hello') }), 404)
    })

    it('a bad list limit is 400', async () => {
      await expectError(await fetch(`${base}/v2/agents?limit=0`), 400)
      await expectError(await fetch(`${base}/v2/agents?limit=abc`), 400)
    })

    it('the SDK defaults (configuration, engine, settings, background/stream false) are accepted', async () => {
      const res = await post('/v2/agents/demo/task', {
        message: { messageId: 'm1', role: 'user', parts: [{ kind: 'text', text: 'hello' }] },
        configuration: { blocking: true },
        engine: 'text',
        identity: { id: 'contact_1', display_name: 'Ada', metadata: [{ a: 1 }], tags: ['x'] },
        thread: { id: 'thread_1', tags: ['t'] },
        memory: { entity_id: 'e1' },
        variables: { name: 'Ada' },
        metadata: { trace: 'yes' },
        stream_timeout_seconds: 60,
      })
      expect(res.status).toBe(200)
      const task = (await res.json()) as { messages: { messageId: string; parts: { text: string }[] }[] }
      expect(task.messages[0]?.messageId).toBe('m1')
      expect(task.messages.at(-1)?.parts[0]?.text).toBe(HELLO)
    })
  })

  // Found by the fuzz suite: an inline agent's fields (read only on run / stream-run) sent to the other endpoints were
  // trusted unchecked, and `settings.tools: ""` crashed the face with a 500.
  it.each(['/v2/agents/demo/task', '/v2/agents/demo/stream-task', '/v2/agents/demo/responses'])(
    "%s ignores an inline agent's fields, whatever their shape",
    async (path) => {
      const res = await post(path, {
        message: user('hello'),
        settings: { tools: '' },
        instructions: { a: 1 },
        system_prompt: 7,
        model: [1],
      })
      expect(res.status).toBe(200)
      await res.text()
    },
  )

  describe('SSE framing', () => {
    const runBody = {
      key: 'demo',
      model: 'openai/gpt-4o',
      role: 'Assistant',
      instructions: 'x',
      path: 'Default',
      settings: { tool_approval_required: 'none', max_iterations: 100, max_execution_time: 600, max_cost: 0 },
      engine: 'text',
    }

    it.each([
      ['stream-task', '/v2/agents/demo/stream-task', {}],
      ['stream-run', '/v2/agents/stream-run', runBody],
      ['responses (stream: true)', '/v2/agents/demo/responses', { stream: true, background: false }],
    ])('%s: data-only frames, ending with data: [DONE]', async (_name, path, extra) => {
      for (const text of ['hello', 'please fail', 'What is the weather in Paris?', 'deploy to production']) {
        const res = await post(path, { ...extra, message: user(text) })
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
        const events = expectOrqFraming(await res.text())
        expect(events.length).toBeGreaterThan(1)
        const terminal = path.endsWith('/responses')
          ? ['response.done', 'response.failed']
          : ['event.agents.inactive', 'event.agents.errored']
        expect(terminal).toContain(events.at(-1)?.type)
      }
    })

    it('keep-alives are comments; the framing holds on a slow stream', async () => {
      const slow = await startBridge({ agents: [demoAgent(15)], faces: { orq: { keepAliveMs: 5 } } })
      try {
        const res = await fetch(`${slow.url}/orq/v2/agents/demo/stream-task`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: user('count to 8') }),
        })
        const body = await res.text()
        expect(body).toMatch(/^:/m)
        const events = expectOrqFraming(body)
        expect(events.at(-1)).toMatchObject({
          type: 'event.agents.inactive',
          data: { last_message: '1 2 3 4 5 6 7 8' },
        })
      } finally {
        await slow.close()
      }
    })

    it('the responses JSON form is JSON', async () => {
      const res = await post('/v2/agents/demo/responses', { message: user('hello') })
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      const body = (await res.json()) as { _id: string; task_id: string; output: { parts: { text: string }[] }[] }
      expect(body.output[0]?.parts[0]?.text).toBe(HELLO)
      expect(body).not.toHaveProperty('status')
    })
  })
})
