// The TrueFoundry face, Surface A (the agent responses stream), driven by the strict test client: every demo
// scenario, the round trips of every pause by `previous_response_id`, memory, inline agents, cancel and the errors.
// Every event is checked against `AgentResponseStreamEvent` of specs/truefoundry-responses.yaml as it arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { checkResponseEvent, expectError, responsesSpec, SAYS, until } from './helpers.js'
import type { ResponseEvent } from './strict-client.js'
import { HttpError, ResponseStream, StrictResponsesClient } from './strict-client.js'

let bridge: RunningBridge
let client: StrictResponsesClient
let base: string

beforeAll(async () => {
  bridge = await startBridge({ agents: [demoAgent(0), demoAgent(30, 'slow'), demoAgent(0, 'other')] })
  base = `${bridge.url}/truefoundry`
  client = new StrictResponsesClient(base, checkResponseEvent)
})
afterAll(() => bridge.close())

const ask = (content: string, extra: Record<string, unknown> = {}, agent = 'demo') =>
  client.create({ agent_name: agent, input: [{ role: 'user', content }], ...extra })

/** Every assistant message says `role: "assistant"` on its first fragment, and only there; none is left open. */
function expectWellFormed(stream: ResponseStream) {
  for (const m of stream.messages) {
    expect(m.role, JSON.stringify(m)).toBe('assistant')
    expect(m.roles, JSON.stringify(m)).toBe(1)
  }
  expect([...stream.open.values()]).toEqual([])
  expect(stream.events[0]?.sequence_id).toBe(1)
  for (const m of stream.messages) for (const c of m.tool_calls ?? []) expect(c.tool_info).toBeDefined()
}

/** A response that ended `response.done` done, its root execution having said these texts. */
function expectDone(stream: ResponseStream, texts: string[]) {
  expectWellFormed(stream)
  expect(stream.end).toMatchObject({ type: 'response.done', status: 'done' })
  expect(stream.events.at(-1)).toBe(stream.end)
  expect(stream.texts(stream.rootExecution)).toEqual(texts)
}

/** A response that ended on a pause: the `*_required` event last, no `response.done`, one call waiting. */
function expectPaused(stream: ResponseStream, type: 'tool.approval_required' | 'tool.response_required') {
  expectWellFormed(stream)
  expect(stream.end?.type).toBe(type)
  expect(stream.events.at(-1)).toBe(stream.end)
  expect(stream.trailing).toEqual([])
  expect(stream.ofType('response.done')).toEqual([])
  const ids = stream.end?.tool_calls as { id: string }[]
  expect(ids).toHaveLength(1)
  const execution = stream.end?.execution_id as string
  const call = stream
    .of(execution)
    .flatMap((m) => m.tool_calls ?? [])
    .find((c) => c.id === ids[0]?.id)
  expect(call, `no tool call '${ids[0]?.id}' on execution ${execution}`).toBeDefined()
  return { execution, callId: ids[0]!.id, call: call! }
}

const clientSideResponse = (execution: string, callId: string, content: string) => [
  { type: 'tool.client_side_response', execution_id: execution, tool_call_id: callId, content },
]
const approval = (execution: string, callId: string, approval: Record<string, unknown>) => [
  { type: 'tool.approval', execution_id: execution, tool_call_id: callId, approval },
]

