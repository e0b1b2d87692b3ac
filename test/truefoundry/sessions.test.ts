// The TrueFoundry face, Surface B (sessions and turns), driven by the strict test client: every demo scenario, the
// round trips of every pause, the session and turn records and lists, cancel, one running turn per session,
// subscribe resume, and the errors. Every streamed event is checked against `TurnStreamingEvent` of
// specs/truefoundry-sessions.yaml as it arrives.
import { createBridge } from '../../src/bridge/index.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { checkTurnEvent, expectError, expectSessionsSchema, SAYS, until } from './helpers.js'
import type { ModelMessage, TurnEvent, TurnStream } from './strict-client.js'
import { contentText, StrictSessionsClient, TurnStream as Stream } from './strict-client.js'

let bridge: RunningBridge
let client: StrictSessionsClient
let base: string

beforeAll(async () => {
  bridge = await startBridge({
    agents: [demoAgent(0), demoAgent(30, 'slow'), demoAgent(0, 'other'), demoAgent(0, 'same-ms')],
  })
  base = `${bridge.url}/truefoundry`
  client = new StrictSessionsClient(base, checkTurnEvent)
})
afterAll(() => bridge.close())

const newSession = async (agent = 'demo') => (await client.createSession(agent)).id
const user = (content: string) => ({ input: [{ type: 'user.message', content }] })
const toolResponse = (toolCallId: string, content: string, thread = 'main') => ({
  input: [{ type: 'user.tool_response', thread_id: thread, tool_call_id: toolCallId, content }],
})
const approval = (toolCallId: string, approval: { status: 'allow' } | { status: 'deny'; reason?: string }) => ({
  input: [{ type: 'user.tool_approval', thread_id: 'main', tool_call_id: toolCallId, approval }],
})

/** A turn that ended normally with this main-thread output text. */
function expectAnswered(turn: TurnStream, text: string) {
  const state = turn.state
  expect(state.status, JSON.stringify(state)).toBe('done')
  if (state.status !== 'done') return
  expect(state.required_actions).toEqual([])
  expect(state.output).not.toBeNull()
  expect(contentText(state.output?.content)).toBe(text)
  expect(state.output?.thread_id).toBe('main')
  expect(state.output?.finish_reason).toBe('stop')
  // The output is the last main message as merged from the stream.
  const last = turn.byThread().main?.at(-1)
  expect(state.output?.id).toBe(last?.id)
  expect(contentText(last?.content)).toBe(text)
  expect(last?.finish_reason).toBe('stop')
}

/** A turn that ended paused on one call: `*_required` last before `turn.done`, output null, the action kept. */
function expectPaused(turn: TurnStream, type: 'tool.approval_required' | 'tool.response_required') {
  const state = turn.state
  expect(state.status, JSON.stringify(state)).toBe('done')
  if (state.status !== 'done') throw new Error('not done')
  expect(state.output).toBeNull()
  expect(state.required_actions).toHaveLength(1)
  const pause = turn.events.at(-2)?.event
  expect(pause?.type).toBe(type)
  expect(state.required_actions[0]).toEqual(pause)
  const refs = pause?.tool_calls as { id: string; source_event_id: string }[]
  expect(refs).toHaveLength(1)
  const ref = refs[0]!
  // source_event_id is the model.message that holds the call, its name and its arguments.
  const holder = turn.messages.get(ref.source_event_id)
  expect(holder, `no model.message '${ref.source_event_id}'`).toBeDefined()
  expect(holder?.thread_id).toBe(pause?.thread_id)
  const call = holder?.tool_calls?.find((c) => c.id === ref.id)
  expect(call, `model.message '${ref.source_event_id}' holds no call '${ref.id}'`).toBeDefined()
  expect(call?.tool_info).toBeDefined()
  expect(holder?.finish_reason).toBe('tool_calls')
  return { callId: ref.id, call: call!, thread: pause?.thread_id as string }
}

/** Every event of a finished stream, with the client's checks already passed: the `turn.created` fields. */
function expectCreated(turn: TurnStream, sessionId: string, previous: string | null, input: unknown) {
  const created = turn.created!
  expect(turn.events[0]?.event).toBe(created)
  expect(String(created.turn_id).startsWith(`${sessionId}.`)).toBe(true)
  expect(created.previous_turn_id).toBe(previous)
  expect(created.input).toEqual(input)
  expect(created.state).toEqual({ status: 'running' })
  expect(created.thread_id).toBeNull()
}

