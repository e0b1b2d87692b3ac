import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import type { SdkAgent } from '../helpers/sdk-agent.js'
import { startSdkAgent } from '../helpers/sdk-agent.js'

const countText = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1} `).join('')

// A real A2A server (the SDK's own request handler) behind the bridge, talked to with the openai SDK.
describe.each([
  ['JSON-RPC 1.0', ['JSONRPC', 'HTTP+JSON'] as const],
  ['HTTP+JSON 1.0', ['HTTP+JSON'] as const],
  ['JSON-RPC 0.3', ['JSONRPC-0.3'] as const],
])('an @a2a-js/sdk agent behind the bridge (%s)', (_label, interfaces) => {
  let agent: SdkAgent
  let bridge: RunningBridge
  let client: OpenAI
  beforeAll(async () => {
    agent = await startSdkAgent([...interfaces])
    bridge = await startBridge({ agents: [{ id: 'sdk', dialect: 'a2a', url: agent.url }] })
    client = new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x', maxRetries: 0 })
  })
  afterAll(async () => {
    await bridge.close()
    await agent.close()
  })

  it('streams the upstream artifact chunks as Responses text deltas', async () => {
    const stream = await client.responses.create({ model: 'sdk', input: 'hello', stream: true })
    const deltas: string[] = []
    let completed = false
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas.push(event.delta)
      if (event.type === 'response.completed') completed = true
    }
    expect(deltas).toEqual(['Hi', ' there'])
    expect(completed).toBe(true)
  })

  it('keeps a multi-turn conversation on one upstream context', async () => {
    const first = await client.responses.create({ model: 'sdk', input: 'my name is Ada' })
    const second = await client.responses.create({
      model: 'sdk',
      input: 'what is my name?',
      previous_response_id: first.id,
    })
    expect(second.output_text).toBe('Your name is Ada.')
    const [a, b] = agent.executor.turns.slice(-2)
    expect(b?.contextId).toBe(a?.contextId)
    expect(b?.taskId).not.toBe(a?.taskId)
  })

  it('answers an upstream INPUT_REQUIRED with the next message, on the same upstream task', async () => {
    const first = await client.responses.create({ model: 'sdk', input: 'ask' })
    expect(first.output_text).toBe('Which color?')
    const second = await client.responses.create({ model: 'sdk', input: 'blue', previous_response_id: first.id })
    expect(second.output_text).toBe('You said: blue')
    const [asked, answered] = agent.executor.turns.slice(-2)
    expect(answered?.taskId).toBe(asked?.taskId)
    expect(answered?.resumed).toBe(true)
  })

  it('a cancel reaches the upstream executor', async () => {
    const created = await client.responses.create({ model: 'sdk', input: 'slow', background: true })
    for (let i = 0; i < 100; i++) {
      const r = await client.responses.retrieve(created.id)
      if (r.output_text.length > 4) break
      await new Promise((res) => setTimeout(res, 20))
    }
    const cancelled = await client.responses.cancel(created.id)
    expect(cancelled.status).toBe('cancelled')
    const upstreamTask = agent.executor.turns.at(-1)?.taskId ?? ''
    expect(agent.executor.canceled.has(upstreamTask)).toBe(true)
    const after = await client.responses.retrieve(created.id)
    expect(after.status).toBe('cancelled')
    expect(after.output_text.length).toBeLessThan(countText(500).length)
  })
})
