// The bridge's Orq face driven by the official Orq SDK (@orq-ai/node 4.15.11) over real HTTP. The SDK zod-validates
// every JSON body and every SSE event it reads, so a stream that iterates to the end without throwing is one a real Orq
// client accepts; each test then asserts what a user of the SDK relies on (texts from src/demo/script.ts). Every SSE
// body the SDK reads is also captured raw and checked frame by frame against the SDK's own schemas.
import { Orq } from '@orq-ai/node'
import { EventStream } from '@orq-ai/node/lib/event-streams.js'
import { HTTPClient } from '@orq-ai/node/lib/http.js'
import type { CreateAgentResponse, ResponseStreamingEvent } from '@orq-ai/node/models/components/index.js'
import { ResponseStreamingEvent$inboundSchema } from '@orq-ai/node/models/components/index.js'
import { HonoApiError, OrqError, RetrieveAgentRequestResponseBody } from '@orq-ai/node/models/errors/index.js'
import type { StreamAgentResponseBody } from '@orq-ai/node/models/operations/streamagent.js'
import { StreamAgentResponseBody$inboundSchema } from '@orq-ai/node/models/operations/streamagent.js'
import type { StreamRunAgentRequestBody } from '@orq-ai/node/models/operations/streamrunagent.js'
import { StreamRunAgentResponseBody$inboundSchema } from '@orq-ai/node/models/operations/streamrunagent.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scenarios } from '../../src/demo/script.js'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'

// ---- what the demo agent says (src/demo/script.ts) ----

const HELLO = 'Hello! I am the demo agent.'
const DESCRIPTION =
  'The built-in scripted demo agent of dialect-bridge: text, tool call, approval, artifact, sub-agent.'
const countText = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(' ')
const NO_WEATHER_TOOL = 'I can look up the weather once you declare a get_weather function tool.'

// ---- SDK event shapes ----

type Event = StreamAgentResponseBody['data']
type EventOf<T extends Event['type']> = Extract<Event, { type: T }>
type ResponseEvent = ResponseStreamingEvent
type ResponseEventOf<T extends ResponseEvent['type']> = Extract<ResponseEvent, { type: T }>

const ofType = <T extends Event['type']>(events: Event[], type: T): EventOf<T>[] =>
  events.filter((e): e is EventOf<T> => e.type === type)
const one = <T extends Event['type']>(events: Event[], type: T): EventOf<T> => {
  const found = ofType(events, type)
  expect(found, `exactly one ${type}`).toHaveLength(1)
  return found[0]!
}
const responseOfType = <T extends ResponseEvent['type']>(events: ResponseEvent[], type: T): ResponseEventOf<T>[] =>
  events.filter((e): e is ResponseEventOf<T> => e.type === type)

type SdkPart = { kind: string; text?: string }
const textOfParts = (parts: SdkPart[]) =>
  parts
    .filter((p) => p.kind === 'text')
    .map((p) => p.text)
    .join('')
/** The text of the changed messages of a thought (each is a whole message: a snapshot). */
const thoughtText = (t: EventOf<'event.agents.thought'>) =>
  Object.values(t.data.messageDifference)
    .map((m) => textOfParts(m.parts))
    .join('')

const userMessage = (text: string) => ({ role: 'user' as const, parts: [{ kind: 'text' as const, text }] })
const toolMessage = (toolCallId: string, result: unknown) => ({
  role: 'tool' as const,
  parts: [{ kind: 'tool_result' as const, toolCallId, result }],
})

const weatherTool = {
  type: 'function' as const,
  key: 'get_weather',
  displayName: 'Get weather',
  description: 'Current weather for a city',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object' as const,
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
  },
}

/** The inline agent of `run` / `streamRun`: the key picks the configured agent `demo`. */
const inlineAgent = (message: StreamRunAgentRequestBody['message'], tools = [weatherTool]) => ({
  key: 'demo',
  model: 'openai/gpt-4o',
  role: 'Assistant',
  instructions: 'Be brief.',
  path: 'Default/agents',
  settings: { tools },
  message,
})

// ---- capturing what the SDK reads, raw ----

interface Capture {
  url: string
  body: Promise<string>
}

/** Splits an SSE body into frames and checks the framing Orq uses: `data:` lines only, ending with `data: [DONE]`. */
function sseFrames(body: string): string[] {
  const frames = body.split(/\r?\n\r?\n/).filter((f) => f.trim() !== '')
  const data: string[] = []
  for (const frame of frames) {
    const lines = frame.split(/\r?\n/).filter((l) => !l.startsWith(':'))
    if (!lines.length) continue // a keep-alive comment
    for (const line of lines) expect(line, 'an SSE line of an Orq stream').toMatch(/^data: /)
    data.push(lines.map((l) => l.slice('data: '.length)).join('\n'))
  }
  expect(data.at(-1), 'the stream ends with the [DONE] sentinel').toBe('[DONE]')
  expect(
    data.filter((d) => d === '[DONE]'),
    'one [DONE]',
  ).toHaveLength(1)
  return data.slice(0, -1)
}

const validated = { task: 0, run: 0, response: 0 }