describe('every demo scenario, on a turn stream', () => {
  it('hello: one main message, turn.done done with it as output', async () => {
    const session = await newSession()
    const turn = await client.say(session, 'hello')
    expectCreated(turn, session, null, user('hello').input)
    expect(turn.texts()).toEqual([SAYS.hello])
    expectAnswered(turn, SAYS.hello)
    const state = turn.state
    // The demo reports its words as tokens: one in, six out.
    if (state.status === 'done')
      expect(state.metrics).toMatchObject({ total_input_tokens: 1, total_output_tokens: 6, total_tokens: 7 })
    // Streamed live: a base and its deltas.
    expect(turn.ofType('model.message.delta').length).toBeGreaterThan(1)
    expect(turn.done?.thread_id).toBeNull()
  })

  it('anything else is echoed', async () => {
    const turn = await client.say(await newSession(), 'anything else')
    expectAnswered(turn, SAYS.echo('anything else'))
  })

  it('the weather: a get_weather call for the client, then a pause on tool.response_required', async () => {
    const turn = await client.say(await newSession(), 'What is the weather in Paris?')
    const { call, thread } = expectPaused(turn, 'tool.response_required')
    expect(thread).toBe('main')
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' })
    expect(turn.texts()).toEqual([])
  })

  it('deploy: a deploy call, then a pause on tool.approval_required', async () => {
    const turn = await client.say(await newSession(), 'deploy to production')
    const { call } = expectPaused(turn, 'tool.approval_required')
    expect(call.function).toEqual({ name: 'deploy', arguments: '{"environment":"production"}' })
  })

  it('please fail: what it said, then turn.done error with the message', async () => {
    const turn = await client.say(await newSession(), 'please fail')
    expect(turn.texts()).toEqual([SAYS.failing])
    expect(turn.state).toMatchObject({ status: 'error', message: SAYS.failure })
  })

  it('write a report: the answer and the report as model messages, the report the output', async () => {
    const turn = await client.say(await newSession(), 'write a report')
    expect(turn.texts()).toEqual([SAYS.report, SAYS.reportFile])
    expectAnswered(turn, SAYS.reportFile)
  })

  it('research cats: the sub-agent on a thread of its own, created and done with the parent link', async () => {
    const turn = await client.say(await newSession(), 'research cats')
    expectAnswered(turn, SAYS.researched)
    const [created, ...moreCreated] = turn.ofType('thread.created')
    const [threadDone, ...moreDone] = turn.ofType('thread.done')
    expect(moreCreated).toEqual([])
    expect(moreDone).toEqual([])
    const thread = created?.thread_id as string
    expect(thread).not.toBe('main')
    const spawn = turn.toolCalls('main')
    expect(spawn.map((c) => c.function.name)).toEqual(['researcher'])
    expect(created).toMatchObject({
      title: 'researcher',
      parent: { thread_id: 'main', tool_call_id: spawn[0]?.id },
      agent_info: { type: 'dynamic', name: 'researcher' },
    })
    expect(threadDone).toMatchObject({
      thread_id: thread,
      title: 'researcher',
      parent: { thread_id: 'main', tool_call_id: spawn[0]?.id },
      state: { status: 'done', output: { type: 'model.message', thread_id: thread, content: SAYS.finding } },
    })
    // The sub-agent's messages are on its thread only, between thread.created and thread.done.
    expect(turn.texts(thread)).toEqual([SAYS.finding])
    expect(turn.texts('main')).toEqual([SAYS.researched])
    const seqOf = (e: TurnEvent | undefined) => turn.events.find((x) => x.event === e)?.seq ?? -1
    const onThread = turn.events.filter((e) => e.event.thread_id === thread)
    for (const e of onThread) {
      expect(e.seq).toBeGreaterThanOrEqual(seqOf(created))
      expect(e.seq).toBeLessThanOrEqual(seqOf(threadDone))
    }
    // The researcher's result comes back to main as the call's tool.response.
    expect(turn.ofType('tool.response')).toEqual([
      expect.objectContaining({ thread_id: 'main', tool_call_id: spawn[0]?.id, content: SAYS.finding }),
    ])
  })

  it('think about it: the reasoning merged into reasoning_content, then the answer', async () => {
    const turn = await client.say(await newSession(), 'think about it')
    expectAnswered(turn, SAYS.answer)
    const [message] = turn.byThread().main ?? []
    expect(message?.reasoning_content).toBe(SAYS.reasoning)
  })

  it('plan a trip: a client-side ask_user_question call with the question, then tool.response_required', async () => {
    const turn = await client.say(await newSession(), 'plan a trip')
    const { call } = expectPaused(turn, 'tool.response_required')
    expect(call.function.name).toBe('ask_user_question')
    expect(JSON.parse(call.function.arguments)).toMatchObject({ question: SAYS.tripQuestion })
  })

  it('count to 5', async () => {
    expectAnswered(await client.say(await newSession(), 'count to 5'), SAYS.count(5))
  })

  it('every model.message tool call carries tool_info, also in turn.done (the SDK refuses one without)', async () => {
    const turn = await client.say(await newSession(), 'deploy to production')
    for (const m of turn.messages.values()) for (const c of m.tool_calls ?? []) expect(c.tool_info).toBeDefined()
  })

  it('streams live: the first words arrive well before turn.done', async () => {
    const session = await newSession('slow')
    const arrivals: { type: string; at: number }[] = []
    const live = new StrictSessionsClient(base, (event, seq) => {
      checkTurnEvent(event, seq)
      arrivals.push({ type: event.type, at: Date.now() })
    })
    const turn = await live.say(session, 'count to 20')
    expectAnswered(turn, SAYS.count(20))
    const firstDelta = arrivals.find((a) => a.type === 'model.message.delta')!
    expect(arrivals.at(-1)!.at - firstDelta.at).toBeGreaterThan(200)
  })
})