describe('every demo scenario, on a response stream', () => {
  it('hello: response.created first, the answer, response.done', async () => {
    const stream = await ask('hello')
    expect(stream.events[0]).toMatchObject({ type: 'response.created', sequence_id: 1 })
    expect(stream.responseId).toMatch(/^[^.]+\..+/)
    expect(Number.isNaN(Date.parse(String(stream.events[0]?.created_at)))).toBe(false)
    expectDone(stream, [SAYS.hello])
    expect(stream.messages[0]?.finish_reason).toBe('stop')
    expect(stream.messages[0]?.fragments).toBeGreaterThan(2)
  })

  it('anything else is echoed', async () => {
    expectDone(await ask('anything else'), [SAYS.echo('anything else')])
  })

  it('the weather: a client-side get_weather call, then tool.response_required and no response.done', async () => {
    const { call } = expectPaused(await ask('What is the weather in Paris?'), 'tool.response_required')
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' })
    expect(call.tool_info).toMatchObject({ original_tool_name: 'get_weather', is_client_side: true })
  })

  it('deploy: a call that needs approval, then tool.approval_required and no response.done', async () => {
    const { call } = expectPaused(await ask('deploy to production'), 'tool.approval_required')
    expect(call.function).toEqual({ name: 'deploy', arguments: '{"environment":"production"}' })
    expect(call.tool_info).toMatchObject({ original_tool_name: 'deploy', is_approval_required: true })
  })

  it('please fail: what it said, then response.done error with the message', async () => {
    const stream = await ask('please fail')
    expectWellFormed(stream)
    expect(stream.texts()).toEqual([SAYS.failing])
    expect(stream.end).toMatchObject({ type: 'response.done', status: 'error', message: SAYS.failure })
  })

  it('write a report: the answer, then the report', async () => {
    expectDone(await ask('write a report'), [SAYS.report, SAYS.reportFile])
  })

  it('research cats: agent.created with the parent link, the sub-agent on its execution, agent.done', async () => {
    const stream = await ask('research cats')
    expectDone(stream, [SAYS.researched])
    const root = stream.rootExecution
    const spawn = stream.of(root).flatMap((m) => m.tool_calls ?? [])
    expect(spawn.map((c) => c.function.name)).toEqual(['researcher'])
    const [created, ...more] = stream.ofType('agent.created')
    expect(more).toEqual([])
    const sub = created?.execution_id as string
    expect(sub).not.toBe(root)
    expect(created).toMatchObject({
      parent: { execution_id: root, tool_call_id: spawn[0]?.id },
      agent_info: { type: 'agent-defined', name: 'researcher' },
    })
    expect(stream.texts(sub)).toEqual([SAYS.finding])
    expect(stream.ofType('agent.done')).toEqual([
      expect.objectContaining({
        execution_id: sub,
        parent: { execution_id: root, tool_call_id: spawn[0]?.id },
        output: expect.objectContaining({ role: 'assistant', execution_id: sub, content: SAYS.finding }),
      }),
    ])
    // The sub-agent's fragments come after agent.created and before agent.done.
    const at = (e: ResponseEvent | undefined) => e?.sequence_id ?? -1
    const done = stream.ofType('agent.done')[0]
    for (const e of stream.events.filter((x) => x.type === 'agent.message' && x.execution_id === sub)) {
      expect(e.sequence_id).toBeGreaterThan(at(created))
      expect(e.sequence_id).toBeLessThan(at(done))
    }
    expect(stream.toolResults).toEqual([
      expect.objectContaining({ role: 'tool', execution_id: root, tool_call_id: spawn[0]?.id, content: SAYS.finding }),
    ])
  })

  it('think about it: reasoning_content fragments, then the answer', async () => {
    const stream = await ask('think about it')
    expectDone(stream, [SAYS.answer])
    expect(stream.messages[0]?.reasoning_content).toBe(SAYS.reasoning)
  })

  it('plan a trip: a client-side ask_user_question call with the question, then tool.response_required', async () => {
    const { call } = expectPaused(await ask('plan a trip'), 'tool.response_required')
    expect(call.function.name).toBe('ask_user_question')
    expect(JSON.parse(call.function.arguments)).toMatchObject({ question: SAYS.tripQuestion })
    expect(call.tool_info?.is_client_side).toBe(true)
  })

  it('count to 5', async () => {
    expectDone(await ask('count to 5'), [SAYS.count(5)])
  })

  it('streams live: the first words arrive well before response.done', async () => {
    const arrivals: { type: string; at: number }[] = []
    const live = new StrictResponsesClient(base, (event) => {
      checkResponseEvent(event)
      arrivals.push({ type: event.type, at: Date.now() })
    })
    const stream = await live.create({ agent_name: 'slow', input: [{ role: 'user', content: 'count to 20' }] })
    expectDone(stream, [SAYS.count(20)])
    const first = arrivals.find((a) => a.type === 'agent.message')!
    expect(arrivals.at(-1)!.at - first.at).toBeGreaterThan(200)
  })
})

