// Orq's successor API (`/v3/router/responses`) is Responses-shaped and names an agent `model: "agent/<key>"`: the
// Responses face takes that spelling, so an Orq client switches to the bridge by base URL alone.
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'

describe('Responses face: model "agent/<key>"', () => {
  let bridge: RunningBridge
  let client: OpenAI
  beforeAll(async () => {
    bridge = await startBridge()
    client = new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'unused' })
  })
  afterAll(() => bridge.close())

  it('reaches the agent, streamed and not, and echoes the model as sent', async () => {
    const response = await client.responses.create({ model: 'agent/demo', input: 'hello' })
    expect(response.output_text).toBe('Hello! I am the demo agent.')
    expect(response.model).toBe('agent/demo')
    let text = ''
    for await (const event of await client.responses.create({ model: 'agent/demo', input: 'hello', stream: true })) {
      if (event.type === 'response.output_text.delta') text += event.delta
    }
    expect(text).toBe('Hello! I am the demo agent.')
  })

  it('continues the conversation with previous_response_id', async () => {
    const first = await client.responses.create({ model: 'agent/demo', input: 'my name is Ada' })
    const second = await client.responses.create({
      model: 'agent/demo',
      input: 'what is my name?',
      previous_response_id: first.id,
    })
    expect(second.output_text).toBe('Your name is Ada.')
  })

  it('an agent that does not exist is still model_not_found', async () => {
    await expect(client.responses.create({ model: 'agent/nobody', input: 'hello' })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    })
  })
})