describe('framing', () => {
  it('each SSE message is exactly an id: line and a data: line, no event: lines', async () => {
    const session = await newSession()
    const res = await fetch(`${base}/v1/agents/sessions/${session}/turns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user('research cats')),
    })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const blocks = (await res.text())
      .split(/\n\n/)
      .map((b) => b.split('\n').filter((l) => l !== '' && !l.startsWith(':')))
      .filter((lines) => lines.length > 0)
    blocks.forEach((lines, i) => {
      expect(lines).toHaveLength(2)
      expect(lines[0]).toBe(`id: ${i + 1}`)
      expect(lines[1]).toMatch(/^data: \{/)
    })
  })
})

describe('round trips', () => {
  it('the weather: answered with user.tool_response, the next turn says the weather', async () => {
    const session = await newSession()
    const first = await client.say(session, 'What is the weather in Paris?')
    const { callId } = expectPaused(first, 'tool.response_required')
    const body = toolResponse(callId, 'sunny, 21°C')
    const second = await client.turn(session, body)
    expectCreated(second, session, first.turnId, body.input)
    expectAnswered(second, SAYS.weather('sunny, 21°C'))
  })

  it('deploy, allowed: the tool runs (tool.response), then the deployed text', async () => {
    const session = await newSession()
    const { callId } = expectPaused(await client.say(session, 'deploy to production'), 'tool.approval_required')
    const second = await client.turn(session, approval(callId, { status: 'allow' }))
    expect(second.ofType('tool.response')).toEqual([
      expect.objectContaining({ thread_id: 'main', tool_call_id: callId, content: SAYS.deployed }),
    ])
    expectAnswered(second, SAYS.deployFinished)
  })

  it('deploy, denied: no tool run, the rejection text', async () => {
    const session = await newSession()
    const { callId } = expectPaused(await client.say(session, 'deploy to production'), 'tool.approval_required')
    const second = await client.turn(session, approval(callId, { status: 'deny', reason: 'not today' }))
    expect(second.ofType('tool.response')).toEqual([])
    expectAnswered(second, SAYS.deployCancelled)
  })

  it('plan a trip: the ask_user_question call answered with user.tool_response books the trip', async () => {
    const session = await newSession()
    const { callId } = expectPaused(await client.say(session, 'plan a trip'), 'tool.response_required')
    const second = await client.turn(session, toolResponse(callId, 'Lisbon'))
    expectAnswered(second, SAYS.booked('Lisbon'))
  })

  it('plan a trip: answered with a user message instead, it books the trip too', async () => {
    const session = await newSession()
    expectPaused(await client.say(session, 'plan a trip'), 'tool.response_required')
    expectAnswered(await client.say(session, 'Lisbon'), SAYS.booked('Lisbon'))
  })

  it('two turns in one session remember (previous_turn_id auto by default, or the last turn named)', async () => {
    const session = await newSession()
    const first = await client.say(session, 'my name is Ada')
    expectAnswered(first, SAYS.nice)
    const second = await client.say(session, 'what is my name?')
    expectCreated(second, session, first.turnId, user('what is my name?').input)
    expectAnswered(second, SAYS.name)
    const third = await client.say(session, 'what is my name?', { previous_turn_id: second.turnId })
    expect(third.created?.previous_turn_id).toBe(second.turnId)
    expectAnswered(third, SAYS.name)
    const fourth = await client.say(session, 'what is my name?', { previous_turn_id: 'auto' })
    expect(fourth.created?.previous_turn_id).toBe(third.turnId)
    expectAnswered(fourth, SAYS.name)
  })

  it('a session does not see another session', async () => {
    expectAnswered(await client.say(await newSession(), 'my name is Ada'), SAYS.nice)
    expectAnswered(await client.say(await newSession(), 'what is my name?'), "I don't know your name yet.")
  })
})

describe('sessions', () => {
  it('create and get: a Session record', async () => {
    const res = await client.call<{ data: unknown }>('POST', '/v1/agents/sessions', { agent_name: 'demo' })
    expectSessionsSchema('SessionResponse', res)
    const created = res.data as { id: string; type: string; agent_name: string }
    expect(created).toMatchObject({ type: 'session', agent_name: 'demo' })
    const got = await client.call<{ data: unknown }>('GET', `/v1/agents/sessions/${created.id}`)
    expectSessionsSchema('SessionResponse', got)
    expect(got.data).toEqual(created)
  })

  it("an agent's sessions, newest first, paged; agent_name is required", async () => {
    const ids = [await newSession('other'), await newSession('other'), await newSession('other')]
    await newSession('demo')
    type Page = { data: { id: string; agent_name: string }[]; pagination: { next_page_token?: string; limit: number } }
    const all = await client.call<Page>('GET', '/v1/agents/sessions?agent_name=other')
    expectSessionsSchema('ListSessionsResponse', all)
    expect(all.data.map((s) => s.id)).toEqual([...ids].reverse())
    expect(all.data.every((s) => s.agent_name === 'other')).toBe(true)
    const first = await client.call<Page>('GET', '/v1/agents/sessions?agent_name=other&limit=2')
    expect(first.data.map((s) => s.id)).toEqual([ids[2], ids[1]])
    expect(first.pagination.limit).toBe(2)
    const token = first.pagination.next_page_token
    expect(token).toBeDefined()
    const second = await client.call<Page>(
      'GET',
      `/v1/agents/sessions?agent_name=other&limit=2&page_token=${encodeURIComponent(token!)}`,
    )
    expect(second.data.map((s) => s.id)).toEqual([ids[0]])
    expect(second.pagination.next_page_token).toBeUndefined()
    const asc = await client.call<Page>('GET', '/v1/agents/sessions?agent_name=other&order=asc')
    expect(asc.data.map((s) => s.id)).toEqual(ids)

    await expectError(client.call('GET', '/v1/agents/sessions'), 400, /agent_name/)
    await expectError(client.call('GET', '/v1/agents/sessions?agent_name=nope'), 404)
    await expectError(client.call('GET', '/v1/agents/sessions?agent_name=other&limit=101'), 400)
    await expectError(client.call('GET', '/v1/agents/sessions?agent_name=other&order=sideways'), 400)
  })

  it('sessions created in the same millisecond list in the order they were created', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    try {
      const ids = [await newSession('same-ms'), await newSession('same-ms'), await newSession('same-ms')]
      // A turn rewrites the first session's document: where the store keeps it must not change the order.
      expectAnswered(await client.say(ids[0]!, 'hello'), SAYS.hello)
      type Page = { data: { id: string }[] }
      const desc = await client.call<Page>('GET', '/v1/agents/sessions?agent_name=same-ms')
      expect(desc.data.map((s) => s.id)).toEqual([...ids].reverse())
      const asc = await client.call<Page>('GET', '/v1/agents/sessions?agent_name=same-ms&order=asc')
      expect(asc.data.map((s) => s.id)).toEqual(ids)
    } finally {
      vi.useRealTimers()
    }
  })

  it('unknown agents and sessions are 404; a session body without agent_name is 400', async () => {
    await expectError(client.createSession('nope'), 404)
    await expectError(client.call('POST', '/v1/agents/sessions', {}), 400)
    await expectError(client.call('GET', '/v1/agents/sessions/nope.g'), 404)
    await expectError(client.say('nope.g', 'hello'), 404)
  })
})

describe('turns: records and lists', () => {
  type TurnRecord = { id: string; previous_turn_id: string | null; state: { status: string; output?: ModelMessage } }

  it('GET a turn: running while it streams, then done with the same state as turn.done', async () => {
    const session = await newSession('slow')
    const stream = new Stream()
    const { body, abort } = await client.openTurn(session, user('count to 20'))
    const reading = stream.read(body, client.readOptions(abort))
    await until(() => stream.lastSeq >= 3, 'a few events')
    const running = await client.call<{ data: TurnRecord }>(
      'GET',
      `/v1/agents/sessions/${session}/turns/${stream.turnId}`,
    )
    expectSessionsSchema('TurnResponse', running)
    expect(running.data).toMatchObject({ id: stream.turnId, session_id: session, state: { status: 'running' } })
    await reading
    const done = await client.call<{ data: TurnRecord }>('GET', `/v1/agents/sessions/${session}/turns/${stream.turnId}`)
    expectSessionsSchema('TurnResponse', done)
    expect(done.data.state).toEqual(stream.state)
    expect(contentText(done.data.state.output?.content)).toBe(SAYS.count(20))
  })

  it('turns newest first, paged by limit and page_token, chained by previous_turn_id', async () => {
    const session = await newSession()
    const turns = [
      await client.say(session, 'hello'),
      await client.say(session, 'my name is Ada'),
      await client.say(session, 'what is my name?'),
    ]
    const ids = turns.map((t) => t.turnId)
    type Page = { data: TurnRecord[]; pagination: { next_page_token?: string; previous_page_token?: string } }
    const all = await client.call<Page>('GET', `/v1/agents/sessions/${session}/turns`)
    expectSessionsSchema('ListTurnsResponse', all)
    expect(all.data.map((t) => t.id)).toEqual([ids[2], ids[1], ids[0]])
    expect(all.data.map((t) => t.previous_turn_id)).toEqual([ids[1], ids[0], null])
    expect(all.data.map((t) => t.state)).toEqual([turns[2]!.state, turns[1]!.state, turns[0]!.state])
    const first = await client.call<Page>('GET', `/v1/agents/sessions/${session}/turns?limit=2`)
    expectSessionsSchema('ListTurnsResponse', first)
    expect(first.data.map((t) => t.id)).toEqual([ids[2], ids[1]])
    const token = first.pagination.next_page_token!
    expect(token).toBeDefined()
    const second = await client.call<Page>(
      'GET',
      `/v1/agents/sessions/${session}/turns?limit=2&page_token=${encodeURIComponent(token)}`,
    )
    expect(second.data.map((t) => t.id)).toEqual([ids[0]])
    expect(second.pagination.next_page_token).toBeUndefined()
    await expectError(client.call('GET', `/v1/agents/sessions/${session}/turns?limit=26`), 400)
    await expectError(client.call('GET', `/v1/agents/sessions/${session}/turns/${session}.nope`), 404)
  })

  it("a finished turn's events: content only, no deltas, whole model.messages equal to the merged stream", async () => {
    const session = await newSession()
    const turn = await client.say(session, 'research cats')
    type Page = { data: TurnEvent[]; pagination: { next_page_token?: string } }
    const listed = await client.call<Page>('GET', `/v1/agents/sessions/${session}/turns/${turn.turnId}/events`)
    expectSessionsSchema('ListTurnEventsResponse', listed)
    const types = listed.data.map((e) => e.type)
    expect(types).not.toContain('turn.created')
    expect(types).not.toContain('turn.done')
    expect(types).not.toContain('model.message.delta')
    // The same events as the stream, deltas merged into their message: compared by id.
    const streamed = turn.events
      .map((e) => e.event)
      .filter((e) => !['turn.created', 'turn.done', 'model.message.delta'].includes(e.type))
      .map((e) => (e.type === 'model.message' ? turn.messages.get(e.id) : e))
    const byId = (events: unknown[]) =>
      Object.fromEntries((events as TurnEvent[]).map((e) => [e.id, { ...e, created_at: undefined }]))
    expect(byId(listed.data)).toEqual(byId(streamed))
    const desc = await client.call<Page>('GET', `/v1/agents/sessions/${session}/turns/${turn.turnId}/events?order=desc`)
    expect(desc.data.map((e) => e.id)).toEqual(listed.data.map((e) => e.id).reverse())
    const page = await client.call<Page>('GET', `/v1/agents/sessions/${session}/turns/${turn.turnId}/events?limit=2`)
    expect(page.data.map((e) => e.id)).toEqual(listed.data.slice(0, 2).map((e) => e.id))
    expect(page.pagination.next_page_token).toBeDefined()
  })

  it("a running turn's events are 409 (subscribe instead)", async () => {
    const session = await newSession('slow')
    const stream = new Stream()
    const { body, abort } = await client.openTurn(session, user('count to 15'))
    const reading = stream.read(body, client.readOptions(abort))
    await until(() => stream.lastSeq >= 2, 'turn.created')
    await expectError(client.call('GET', `/v1/agents/sessions/${session}/turns/${stream.turnId}/events`), 409)
    await reading
    await client.call('GET', `/v1/agents/sessions/${session}/turns/${stream.turnId}/events`)
  })

  it("the session's events, newest first with their turn_id: lifecycle included, no deltas", async () => {
    const session = await newSession()
    const first = await client.say(session, 'hello')
    const second = await client.say(session, 'count to 3')
    type Page = { data: { turn_id: string; event: TurnEvent }[] }
    const listed = await client.call<Page>('GET', `/v1/agents/sessions/${session}/events`)
    expectSessionsSchema('ListSessionEventsResponse', listed)
    const rows = listed.data
    expect(rows[0]).toMatchObject({ turn_id: second.turnId, event: { type: 'turn.done' } })
    expect(rows.at(-1)).toMatchObject({ turn_id: first.turnId, event: { type: 'turn.created' } })
    expect(rows.map((r) => r.event.type)).not.toContain('model.message.delta')
    // All of the second turn before the first; each turn's events newest first.
    const turnsInOrder = rows.map((r) => r.turn_id)
    expect(turnsInOrder.lastIndexOf(second.turnId)).toBeLessThan(turnsInOrder.indexOf(first.turnId))
    const secondRows = rows.filter((r) => r.turn_id === second.turnId).map((r) => r.event.type)
    expect(secondRows).toEqual(['turn.done', 'model.message', 'turn.created'])
    const message = rows.find((r) => r.turn_id === first.turnId && r.event.type === 'model.message')?.event
    expect(contentText((message as ModelMessage | undefined)?.content)).toBe(SAYS.hello)
    expect(rows.find((r) => r.event.type === 'turn.done' && r.turn_id === first.turnId)?.event.state).toEqual(
      first.state,
    )
  })

  it("the session's events from last_turn_id back: the later turns left out", async () => {
    const session = await newSession()
    const first = await client.say(session, 'hello')
    await client.say(session, 'count to 3')
    type Page = { data: { turn_id: string; event: TurnEvent }[] }
    const listed = await client.call<Page>(
      'GET',
      `/v1/agents/sessions/${session}/events?last_turn_id=${encodeURIComponent(first.turnId)}`,
    )
    expectSessionsSchema('ListSessionEventsResponse', listed)
    expect(listed.data.map((r) => r.turn_id)).toEqual(listed.data.map(() => first.turnId))
    expect(listed.data.map((r) => r.event.type)).toEqual(['turn.done', 'model.message', 'turn.created'])
  })

  it("a still-running turn is left out of the session's events (subscribe to it instead)", async () => {
    const session = await newSession('slow')
    const first = await client.say(session, 'hello')
    const stream = new Stream()
    const { body, abort } = await client.openTurn(session, user('count to 15'))
    const reading = stream.read(body, client.readOptions(abort))
    await until(() => stream.lastSeq >= 2, 'turn.created')
    type Page = { data: { turn_id: string; event: TurnEvent }[] }
    const listed = await client.call<Page>('GET', `/v1/agents/sessions/${session}/events`)
    expect(new Set(listed.data.map((r) => r.turn_id))).toEqual(new Set([first.turnId]))
    await reading
  })

  it("a turn's events take order asc or desc only (400 otherwise)", async () => {
    const session = await newSession()
    const turn = await client.say(session, 'hello')
    await expectError(
      client.call('GET', `/v1/agents/sessions/${session}/turns/${turn.turnId}/events?order=sideways`),
      400,
    )
    await expectError(client.call('GET', `/v1/agents/sessions/${session}/turns/${turn.turnId}/events?limit=26`), 400)
  })

  it('a turn is found only in its own session', async () => {
    const session = await newSession()
    const turn = await client.say(session, 'hello')
    const other = await newSession()
    await expectError(client.call('GET', `/v1/agents/sessions/${other}/turns/${turn.turnId}`), 404)
    await expectError(client.call('GET', `/v1/agents/sessions/${other}/turns/${turn.turnId}/events`), 404)
    await expectError(client.subscribe(other, turn.turnId, { after: 0 }), 404)
  })
})

describe('cancel and one running turn per session', () => {
  it('cancel a running turn: its stream ends turn.done cancelled client-cancelled; a second cancel is 412', async () => {
    const session = await newSession('slow')
    const stream = new Stream()
    const { body, abort } = await client.openTurn(session, user('count to 100'))
    const reading = stream.read(body, client.readOptions(abort))
    await until(() => stream.lastSeq >= 3, 'the first words')
    expect(await client.call('POST', `/v1/agents/sessions/${session}/cancel`, {})).toEqual({})
    await reading
    expect(stream.state).toMatchObject({ status: 'cancelled', reason: 'client-cancelled' })
    expect(stream.texts()[0]).not.toBe(SAYS.count(100))
    await expectError(client.call('POST', `/v1/agents/sessions/${session}/cancel`, {}), 412)
    const record = await client.call<{ data: { state: unknown } }>(
      'GET',
      `/v1/agents/sessions/${session}/turns/${stream.turnId}`,
    )
    expect(record.data.state).toEqual(stream.state)
    // The session goes on.
    expectAnswered(await client.say(session, 'hello'), SAYS.hello)
  })

  it('cancel with no body works too; with nothing running it is 412', async () => {
    const session = await newSession('slow')
    await expectError(client.call('POST', `/v1/agents/sessions/${session}/cancel`), 412)
    const stream = new Stream()
    const { body, abort } = await client.openTurn(session, user('count to 100'))
    const reading = stream.read(body, client.readOptions(abort))
    await until(() => stream.lastSeq >= 2, 'turn.created')
    const res = await fetch(`${base}/v1/agents/sessions/${session}/cancel`, { method: 'POST' })
    expect(res.status).toBe(200)
    await reading
    expect(stream.state).toMatchObject({ status: 'cancelled', reason: 'client-cancelled' })
  })

  it('a new turn while one runs cancels it: cancelled-for-next-turn; the new one goes on', async () => {
    const session = await newSession('slow')
    const first = new Stream()
    const { body, abort } = await client.openTurn(session, user('count to 100'))
    const reading = first.read(body, client.readOptions(abort))
    await until(() => first.lastSeq >= 3, 'the first words')
    const second = await client.say(session, 'hello')
    await reading
    expect(first.state).toMatchObject({ status: 'cancelled', reason: 'cancelled-for-next-turn' })
    expectAnswered(second, SAYS.hello)
    expect(second.created?.previous_turn_id).toBe(first.turnId)
    const record = await client.call<{ data: { state: unknown } }>(
      'GET',
      `/v1/agents/sessions/${session}/turns/${first.turnId}`,
    )
    expect(record.data.state).toEqual(first.state)
    const replay = await client.subscribe(session, first.turnId, { after: 0 })
    expect(replay.events).toEqual(first.events)
  })

  // Found by the TrueFoundry goldens: three turns started at the same moment all ran, side by side, unchained. In
  // process (no sockets), so the three requests really do arrive together.
  it('turns started at the same moment chain one after another; the earlier ones are cancelled for the next', async () => {
    const app = createBridge({ agents: [{ id: 'demo', dialect: 'demo', delayMs: 5 }] })
    const post = (path: string, body: unknown) =>
      app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const sessions = '/truefoundry/v1/agents/sessions'
    const { data } = (await (await post(sessions, { agent_name: 'demo' })).json()) as { data: { id: string } }
    const turns = `${sessions}/${data.id}/turns`
    const streams = await Promise.all(
      ['count to 5', 'count to 6', 'count to 7'].map(async (text) => {
        const body = await (await post(turns, { input: [{ type: 'user.message', content: text }] })).text()
        const events = body
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => JSON.parse(l.slice(5)) as { turn_id?: string; previous_turn_id?: string | null; state: object })
        return { id: events[0]?.turn_id, previous: events[0]?.previous_turn_id, state: events.at(-1)?.state }
      }),
    )
    const chain = [streams.find((t) => t.previous === null)]
    for (let i = 0; i < 2; i++) chain.push(streams.find((t) => t.previous === chain[i]?.id))
    expect(chain.every((t) => t !== undefined)).toBe(true)
    expect(chain[0]?.state).toMatchObject({ status: 'cancelled', reason: 'cancelled-for-next-turn' })
    expect(chain[1]?.state).toMatchObject({ status: 'cancelled', reason: 'cancelled-for-next-turn' })
    expect(chain[2]?.state).toMatchObject({ status: 'done' })
    const listed = (await (await app.request(turns)).json()) as { data: { id: string }[] }
    expect(listed.data.map((t) => t.id)).toEqual([chain[2]?.id, chain[1]?.id, chain[0]?.id])
    await app.close()
  })
})

describe('bad turns', () => {
  it('previous_turn_id of an earlier turn (a branch) is 400; an unknown one 404', async () => {
    const session = await newSession()
    const first = await client.say(session, 'hello')
    await client.say(session, 'hello')
    await expectError(client.say(session, 'hello', { previous_turn_id: first.turnId }), 400)
    await expectError(client.say(session, 'hello', { previous_turn_id: `${session}.nope` }), 404)
  })

  it('answers when nothing waits for them are 400', async () => {
    const fresh = await newSession()
    await expectError(client.turn(fresh, toolResponse('call_1', 'x')), 400)
    await expectError(client.turn(fresh, approval('call_1', { status: 'allow' })), 400)
    const session = await newSession()
    await client.say(session, 'hello')
    await expectError(client.turn(session, toolResponse('call_1', 'x')), 400)
    await expectError(client.turn(session, approval('call_1', { status: 'allow' })), 400)
  })

  it('a paused turn takes answers for its calls: another call id is 400, then the right one works', async () => {
    const session = await newSession()
    const { callId } = expectPaused(await client.say(session, 'deploy to production'), 'tool.approval_required')
    await expectError(client.turn(session, approval('wrong', { status: 'allow' })), 400)
    expectAnswered(await client.turn(session, approval(callId, { status: 'allow' })), SAYS.deployFinished)
  })

  it('user messages mixed with answers are 400', async () => {
    const session = await newSession()
    const { callId } = expectPaused(await client.say(session, 'deploy to production'), 'tool.approval_required')
    const mixed = {
      input: [...user('hello').input, ...approval(callId, { status: 'allow' }).input],
    }
    await expectError(client.turn(session, mixed), 400)
    // The pause is still there to answer.
    expectAnswered(await client.turn(session, approval(callId, { status: 'deny' })), SAYS.deployCancelled)
  })

  it('bad bodies: no input, an unknown item type, not JSON (400), not a JSON content type (415)', async () => {
    const session = await newSession()
    await expectError(client.turn(session, { input: [] }), 400)
    await expectError(client.turn(session, {}), 400)
    await expectError(client.turn(session, { input: [{ type: 'user.shout', content: 'x' }] }), 400)
    const url = `${base}/v1/agents/sessions/${session}/turns`
    await expectError(
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      400,
    )
    await expectError(
      await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(user('hi')) }),
      415,
    )
  })
})

describe('subscribe: resuming a turn stream', () => {
  /** A slow count read up to sequence number `n`, then the connection dropped. */
  async function dropped(n: number, count = 30) {
    const session = await newSession('slow')
    const stream = new Stream()
    const { body, abort } = await client.openTurn(session, user(`count to ${count}`))
    const complete = await stream.read(body, { ...client.readOptions(abort), stopAfter: n })
    expect(complete).toBe(false)
    expect(stream.lastSeq).toBe(n)
    return { session, stream }
  }

  it('after_sequence_number N: N+1 … turn.done, no gap, no duplicate; the merged text is the whole answer', async () => {
    const { session, stream } = await dropped(8)
    await client.subscribe(session, stream.turnId, { after: 8 }, stream)
    expect(stream.events.map((e) => e.seq)).toEqual(Array.from({ length: stream.lastSeq }, (_, i) => i + 1))
    expectAnswered(stream, SAYS.count(30))
    // What a client that never dropped sees: a replay from 0 gives the same events, byte for byte.
    const replay = await client.subscribe(session, stream.turnId, { after: 0 })
    expect(replay.events).toEqual(stream.events)
  })

  it('Last-Event-Id with no body resumes the same way', async () => {
    const { session, stream } = await dropped(5)
    await client.subscribe(session, stream.turnId, { lastEventId: 5 }, stream)
    expectAnswered(stream, SAYS.count(30))
  })

  it('resumes twice, the second time while still live', async () => {
    const { session, stream } = await dropped(4)
    await client.subscribe(session, stream.turnId, { after: 4 }, stream, { stopAfter: 12 })
    expect(stream.lastSeq).toBe(12)
    await client.subscribe(session, stream.turnId, { after: 12 }, stream)
    expectAnswered(stream, SAYS.count(30))
  })

  it('from 0 (or with no body) it replays from turn.created, live and after the end', async () => {
    const { session, stream } = await dropped(3)
    const live = await client.subscribe(session, stream.turnId, { after: 0 })
    expect(live.events[0]?.event.type).toBe('turn.created')
    expectAnswered(live, SAYS.count(30))
    const res = await fetch(`${base}/v1/agents/sessions/${session}/turns/${stream.turnId}/subscribe`, {
      method: 'POST',
    })
    const again = new Stream()
    await again.read(res.body!, { onEvent: checkTurnEvent })
    expect(again.events).toEqual(live.events)
  })

  it('a paused turn and the turn that answered it replay too, each to its own turn.done', async () => {
    const session = await newSession()
    const first = await client.say(session, 'deploy to production')
    const { callId } = expectPaused(first, 'tool.approval_required')
    const second = await client.turn(session, approval(callId, { status: 'allow' }))
    // The paused turn, after its run went on in the next turn: still the same events, ending paused.
    const replayed = await client.subscribe(session, first.turnId, { after: 0 })
    expect(replayed.events).toEqual(first.events)
    const record = await client.call<{ data: { state: unknown } }>(
      'GET',
      `/v1/agents/sessions/${session}/turns/${first.turnId}`,
    )
    expect(record.data.state).toEqual(first.state)
    const whole = await client.subscribe(session, second.turnId, { after: 0 })
    expect(whole.events).toEqual(second.events)
  })

  it('a bad after_sequence_number or Last-Event-Id is 400; an unknown turn 404', async () => {
    const session = await newSession()
    const turn = await client.say(session, 'hello')
    const url = `${base}/v1/agents/sessions/${session}/turns/${turn.turnId}/subscribe`
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      })
    await expectError(await post({ after_sequence_number: -1 }), 400)
    await expectError(await post({ after_sequence_number: 'x' }), 400)
    await expectError(await fetch(url, { method: 'POST', headers: { 'last-event-id': 'abc' } }), 400)
    await expectError(
      await fetch(`${base}/v1/agents/sessions/${session}/turns/${session}.nope/subscribe`, { method: 'POST' }),
      404,
    )
  })
})