/** Every frame of a captured stream through the SDK's own zod schema for that endpoint. */
async function validateRaw(capture: Capture) {
  const path = new URL(capture.url).pathname
  const kind = path.endsWith('/stream-run') ? 'run' : path.endsWith('/responses') ? 'response' : 'task'
  for (const data of sseFrames(await capture.body)) {
    const json = JSON.parse(data) as { type: string; timestamp: unknown }
    expect(Number.isNaN(Date.parse(String(json.timestamp))), `timestamp of ${json.type}`).toBe(false)
    if (kind === 'task') StreamAgentResponseBody$inboundSchema.parse({ data })
    else if (kind === 'run') StreamRunAgentResponseBody$inboundSchema.parse({ data })
    else ResponseStreamingEvent$inboundSchema.parse(json)
    validated[kind] += 1
  }
}

describe('@orq-ai/node against the Orq face (demo agent)', () => {
  let bridge: RunningBridge
  let orq: Orq
  const captured: Capture[] = []

  const client = (url: string) => {
    const httpClient = new HTTPClient({
      fetcher: async (input, init) => {
        const res = await fetch(input, init)
        if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
          const request = input instanceof Request ? input.url : String(input)
          captured.push({ url: request, body: res.clone().text() })
        }
        return res
      },
    })
    return new Orq({ serverURL: `${url}/orq`, apiKey: 'k', httpClient })
  }

  /** Iterates an SDK stream to its end (the SDK throws at an event it cannot validate), then checks it raw. */
  async function collect(stream: AsyncIterable<{ data: Event }>): Promise<Event[]> {
    const capture = captured.at(-1)
    const events: Event[] = []
    for await (const event of stream) events.push(event.data)
    expect(capture, 'the raw body was captured').toBeDefined()
    await validateRaw(capture!)
    return events
  }

  async function collectResponse(result: unknown): Promise<ResponseEvent[]> {
    expect(result, 'an SSE response (content type text/event-stream)').toBeInstanceOf(EventStream)
    const capture = captured.at(-1)
    const events: ResponseEvent[] = []
    for await (const event of result as AsyncIterable<{ data?: ResponseEvent }>) if (event.data) events.push(event.data)
    await validateRaw(capture!)
    return events
  }

  const stream = async (body: Parameters<Orq['agents']['stream']>[0], key = 'demo') =>
    collect(await orq.agents.stream(body, key))

  /** The invariants of a task stream: the two opening events, thoughts, and one terminal event last. */
  function expectTurnShape(events: Event[], end: 'inactive' | 'errored') {
    expect(events[0]?.type).toBe('agents.execution_started')
    expect(events[1]?.type).toBe('event.agents.started')
    expect(ofType(events, 'event.agents.thought').length).toBeGreaterThanOrEqual(1)
    expect(events.at(-1)?.type).toBe(end === 'inactive' ? 'event.agents.inactive' : 'event.agents.errored')
    const terminal = events.filter((e) => e.type === 'event.agents.inactive' || e.type === 'event.agents.errored')
    expect(terminal).toHaveLength(1)
    const taskId = one(events, 'agents.execution_started').data.agentTaskId
    expect(taskId).toMatch(/\S/)
    const started = one(events, 'event.agents.started').data
    expect(started.agentKey).toBe('demo')
    // Every event of the turn names the same workflow run.
    const runIds = events.flatMap((e) => ('workflowRunId' in e.data ? [e.data.workflowRunId] : []))
    expect(new Set(runIds)).toEqual(new Set([started.workflowRunId]))
    return { taskId, started }
  }

  /** Waits until the task's latest turn is no longer in progress (non-blocking invoke and run). */
  async function settled(taskId: string) {
    for (let i = 0; i < 500; i++) {
      const response = await orq.agents.responses.get({ agentKey: 'demo', taskId })
      if (response.status !== 'in_progress') return response
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`task ${taskId} did not settle`)
  }

  beforeAll(async () => {
    bridge = await startBridge()
    orq = client(bridge.url)
  })
  afterAll(() => bridge.close())

  // ---- every demo scenario through agents.stream ----

  interface Case {
    prompt: string
    /** `stop`, a pause (`function_call` with this pending call), or the run failing. */
    end: { finish: 'stop' } | { finish: 'function_call'; name: string; arguments: string } | { error: string }
    /** `lastMessage` of `inactive`, or (failure) the text of the last thought. */
    text: string
    check?: (events: Event[]) => void
  }

  const cases: Case[] = [
    {
      prompt: 'please fail',
      end: { error: 'The demo agent failed on purpose.' },
      text: 'Working on it.',
    },
    {
      prompt: 'What is the weather in Paris?',
      end: { finish: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}' },
      text: '',
      check(events) {
        const call = ofType(events, 'event.agents.thought')
          .flatMap((t) => Object.values(t.data.messageDifference))
          .flatMap((m) => m.parts)
          .find((p) => p.kind === 'tool_call')
        expect(call).toMatchObject({ kind: 'tool_call', toolName: 'get_weather', arguments: { city: 'Paris' } })
        // A client tool runs on the client: the agent does not report executing it.
        expect(ofType(events, 'event.workflow_events.tool_execution_started')).toEqual([])
      },
    },
    {
      prompt: 'deploy to production',
      end: { finish: 'function_call', name: 'deploy', arguments: '{"environment":"production"}' },
      text: '',
      check(events) {
        const review = one(events, 'event.agents.action_review_requested').data
        expect(review).toMatchObject({
          requiresApproval: true,
          tool: { key: 'deploy', requiresApproval: true },
          input: { environment: 'production' },
        })
        const pending = one(events, 'event.agents.inactive').data.pendingToolCalls ?? []
        expect(review.agentToolCallId).toBe(pending[0]?.id)
      },
    },
    {
      prompt: 'write a report',
      end: { finish: 'stop' },
      // The artifact is the agent's last message: its text is what `last_message` holds.
      text: '# Report\nAll systems nominal.\n',
      check(events) {
        const texts = ofType(events, 'event.agents.thought').map(thoughtText)
        expect(texts).toContain('Here is your report.')
        expect(texts).toContain('# Report\nAll systems nominal.\n')
      },
    },
    {
      prompt: 'research cats',
      end: { finish: 'stop' },
      text: 'The researcher found 3 facts about cats.',
      check(events) {
        const handedOff = one(events, 'event.agents.handed_off').data
        expect(JSON.parse(handedOff.input)).toEqual({ topic: 'cats' })
        // The sub-agent's words come from its own agent id.
        const sub = ofType(events, 'event.agents.thought').find((t) => t.data.agentId === handedOff.agentId)
        expect(sub && thoughtText(sub)).toBe('Found 3 facts about cats.')
        const started = one(events, 'event.workflow_events.tool_execution_started').data
        expect(started).toMatchObject({ toolKey: 'researcher', toolArguments: { topic: 'cats' } })
        const finished = one(events, 'event.workflow_events.tool_execution_finished').data
        expect(finished.result).toBe('Found 3 facts about cats.')
        expect(finished.toolExecutionContext.agentToolCallId).toBe(started.toolExecutionContext.agentToolCallId)
      },
    },
    {
      prompt: 'think about it',
      end: { finish: 'stop' },
      text: 'The answer is 42.',
      check(events) {
        const reasoning = ofType(events, 'event.agents.thought').map((t) => t.data.choice?.message.reasoning)
        expect(reasoning).toContain('Let me think this through.')
      },
    },
    {
      prompt: 'plan a trip',
      end: { finish: 'stop' },
      text: 'Where would you like to go?',
    },
    { prompt: 'count to 20', end: { finish: 'stop' }, text: countText(20) },
    { prompt: 'my name is Ada', end: { finish: 'stop' }, text: 'Nice to meet you, Ada.' },
    { prompt: 'what is my name?', end: { finish: 'stop' }, text: "I don't know your name yet." },
    { prompt: 'hello', end: { finish: 'stop' }, text: HELLO },
    { prompt: 'anything else', end: { finish: 'stop' }, text: 'You said: anything else' },
  ]

  describe('agents.stream: every demo scenario', () => {
    it('the table below covers every scenario of the demo script', () => {
      expect(cases.map((c) => c.prompt).sort()).toEqual(scenarios.map((s) => s.example).sort())
    })

    it.each(cases)('"$prompt"', async ({ prompt, end, text, check }) => {
      const events = await stream({ message: userMessage(prompt) })
      const { started } = expectTurnShape(events, 'error' in end ? 'errored' : 'inactive')
      expect(started.inputMessage).toMatchObject({ role: 'user', parts: [{ kind: 'text', text: prompt }] })
      expect(started.isContinuation ?? false).toBe(false)
      const thoughts = ofType(events, 'event.agents.thought')
      if ('error' in end) {
        const errored = one(events, 'event.agents.errored').data
        expect(errored.error).toBe(end.error)
        expect(errored.code).toBeGreaterThanOrEqual(500)
        expect(thoughtText(thoughts.at(-1)!)).toBe(text)
      } else {
        const inactive = one(events, 'event.agents.inactive').data
        expect(inactive.finishReason).toBe(end.finish)
        expect(inactive.lastMessage).toBe(text)
        if (text) expect(textOfParts(inactive.lastMessageFull?.parts ?? [])).toBe(text)
        if (end.finish === 'function_call') {
          expect(inactive.pendingToolCalls).toEqual([
            { id: expect.any(String), type: 'function', function: { name: end.name, arguments: end.arguments } },
          ])
        } else {
          expect(inactive.pendingToolCalls ?? []).toEqual([])
        }
        // The demo reports its usage: one input token per word of the prompt.
        expect(inactive.usage?.promptTokens).toBe(prompt.split(/\s+/).length)
      }
      check?.(events)
    })
  })

  // ---- agents ----

  describe('agent manifests', () => {
    it('agents.list lists demo', async () => {
      const list = await orq.agents.list()
      expect(list.object).toBe('list')
      expect(list.hasMore).toBe(false)
      expect(list.data.map((a) => a.key)).toContain('demo')
    })

    it('agents.list pages with limit', async () => {
      const page = await orq.agents.list(1)
      expect(page.data).toHaveLength(1)
    })

    it('agents.retrieve("demo") describes the demo agent', async () => {
      const agent = await orq.agents.retrieve('demo')
      expect(agent).toMatchObject({ key: 'demo', displayName: 'Demo agent', description: DESCRIPTION })
    })

    it('agents.retrieve of an unknown key throws the typed 404', async () => {
      const error = await orq.agents.retrieve('nope').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RetrieveAgentRequestResponseBody)
      expect((error as OrqError).statusCode).toBe(404)
      expect((error as RetrieveAgentRequestResponseBody).data$.message).toMatch(/nope/)
    })

    it('agents.stream to an unknown key throws a 404', async () => {
      const error = await orq.agents.stream({ message: userMessage('hello') }, 'nope').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OrqError)
      expect((error as OrqError).statusCode).toBe(404)
    })
  })

  // ---- invoke ----

  describe('agents.invoke', () => {
    it('non-blocking returns the task at once; the turn goes on in the background', async () => {
      const task = await orq.agents.invoke('demo', { message: userMessage('hello') })
      expect(task.kind).toBe('task')
      expect(task.id).toMatch(/\S/)
      expect(['submitted', 'working', 'completed']).toContain(task.status.state)
      expect(task.messages).toBeUndefined()
      const response = await settled(task.id)
      expect(response.status).toBe('completed')
      expect(textOfParts(response.output.flatMap((m) => m.parts))).toBe(HELLO)
    })

    it('non-blocking also with configuration {blocking: false}', async () => {
      const task = await orq.agents.invoke('demo', {
        message: userMessage('hello'),
        configuration: { blocking: false },
      })
      expect(task.messages).toBeUndefined()
      expect((await settled(task.id)).status).toBe('completed')
    })

    it('blocking returns the completed task with the user message and the answer', async () => {
      const task = await orq.agents.invoke('demo', {
        message: userMessage('my name is Ada'),
        configuration: { blocking: true },
      })
      expect(task.status.state).toBe('completed')
      expect(textOfParts(task.status.message?.parts ?? [])).toBe('Nice to meet you, Ada.')
      expect(task.messages?.map((m) => [m.role, textOfParts(m.parts)])).toEqual([
        ['user', 'my name is Ada'],
        ['agent', 'Nice to meet you, Ada.'],
      ])
      expect(task.messages?.every((m) => m.taskId === task.id)).toBe(true)
    })

    it('blocking: the weather pause (input-required) and its tool result', async () => {
      const paused = await orq.agents.invoke('demo', {
        message: userMessage('What is the weather in Paris?'),
        configuration: { blocking: true },
      })
      expect(paused.status.state).toBe('input-required')
      const call = paused.status.message?.parts.find((p) => p.kind === 'tool_call')
      expect(call).toMatchObject({ kind: 'tool_call', toolName: 'get_weather', arguments: { city: 'Paris' } })
      if (call?.kind !== 'tool_call') throw new Error('no tool call')

      const done = await orq.agents.invoke('demo', {
        taskId: paused.id,
        message: toolMessage(call.toolCallId, 'sunny, 21°C'),
        configuration: { blocking: true },
      })
      expect(done.id).toBe(paused.id)
      expect(done.status.state).toBe('completed')
      expect(textOfParts(done.status.message?.parts ?? [])).toBe('Weather in Paris: sunny, 21°C')
      expect(done.messages?.[0]).toMatchObject({
        role: 'tool',
        parts: [{ kind: 'tool_result', toolCallId: call.toolCallId }],
      })
      expect(textOfParts(done.messages?.at(-1)?.parts ?? [])).toBe('Weather in Paris: sunny, 21°C')
    })

    it('blocking: a failing run is a failed task', async () => {
      const task = await orq.agents.invoke('demo', {
        message: userMessage('please fail'),
        configuration: { blocking: true },
      })
      expect(task.status.state).toBe('failed')
    })
  })

  // ---- run / streamRun: the agent defined inline ----

  describe('agents.run and agents.streamRun (inline agent)', () => {
    it('run returns the task; the answer arrives', async () => {
      const task = await orq.agents.run(inlineAgent(userMessage('hello')))
      expect(task.kind).toBe('task')
      const response = await settled(task.id)
      expect(response.finishReason).toBe('stop')
      expect(textOfParts(response.output.flatMap((m) => m.parts))).toBe(HELLO)
    })

    it('run: the weather pauses on the inline get_weather function tool', async () => {
      const task = await orq.agents.run(inlineAgent(userMessage('What is the weather in Paris?')))
      const response = await settled(task.id)
      expect(response.finishReason).toBe('function_call')
      expect(response.pendingToolCalls).toEqual([
        { id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ])
    })

    it('run with an unknown key throws a 404', async () => {
      const error = await orq.agents.run({ ...inlineAgent(userMessage('hello')), key: 'nope' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OrqError)
      expect((error as OrqError).statusCode).toBe(404)
    })

    it('streamRun streams the answer, with the inline instructions', async () => {
      const events = await collect(await orq.agents.streamRun(inlineAgent(userMessage('hello'))))
      const { started } = expectTurnShape(events, 'inactive')
      expect(started.instructions).toBe('Be brief.')
      expect(one(events, 'event.agents.inactive').data).toMatchObject({ finishReason: 'stop', lastMessage: HELLO })
    })

    it('streamRun: the weather pauses with the pending call; a streamRun with taskId answers it', async () => {
      const events = await collect(
        await orq.agents.streamRun(inlineAgent(userMessage('What is the weather in Paris?'))),
      )
      const { taskId } = expectTurnShape(events, 'inactive')
      const inactive = one(events, 'event.agents.inactive').data
      expect(inactive.finishReason).toBe('function_call')
      const call = inactive.pendingToolCalls?.[0]
      expect(call?.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' })

      const next = await collect(
        await orq.agents.streamRun({ ...inlineAgent(toolMessage(call!.id, { sky: 'clear', celsius: 18 })), taskId }),
      )
      const { taskId: same, started } = expectTurnShape(next, 'inactive')
      expect(same).toBe(taskId)
      expect(started.isContinuation).toBe(true)
      expect(one(next, 'event.agents.inactive').data).toMatchObject({
        finishReason: 'stop',
        lastMessage: 'Weather in Paris: {"sky":"clear","celsius":18}',
      })
    })

    it('streamRun without a get_weather function tool: the demo asks for one', async () => {
      const events = await collect(
        await orq.agents.streamRun(inlineAgent(userMessage('What is the weather in Paris?'), [])),
      )
      expect(one(events, 'event.agents.inactive').data).toMatchObject({
        finishReason: 'stop',
        lastMessage: NO_WEATHER_TOOL,
      })
    })
  })

  // ---- /v2/agents/{agent_key}/responses ----

  describe('agents.responses', () => {
    it('create (JSON) waits for the answer', async () => {
      const response = (await orq.agents.responses.create(
        { message: userMessage('hello') },
        'demo',
      )) as CreateAgentResponse
      expect(response).not.toBeInstanceOf(EventStream)
      expect(response.id).toMatch(/\S/)
      expect(response.taskId).toMatch(/\S/)
      expect(response.finishReason).toBe('stop')
      expect(response.output.map((m) => [m.role, textOfParts(m.parts)])).toEqual([['agent', HELLO]])
      expect(response.usage).toMatchObject({ promptTokens: 1, completionTokens: 6, totalTokens: 7 })
      expect(response.pendingToolCalls ?? []).toEqual([])
    })

    it('create with stream: true streams part deltas, then part.done and response.done; get returns it', async () => {
      const events = await collectResponse(
        await orq.agents.responses.create({ message: userMessage('hello'), stream: true }, 'demo'),
      )
      expect(events[0]?.type).toBe('response.started')
      const started = responseOfType(events, 'response.started')[0]!.data
      const deltas = responseOfType(events, 'part.delta')
      expect(deltas.length).toBeGreaterThan(1)
      expect(deltas.map((d) => (d.data.delta.kind === 'text' ? d.data.delta.text : '')).join('')).toBe(HELLO)
      const done = responseOfType(events, 'part.done')
      expect(done).toHaveLength(1)
      expect(done[0]!.data).toMatchObject({ partId: deltas[0]!.data.partId, part: { kind: 'text', text: HELLO } })
      expect(events.findIndex((e) => e.type === 'part.done')).toBeGreaterThan(
        events.findLastIndex((e) => e.type === 'part.delta'),
      )
      const last = events.at(-1)
      expect(last?.type).toBe('response.done')
      if (last?.type !== 'response.done') throw new Error('no response.done')
      expect(last.data.finishReason).toBe('stop')

      const got = await orq.agents.responses.get({ agentKey: 'demo', taskId: started.taskId })
      expect(got.status).toBe('completed')
      expect(got.id).toBe(started.responseId)
      expect(got.taskId).toBe(started.taskId)
      expect(got.finishReason).toBe('stop')
      expect(textOfParts(got.output.flatMap((m) => m.parts))).toBe(HELLO)
    })

    it('the weather pause: response.done lists the pending call; create with taskId and the tool message answers', async () => {
      const events = await collectResponse(
        await orq.agents.responses.create(
          { message: userMessage('What is the weather in Paris?'), stream: true },
          'demo',
        ),
      )
      const taskId = responseOfType(events, 'response.started')[0]!.data.taskId
      const done = responseOfType(events, 'response.done')
      expect(done).toHaveLength(1)
      expect(done[0]!.data.finishReason).toBe('function_call')
      const call = done[0]!.data.pendingToolCalls?.[0]
      expect(call).toEqual({
        id: expect.any(String),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      })

      const paused = await orq.agents.responses.get({ agentKey: 'demo', taskId })
      expect(paused).toMatchObject({ status: 'completed', finishReason: 'function_call' })

      const answer = (await orq.agents.responses.create(
        { taskId, message: toolMessage(call!.id, 'sunny, 21°C') },
        'demo',
      )) as CreateAgentResponse
      expect(answer.taskId).toBe(taskId)
      expect(answer.id).not.toBe(responseOfType(events, 'response.started')[0]!.data.responseId)
      expect(answer.finishReason).toBe('stop')
      expect(textOfParts(answer.output.flatMap((m) => m.parts))).toBe('Weather in Paris: sunny, 21°C')
    })

    it('the approval: tool.review.requested, then a tool result approves it', async () => {
      const events = await collectResponse(
        await orq.agents.responses.create({ message: userMessage('deploy to staging'), stream: true }, 'demo'),
      )
      const review = responseOfType(events, 'tool.review.requested')
      expect(review).toHaveLength(1)
      expect(review[0]!.data).toMatchObject({
        toolName: 'deploy',
        arguments: { environment: 'staging' },
        requiresApproval: true,
      })
      const done = responseOfType(events, 'response.done')[0]!.data
      expect(done.finishReason).toBe('function_call')
      expect(done.pendingToolCalls?.[0]?.id).toBe(review[0]!.data.toolCallId)
      const taskId = responseOfType(events, 'response.started')[0]!.data.taskId

      const after = await collectResponse(
        await orq.agents.responses.create(
          { taskId, message: toolMessage(review[0]!.data.toolCallId, { approved: true }), stream: true },
          'demo',
        ),
      )
      const toolDone = responseOfType(after, 'tool.done')
      expect(toolDone.map((e) => e.data.result)).toEqual(['Deployed to staging.'])
      const text = responseOfType(after, 'part.delta')
        .map((d) => (d.data.delta.kind === 'text' ? d.data.delta.text : ''))
        .join('')
      expect(text).toBe('Deployment finished.')
      expect(after.at(-1)?.type).toBe('response.done')
    })

    it('the report streams each part once: its deltas make its part.done text', async () => {
      const events = await collectResponse(
        await orq.agents.responses.create({ message: userMessage('write a report'), stream: true }, 'demo'),
      )
      const deltas = new Map<string, string>()
      for (const d of responseOfType(events, 'part.delta')) {
        if (d.data.delta.kind === 'text')
          deltas.set(d.data.partId, (deltas.get(d.data.partId) ?? '') + d.data.delta.text)
      }
      const done = responseOfType(events, 'part.done').map((e) => e.data)
      expect(
        done.map((d) => d.partId),
        'one part.done per part',
      ).toEqual([...new Set(done.map((d) => d.partId))])
      for (const d of done) expect(d.part).toEqual({ kind: 'text', text: deltas.get(d.partId) })
      expect([...deltas.values()]).toEqual(['Here is your report.', '# Report\nAll systems nominal.\n'])
      expect(events.at(-1)?.type).toBe('response.done')
    })

    // The review comes before the execution: after the approval the tool is reported started, then done.
    it('an approved tool is reported started before it is done', async () => {
      const events = await collectResponse(
        await orq.agents.responses.create({ message: userMessage('deploy to staging'), stream: true }, 'demo'),
      )
      const taskId = responseOfType(events, 'response.started')[0]!.data.taskId
      const callId = responseOfType(events, 'tool.review.requested')[0]!.data.toolCallId
      expect(responseOfType(events, 'tool.started')).toEqual([])
      const after = await collectResponse(
        await orq.agents.responses.create(
          { taskId, message: toolMessage(callId, { approved: true }), stream: true },
          'demo',
        ),
      )
      const types = after.map((e) => e.type)
      expect(responseOfType(after, 'tool.started').map((e) => e.data.toolCallId)).toEqual([callId])
      expect(types.indexOf('tool.started')).toBeLessThan(types.indexOf('tool.done'))
    })

    it('a failing run streams response.failed', async () => {
      const events = await collectResponse(
        await orq.agents.responses.create({ message: userMessage('please fail'), stream: true }, 'demo'),
      )
      const failed = responseOfType(events, 'response.failed')
      expect(failed.map((e) => e.data.error)).toEqual(['The demo agent failed on purpose.'])
      expect(events.at(-1)?.type).toBe('response.failed')
      const got = await orq.agents.responses.get({
        agentKey: 'demo',
        taskId: responseOfType(events, 'response.started')[0]!.data.taskId,
      })
      expect(got.status).toBe('failed')
    })

    it('get of an unknown task throws the typed 404', async () => {
      const error = await orq.agents.responses.get({ agentKey: 'demo', taskId: 'nope' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(HonoApiError)
      expect((error as OrqError).statusCode).toBe(404)
    })
  })

  // ---- round trips on one task ----

  describe('the client-tool round trip (agents.stream)', () => {
    it('pauses on get_weather, and the continuation answers with the tool result', async () => {
      const first = await stream({ message: userMessage('What is the weather in Paris?') })
      const { taskId } = expectTurnShape(first, 'inactive')
      const inactive = one(first, 'event.agents.inactive').data
      expect(inactive.finishReason).toBe('function_call')
      const call = inactive.pendingToolCalls?.[0]
      expect(call?.function.name).toBe('get_weather')
      expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'Paris' })

      const second = await stream({ taskId, message: toolMessage(call!.id, { temperature: 21, sky: 'sunny' }) })
      const { taskId: same, started } = expectTurnShape(second, 'inactive')
      expect(same).toBe(taskId)
      expect(started.isContinuation).toBe(true)
      expect(started.inputMessage).toMatchObject({
        role: 'tool',
        parts: [{ kind: 'tool_result', toolCallId: call!.id }],
      })
      expect(one(second, 'event.agents.inactive').data).toMatchObject({
        finishReason: 'stop',
        lastMessage: 'Weather in Paris: {"temperature":21,"sky":"sunny"}',
      })
      expect(one(second, 'event.agents.inactive').data.pendingToolCalls ?? []).toEqual([])
      // Conversation indexes: user 0, the call 1, the tool result 2, the answer 3.
      expect(Object.keys(ofType(first, 'event.agents.thought').at(-1)!.data.messageDifference)).toEqual(['1'])
      expect(Object.keys(ofType(second, 'event.agents.thought').at(-1)!.data.messageDifference)).toEqual(['3'])
    })
  })

  describe('the approval round trip (agents.stream)', () => {
    async function pausedDeploy() {
      const events = await stream({ message: userMessage('deploy to production') })
      const { taskId } = expectTurnShape(events, 'inactive')
      const types = events.map((e) => e.type)
      expect(types.indexOf('event.agents.action_review_requested')).toBeLessThan(types.indexOf('event.agents.inactive'))
      const review = one(events, 'event.agents.action_review_requested').data
      const inactive = one(events, 'event.agents.inactive').data
      expect(inactive.finishReason).toBe('function_call')
      expect(inactive.pendingToolCalls?.map((c) => c.id)).toEqual([review.agentToolCallId])
      return { taskId, callId: review.agentToolCallId, events }
    }

    it('approved: the deploy runs and the agent says so', async () => {
      const { taskId, callId } = await pausedDeploy()
      const events = await stream({ taskId, message: toolMessage(callId, { approved: true }) })
      expectTurnShape(events, 'inactive')
      const finished = one(events, 'event.workflow_events.tool_execution_finished').data
      expect(finished.result).toBe('Deployed to production.')
      expect(finished.toolExecutionContext.agentToolCallId).toBe(callId)
      expect(one(events, 'event.agents.inactive').data).toMatchObject({
        finishReason: 'stop',
        lastMessage: 'Deployment finished.',
      })
    })

    it('rejected: the deploy does not run', async () => {
      const { taskId, callId } = await pausedDeploy()
      const events = await stream({ taskId, message: toolMessage(callId, { approved: false }) })
      expectTurnShape(events, 'inactive')
      expect(ofType(events, 'event.workflow_events.tool_execution_finished')).toEqual([])
      expect(one(events, 'event.agents.inactive').data).toMatchObject({
        finishReason: 'stop',
        lastMessage: 'Deployment cancelled.',
      })
    })

    // A tool that needs approval is reviewed before it executes: `tool_execution_started` must not be reported while
    // the call waits for its review (a rejected call never executes), and a finished execution was started.
    it('a tool awaiting approval is not reported as executing', async () => {
      const { taskId, callId, events } = await pausedDeploy()
      expect(ofType(events, 'event.workflow_events.tool_execution_started')).toEqual([])
      const approved = await stream({ taskId, message: toolMessage(callId, { approved: true }) })
      const types = approved.map((e) => e.type)
      expect(types).toContain('event.workflow_events.tool_execution_started')
      expect(types.indexOf('event.workflow_events.tool_execution_started')).toBeLessThan(
        types.indexOf('event.workflow_events.tool_execution_finished'),
      )
    })
  })

  describe('thoughts', () => {
    // A thought is the model's choice: the one that ends the turn's last iteration says how it ended (`stop`), as the
    // thought before a pause says `tool_calls`.
    it('the last thought of a finished turn ends its iteration: choice.finishReason "stop"', async () => {
      const events = await stream({ message: userMessage('hello') })
      const last = ofType(events, 'event.agents.thought').at(-1)!
      expect(last.data.choice?.message.content).toBe(HELLO)
      expect(last.data.choice?.finishReason).toBe('stop')
    })

    it('the thought before a tool pause ends its iteration: choice.finishReason "tool_calls"', async () => {
      const events = await stream({ message: userMessage('What is the weather in Paris?') })
      const last = ofType(events, 'event.agents.thought').at(-1)!
      expect(last.data.choice?.finishReason).toBe('tool_calls')
      expect(last.data.choice?.message.toolCalls).toEqual([
        { id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ])
    })
  })

  describe('a conversation on one task', () => {
    it('remembers the name across turns', async () => {
      const first = await stream({ message: userMessage('my name is Ada') })
      const { taskId } = expectTurnShape(first, 'inactive')
      expect(one(first, 'event.agents.inactive').data.lastMessage).toBe('Nice to meet you, Ada.')
      // The answer is message 1 of the task's conversation (the user's message is 0).
      expect(Object.keys(ofType(first, 'event.agents.thought').at(-1)!.data.messageDifference)).toEqual(['1'])

      const second = await stream({ taskId, message: userMessage('what is my name?') })
      const { taskId: same, started } = expectTurnShape(second, 'inactive')
      expect(same).toBe(taskId)
      expect(started.isContinuation).toBe(true)
      expect(one(second, 'event.agents.inactive').data.lastMessage).toBe('Your name is Ada.')
      // ...and the second answer is message 3 (after the second user message, 2).
      expect(Object.keys(ofType(second, 'event.agents.thought').at(-1)!.data.messageDifference)).toEqual(['3'])
    })

    it('a new task does not know the name', async () => {
      await stream({ message: userMessage('my name is Ada') })
      const events = await stream({ message: userMessage('what is my name?') })
      expect(one(events, 'event.agents.inactive').data.lastMessage).toBe("I don't know your name yet.")
    })

    it('a failed task takes the next turn', async () => {
      const first = await stream({ message: userMessage('please fail') })
      const { taskId } = expectTurnShape(first, 'errored')
      const second = await stream({ taskId, message: userMessage('hello') })
      expect(one(second, 'event.agents.started').data.isContinuation).toBe(true)
      expect(one(second, 'event.agents.inactive').data).toMatchObject({ finishReason: 'stop', lastMessage: HELLO })
    })

    it('a question (plan a trip) is answered by the next user message', async () => {
      const first = await stream({ message: userMessage('plan a trip') })
      const { taskId } = expectTurnShape(first, 'inactive')
      expect(one(first, 'event.agents.inactive').data.lastMessage).toBe('Where would you like to go?')
      const second = await stream({ taskId, message: userMessage('Lisbon') })
      expect(one(second, 'event.agents.inactive').data).toMatchObject({
        finishReason: 'stop',
        lastMessage: 'Booking a trip to Lisbon.',
      })
    })
  })

  // ---- live: thoughts while the agent is still talking ----

  describe('live (a slow demo agent)', () => {
    let slow: RunningBridge
    let slowOrq: Orq
    beforeAll(async () => {
      slow = await startBridge({ agents: [demoAgent(20)] })
      slowOrq = client(slow.url)
    })
    afterAll(() => slow.close())

    it('a long answer arrives as growing thought snapshots, the first well before the end', async () => {
      const events: { event: Event; at: number }[] = []
      const capture = () => captured.at(-1)!
      const source = await slowOrq.agents.stream({ message: userMessage('count to 30') }, 'demo')
      const raw = capture()
      for await (const event of source) events.push({ event: event.data, at: Date.now() })
      await validateRaw(raw)

      const thoughts = events.filter((e) => e.event.type === 'event.agents.thought')
      expect(thoughts.length).toBeGreaterThan(1)
      const texts = thoughts.map((t) => thoughtText(t.event as EventOf<'event.agents.thought'>))
      for (let i = 1; i < texts.length; i++) {
        expect(texts[i]!.startsWith(texts[i - 1]!), `thought ${i} extends thought ${i - 1}`).toBe(true)
        expect(texts[i]!.length).toBeGreaterThanOrEqual(texts[i - 1]!.length)
      }
      expect(texts[0]!.length).toBeGreaterThan(0)
      expect(texts[0]!.length).toBeLessThan(countText(30).length)
      expect(texts.at(-1)).toBe(countText(30))
      const end = events.find((e) => e.event.type === 'event.agents.inactive')
      expect(end).toBeDefined()
      // 30 words at 20 ms each: the first thought comes long before the last word.
      expect(end!.at - thoughts[0]!.at).toBeGreaterThan(200)
      expect((end!.event as EventOf<'event.agents.inactive'>).data.lastMessage).toBe(countText(30))
    })

    it('a blocking invoke waits for the whole answer', async () => {
      const task = await slowOrq.agents.invoke('demo', {
        message: userMessage('count to 10'),
        configuration: { blocking: true },
      })
      expect(task.status.state).toBe('completed')
      expect(textOfParts(task.status.message?.parts ?? [])).toBe(countText(10))
    })

    it('responses.create (JSON, not background) waits for the whole answer', async () => {
      const response = (await slowOrq.agents.responses.create(
        { message: userMessage('count to 10') },
        'demo',
      )) as CreateAgentResponse
      expect(response.finishReason).toBe('stop')
      expect(textOfParts(response.output.flatMap((m) => m.parts))).toBe(countText(10))
    })

    it('responses.create with background: true returns at once; get follows the turn to its end', async () => {
      const response = (await slowOrq.agents.responses.create(
        { message: userMessage('count to 10'), background: true },
        'demo',
      )) as CreateAgentResponse
      expect(response.finishReason).toBeUndefined()
      let got = await slowOrq.agents.responses.get({ agentKey: 'demo', taskId: response.taskId })
      for (let i = 0; got.status === 'in_progress' && i < 200; i++) {
        await new Promise((r) => setTimeout(r, 10))
        got = await slowOrq.agents.responses.get({ agentKey: 'demo', taskId: response.taskId })
      }
      expect(got.status).toBe('completed')
      expect(got.id).toBe(response.id)
      expect(textOfParts(got.output.flatMap((m) => m.parts))).toBe(countText(10))
    })

    // The digest: `GET …/responses/{task_id}` "while running, output is empty".
    it('responses.get of a running turn: in_progress, with no output yet', async () => {
      const task = await slowOrq.agents.invoke('demo', { message: userMessage('count to 40') })
      await new Promise((r) => setTimeout(r, 150))
      const running = await slowOrq.agents.responses.get({ agentKey: 'demo', taskId: task.id })
      expect(running.status).toBe('in_progress')
      expect(running.finishReason).toBeUndefined()
      expect(running.output).toEqual([])
    })
  })

  describe('live, a thought per word (valuesIntervalMs: 0) and keep-alives', () => {
    let slow: RunningBridge
    beforeAll(async () => {
      slow = await startBridge({ agents: [demoAgent(15)], faces: { orq: { valuesIntervalMs: 0, keepAliveMs: 5 } } })
    })
    afterAll(() => slow.close())

    it('every word is a snapshot; the SDK skips the keep-alive comments', async () => {
      const source = await client(slow.url).agents.stream({ message: userMessage('count to 8') }, 'demo')
      const raw = captured.at(-1)!
      const events: Event[] = []
      for await (const event of source) events.push(event.data)
      await validateRaw(raw)
      expect(await raw.body).toMatch(/^: ?keep-alive/m)
      const texts = ofType(events, 'event.agents.thought').map(thoughtText)
      // One snapshot per word, each the text so far; any later thought (the completed message) repeats the whole.
      expect(texts.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => countText(i + 1)))
      for (const text of texts.slice(8)) expect(text).toBe(countText(8))
      expect(one(events, 'event.agents.inactive').data.lastMessage).toBe(countText(8))
    })
  })

  // ---- the raw capture ----

  it('every SSE body the SDK read went through the SDK schemas, frame by frame', () => {
    expect(captured.length).toBeGreaterThan(20)
    expect(validated.task).toBeGreaterThan(50)
    expect(validated.run).toBeGreaterThan(5)
    expect(validated.response).toBeGreaterThan(10)
  })
})
