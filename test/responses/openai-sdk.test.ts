import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
}

// The official `openai` SDK, pointed at the bridge, is the client here: what it accepts is what users get.
describe('openai SDK against the Responses face (demo agent)', () => {
  let bridge: RunningBridge
  let client: OpenAI
  beforeAll(async () => {
    bridge = await startBridge({ agents: [demoAgent(0), demoAgent(5, 'slow')] })
    client = new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'not-needed', maxRetries: 0 })
  })
  afterAll(() => bridge.close())

  it('responses.create({stream: true}) iterates every event, deltas in order', async () => {
    const stream = await client.responses.create({ model: 'demo', input: 'hello', stream: true })
    const types: string[] = []
    let text = ''
    let seq = -1
    for await (const event of stream) {
      types.push(event.type)
      expect(event.sequence_number).toBe(seq + 1)
      seq = event.sequence_number
      if (event.type === 'response.output_text.delta') text += event.delta
    }
    expect(text).toBe('Hello! I am the demo agent.')
    expect(types[0]).toBe('response.created')
    expect(types.at(-1)).toBe('response.completed')
    expect(types.filter((t) => t === 'response.output_text.delta')).toHaveLength(6)
  })

  it('responses.stream(...) resolves finalResponse() with the text', async () => {
    const runner = client.responses.stream({ model: 'demo', input: 'hello' })
    const deltas: string[] = []
    runner.on('response.output_text.delta', (e) => deltas.push(e.delta))
    const final = await runner.finalResponse()
    expect(final.status).toBe('completed')
    expect(final.output_text).toBe('Hello! I am the demo agent.')
    expect(deltas.join('')).toBe(final.output_text)
  })

  it('non-streaming create returns a completed Response', async () => {
    const response = await client.responses.create({ model: 'demo', input: 'my name is Ada' })
    expect(response.status).toBe('completed')
    expect(response.output_text).toBe('Nice to meet you, Ada.')
    expect(response.usage?.output_tokens).toBe(5)
  })

  it('the weather tool round trip via previous_response_id + function_call_output completes', async () => {
    const first = await client.responses.create({
      model: 'demo',
      input: 'What is the weather in Lisbon?',
      tools: [weatherTool],
    })
    expect(first.status).toBe('completed')
    const call = first.output.find((item) => item.type === 'function_call')
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Lisbon"}' })
    if (call?.type !== 'function_call') throw new Error('no function call')

    const second = await client.responses.create({
      model: 'demo',
      previous_response_id: first.id,
      tools: [weatherTool],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'rainy, 14°C' }],
    })
    expect(second.id).not.toBe(first.id)
    expect(second.previous_response_id).toBe(first.id)
    expect(second.output_text).toBe('Weather in Lisbon: rainy, 14°C')
  })

  it('the weather round trip also works streamed, with the arguments streamed as deltas', async () => {
    const stream = client.responses.stream({ model: 'demo', input: 'weather in Oslo', tools: [weatherTool] })
    const argDeltas: string[] = []
    stream.on('response.function_call_arguments.delta', (e) => argDeltas.push(e.delta))
    const first = await stream.finalResponse()
    expect(argDeltas.join('')).toBe('{"city":"Oslo"}')
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error('no function call')
    const second = await client.responses
      .stream({
        model: 'demo',
        previous_response_id: first.id,
        tools: [weatherTool],
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'cold' }],
      })
      .finalResponse()
    expect(second.output_text).toBe('Weather in Oslo: cold')
  })

  it('an approval is answered with mcp_approval_response', async () => {
    const first = await client.responses.create({ model: 'demo', input: 'deploy to staging' })
    const request = first.output.find((item) => item.type === 'mcp_approval_request')
    expect(request).toMatchObject({ name: 'deploy', server_label: 'demo', arguments: '{"environment":"staging"}' })
    if (request?.type !== 'mcp_approval_request') throw new Error('no approval request')
    const second = await client.responses.create({
      model: 'demo',
      previous_response_id: first.id,
      input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: false, reason: 'not today' }],
    })
    expect(second.output_text).toBe('Deployment cancelled.')
    expect(second.output.some((item) => item.type === 'mcp_call')).toBe(false)
  })

  it('responses.retrieve returns the stored response', async () => {
    const created = await client.responses.create({ model: 'demo', input: 'write a report' })
    const retrieved = await client.responses.retrieve(created.id)
    expect(retrieved).toEqual(created)
    expect(retrieved.output_text).toBe('Here is your report.# Report\nAll systems nominal.\n')
  })

  it('the conversation is remembered along previous_response_id', async () => {
    const first = await client.responses.create({ model: 'demo', input: 'my name is Grace' })
    const second = await client.responses.create({
      model: 'demo',
      input: 'what is my name?',
      previous_response_id: first.id,
    })
    expect(second.output_text).toBe('Your name is Grace.')
    const fresh = await client.responses.create({ model: 'demo', input: 'what is my name?' })
    expect(fresh.output_text).toBe("I don't know your name yet.")
  })

  it('a stream resumed with starting_after replays the rest, nothing lost or duplicated', async () => {
    const full: { seq: number; type: string }[] = []
    const stream = await client.responses.create({
      model: 'slow',
      input: 'count to 30',
      stream: true,
      background: true,
    })
    let id = ''
    for await (const event of stream) {
      full.push({ seq: event.sequence_number, type: event.type })
      if (event.type === 'response.created') id = event.response.id
      if (full.length === 10) break // the client drops the connection
    }
    const resumed = await client.responses.retrieve(id, { stream: true, starting_after: 9 })
    let text = ''
    for await (const event of resumed) {
      full.push({ seq: event.sequence_number, type: event.type })
      if (event.type === 'response.output_text.done') text = event.text
    }
    expect(full.map((e) => e.seq)).toEqual(full.map((_, i) => i))
    expect(full.at(-1)?.type).toBe('response.completed')
    expect(text).toBe(Array.from({ length: 30 }, (_, i) => i + 1).join(' '))
  })

  it('a background response can be cancelled, and retrieve reports it cancelled', async () => {
    const created = await client.responses.create({ model: 'slow', input: 'count to 500', background: true })
    expect(created.status).toBe('queued')
    const cancelled = await client.responses.cancel(created.id)
    expect(cancelled.status).toBe('cancelled')
    expect((await client.responses.retrieve(created.id)).status).toBe('cancelled')
  })

  it('models.list lists the configured agents', async () => {
    const ids: string[] = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids).toEqual(['demo', 'slow'])
  })

  it('errors surface as the SDK error classes', async () => {
    await expect(client.responses.create({ model: 'nope', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    await expect(client.responses.retrieve('resp_missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    await expect(client.responses.create({ model: 'demo', input: 42 as unknown as string })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    )
  })
})
