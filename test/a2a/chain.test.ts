import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { fixtures, play } from '../helpers/golden.js'
import { createTckAgent } from '../tck/agent.js'

// demo → A2A face → A2A client → Responses face: what A2A carries exactly comes out as if the demo were local.
describe('chain: the A2A client in front of the A2A face', () => {
  let upstream: RunningBridge
  let bridge: RunningBridge
  beforeAll(async () => {
    upstream = await startBridge()
    bridge = await startBridge({ agents: [{ id: 'demo', dialect: 'a2a', url: `${upstream.url}/a2a/demo` }] })
  })
  afterAll(async () => {
    await bridge.close()
    await upstream.close()
  })

  const exact = fixtures.filter(([name]) => ['plain-text', 'approval', 'artifact', 'failure'].includes(name))
  it.each(exact)('%s: the same Responses transcript as the demo directly', async (_name, fixture) => {
    const transcripts = await play(bridge.url, fixture)
    transcripts.forEach((got, i) => expect(got).toEqual(fixture.turns[i]?.stream))
  })

  it('tool-call: the function call arrives whole (A2A has no argument deltas), and the round trip completes', async () => {
    const [, fixture] = fixtures.find(([name]) => name === 'tool-call') ?? []
    if (!fixture) throw new Error('fixture missing')
    const [first, second] = await play(bridge.url, fixture)
    const deltas = (events: unknown[] | undefined) =>
      (events ?? []).filter((e) => (e as { type?: string }).type === 'response.function_call_arguments.delta')
    expect(deltas(first)).toEqual([])
    const without = (events: unknown[] | undefined) =>
      (events ?? [])
        .filter((e) => (e as { type?: string }).type !== 'response.function_call_arguments.delta')
        .map((e) => ({ ...(e as object), sequence_number: 0 }))
    expect(without(first)).toEqual(without(fixture.turns[0]?.stream))
    expect(second).toEqual(fixture.turns[1]?.stream)
  })

  // A2A sends reasoning and sub-agent commentary as whole status messages, not word by word (see the loss table).
  it.each([
    ['think about it', ['reasoning', 'message'], 'The answer is 42.'],
    [
      'research cats',
      ['mcp_call', 'message', 'message'],
      'Found 3 facts about cats.The researcher found 3 facts about cats.',
    ],
  ])('%s: the same items and text, delivered whole', async (input, types, text) => {
    const client = new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x', maxRetries: 0 })
    const response = await client.responses.create({ model: 'demo', input })
    expect(response.output.map((item) => item.type)).toEqual(types)
    expect(response.output_text).toBe(text)
  })
})

// An agent that answers with a Message, two bridges away: the inner bridge's stream has sent a task already, and
// says `direct` when it completes, so the outer bridge answers its blocking client with a Message too (DM-MSG-001).
describe('chain: a direct Message answer through a bridge in front of a bridge', () => {
  let inner: RunningBridge
  let outer: RunningBridge
  beforeAll(async () => {
    inner = await startBridge({ agents: [{ id: 'tck', backend: createTckAgent({ id: 'tck' }) }] })
    outer = await startBridge({ agents: [{ id: 'tck', dialect: 'a2a', url: `${inner.url}/a2a/tck` }] })
  })
  afterAll(async () => {
    await outer.close()
    await inner.close()
  })

  const send = async (url: string, messageId: string) => {
    const res = await fetch(`${url}/a2a/tck/message:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({ message: { messageId, role: 'ROLE_USER', parts: [{ text: 'hi' }] } }),
    })
    return (await res.json()) as { message?: { parts: { text?: string }[] }; task?: { status: { state: string } } }
  }

  it('SendMessage through both bridges answers with the Message', async () => {
    const answer = await send(outer.url, 'tck-message-response-1')
    expect(answer.task).toBeUndefined()
    expect(answer.message?.parts).toEqual([{ text: 'Direct message response' }])
  })

  it('an answer in a task stays a task', async () => {
    const answer = await send(outer.url, 'tck-complete-task-1')
    expect(answer.message).toBeUndefined()
    expect(answer.task?.status.state).toBe('TASK_STATE_COMPLETED')
  })
})