describe('framing', () => {
  it('data-only SSE: every message one data: line of JSON, no id: or event: lines', async () => {
    const res = await fetch(`${base}/agent/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent_name: 'demo', input: [{ role: 'user', content: 'research cats' }] }),
    })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const blocks = (await res.text())
      .split(/\n\n/)
      .map((b) => b.split('\n').filter((l) => l !== '' && !l.startsWith(':')))
      .filter((lines) => lines.length > 0)
    expect(blocks.length).toBeGreaterThan(5)
    for (const lines of blocks) {
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^data: \{/)
    }
  })
})

describe('round trips by previous_response_id', () => {
  it('the weather: tool.client_side_response, then a fresh stream (new response_id, from 1) with the weather', async () => {
    const first = await ask('What is the weather in Paris?')
    const { execution, callId } = expectPaused(first, 'tool.response_required')
    const second = await client.create({
      agent_name: 'demo',
      previous_response_id: first.responseId,
      input: clientSideResponse(execution, callId, 'sunny, 21°C'),
    })
    expect(second.responseId).not.toBe(first.responseId)
    expectDone(second, [SAYS.weather('sunny, 21°C')])
  })

  it('deploy, allowed: the tool result (role tool), then the deployed text', async () => {
    const first = await ask('deploy to production')
    const { execution, callId } = expectPaused(first, 'tool.approval_required')
    const second = await client.create({
      agent_name: 'demo',
      previous_response_id: first.responseId,
      input: approval(execution, callId, { status: 'allow' }),
    })
    expectDone(second, [SAYS.deployFinished])
    expect(second.toolResults).toEqual([
      expect.objectContaining({ role: 'tool', tool_call_id: callId, content: SAYS.deployed, execution_id: execution }),
    ])
  })

  it('deploy, denied: the rejection text', async () => {
    const first = await ask('deploy to production')
    const { execution, callId } = expectPaused(first, 'tool.approval_required')
    const second = await client.create({
      agent_name: 'demo',
      previous_response_id: first.responseId,
      input: approval(execution, callId, { status: 'deny', reason: 'not today' }),
    })
    expectDone(second, [SAYS.deployCancelled])
    expect(second.toolResults).toEqual([])
  })

  it('plan a trip: the ask_user_question call answered with tool.client_side_response books the trip', async () => {
    const first = await ask('plan a trip')
    const { execution, callId } = expectPaused(first, 'tool.response_required')
    const second = await client.create({
      agent_name: 'demo',
      previous_response_id: first.responseId,
      input: clientSideResponse(execution, callId, 'Lisbon'),
    })
    expectDone(second, [SAYS.booked('Lisbon')])
  })

  it('two responses remember by previous_response_id; without it nothing is remembered', async () => {
    const first = await ask('my name is Ada')
    expectDone(first, [SAYS.nice])
    const second = await ask('what is my name?', { previous_response_id: first.responseId })
    expectDone(second, [SAYS.name])
    const third = await ask('what is my name?', { previous_response_id: second.responseId })
    expectDone(third, [SAYS.name])
    expectDone(await ask('what is my name?'), ["I don't know your name yet."])
  })

  it('an inline agent (model, instruction) answers, and is continued the same way', async () => {
    const first = await client.create({
      model: 'demo',
      instruction: 'Answer briefly.',
      input: [{ role: 'user', content: 'my name is Ada' }],
    })
    expectDone(first, [SAYS.nice])
    const second = await client.create({
      model: 'demo',
      instruction: 'Answer briefly.',
      previous_response_id: first.responseId,
      input: [{ role: 'user', content: 'what is my name?' }],
    })
    expectDone(second, [SAYS.name])
  })
})

describe('cancel', () => {
  it('cancel a running response: its stream ends response.done cancelled client-cancelled', async () => {
    const stream = new ResponseStream()
    const { body, abort } = await client.open({
      agent_name: 'slow',
      input: [{ role: 'user', content: 'count to 100' }],
    })
    const reading = stream.read(body, { abort, onEvent: checkResponseEvent })
    await until(() => stream.events.length >= 3, 'the first words')
    expect(await client.cancel(stream.responseId!)).toEqual({})
    await reading
    expect(stream.end).toMatchObject({
      type: 'response.done',
      status: 'cancelled',
      cancellation_reason: 'client-cancelled',
    })
    expect(stream.events.at(-1)).toBe(stream.end)
    // A finished response cannot be cancelled again.
    await expectError(client.cancel(stream.responseId!), 412)
  })

  it('cancel of an earlier response is 412 and leaves the response that continued its run alone', async () => {
    const first = await ask('What is the weather in Paris?', {}, 'slow')
    const { execution, callId } = expectPaused(first, 'tool.response_required')
    const long = SAYS.count(40)
    const second = new ResponseStream()
    const { body, abort } = await client.open({
      agent_name: 'slow',
      previous_response_id: first.responseId,
      input: clientSideResponse(execution, callId, long),
    })
    const reading = second.read(body, { abort, onEvent: checkResponseEvent })
    await until(() => second.events.length >= 3, 'the first words')
    // The first response ended (paused) before the second began: it is not running, whatever its run does now.
    await expectError(client.cancel(first.responseId!), 412)
    await reading
    expectDone(second, [SAYS.weather(long)])
  })

  it('cancel of a finished response is 412; of an unknown one 404; without response_id 400', async () => {
    const stream = await ask('hello')
    await expectError(client.cancel(stream.responseId!), 412)
    await expectError(client.cancel('bridge.nope'), 404)
    const res = await fetch(`${base}/agent/responses/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    await expectError(res, 400)
  })
})

describe('errors', () => {
  it('an unknown agent_name (or inline model) is 404 {error:{message}}', async () => {
    const error = await expectError(ask('hello', {}, 'nope'), 404)
    expect(error.message).toMatch(/nope/)
    await expectError(client.create({ model: 'nope', input: [{ role: 'user', content: 'hello' }] }), 404)
  })

  it('an unknown previous_response_id is 404', async () => {
    await expectError(ask('hello', { previous_response_id: 'bridge.nope' }), 404)
  })

  it("previous_response_id of another agent's response is 400; of a running one 412", async () => {
    const done = await ask('hello')
    await expectError(ask('hello', { previous_response_id: done.responseId }, 'other'), 400)
    const running = new ResponseStream()
    const { body, abort } = await client.open({ agent_name: 'slow', input: [{ role: 'user', content: 'count to 20' }] })
    const reading = running.read(body, { abort, onEvent: checkResponseEvent })
    await until(() => running.responseId !== undefined, 'response.created')
    await expectError(ask('hello', { previous_response_id: running.responseId }, 'slow'), 412)
    await reading
  })

  it('answers to a response that is not paused are 400', async () => {
    const done = await ask('hello')
    await expectError(
      client.create({
        agent_name: 'demo',
        previous_response_id: done.responseId,
        input: clientSideResponse('exec', 'call_1', 'x'),
      }),
      400,
    )
    await expectError(
      client.create({
        agent_name: 'demo',
        previous_response_id: done.responseId,
        input: approval('exec', 'call_1', { status: 'allow' }),
      }),
      400,
    )
    // …and with no previous response at all.
    await expectError(client.create({ agent_name: 'demo', input: clientSideResponse('exec', 'call_1', 'x') }), 400)
  })

  it('a paused response waits for its own calls: another call id is 400, then the right one works', async () => {
    const first = await ask('deploy to production')
    const { execution, callId } = expectPaused(first, 'tool.approval_required')
    await expectError(
      client.create({
        agent_name: 'demo',
        previous_response_id: first.responseId,
        input: approval(execution, 'wrong', { status: 'allow' }),
      }),
      400,
    )
    const second = await client.create({
      agent_name: 'demo',
      previous_response_id: first.responseId,
      input: approval(execution, callId, { status: 'allow' }),
    })
    expectDone(second, [SAYS.deployFinished])
  })

  it('user messages mixed with answers are 400', async () => {
    const first = await ask('deploy to production')
    const { execution, callId } = expectPaused(first, 'tool.approval_required')
    await expectError(
      client.create({
        agent_name: 'demo',
        previous_response_id: first.responseId,
        input: [{ role: 'user', content: 'hello' }, ...approval(execution, callId, { status: 'allow' })],
      }),
      400,
    )
  })

  it('bad bodies: no agent, no input, not JSON (400); not a JSON content type (415)', async () => {
    await expectError(client.create({ input: [{ role: 'user', content: 'hello' }] }), 400)
    await expectError(client.create({ agent_name: 'demo', input: [] }), 400)
    await expectError(client.create({ agent_name: 'demo' }), 400)
    const url = `${base}/agent/responses`
    await expectError(
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      400,
    )
    await expectError(
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ agent_name: 'demo', input: [{ role: 'user', content: 'hello' }] }),
      }),
      415,
    )
  })

  it('error bodies are RequestErrorResponse of the responses spec too', async () => {
    const caught = await ask('hello', {}, 'nope').catch((e: unknown) => e)
    expect(caught).toBeInstanceOf(HttpError)
    expect(responsesSpec.errors('RequestErrorResponse', (caught as HttpError).body)).toBe('')
  })
})
