// The official `openai` SDK reads what an agent says whole (in its completed message only): a refusal next to text,
// and a tool the agent ran without saying whose it is. Its stream helper folds the events into the final Response,
// so the events must make sense to it, not only to the bridge.
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { scriptedAgent, startBridge } from '../helpers/bridge.js'

const wholeAgent = scriptedAgent('whole', async function* (): AsyncGenerator<AgentEvent> {
  yield { type: 'run.status', status: 'working' }
  // A tool the agent runs itself, its side left unsaid: it shows with its result.
  yield { type: 'tool.call.completed', callId: 'c1', name: 'lookup', arguments: '{"q":"policy"}' }
  yield { type: 'tool.result', callId: 'c1', output: 'policy 7 applies' }
  yield {
    type: 'message.completed',
    message: {
      id: 'm1',
      role: 'assistant',
      parts: [{ type: 'text', text: 'Policy 7 forbids it.' }],
      refusal: "I can't help with that.",
    },
  }
  yield { type: 'run.completed' }
})

describe('openai SDK: what an agent says whole', () => {
  let bridge: RunningBridge
  let client: OpenAI
  beforeAll(async () => {
    bridge = await startBridge({ agents: [wholeAgent] })
    client = new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'not-needed', maxRetries: 0 })
  })
  afterAll(() => bridge.close())

  it('responses.stream(...).finalResponse(): the tool with its output, then a refusal part and a text part', async () => {
    const runner = client.responses.stream({ model: 'whole', input: 'may I?' })
    const refusal: string[] = []
    runner.on('response.refusal.delta', (e) => refusal.push(e.delta))
    const final = await runner.finalResponse()
    expect(final.status).toBe('completed')
    expect(final.output).toEqual([
      expect.objectContaining({
        type: 'mcp_call',
        name: 'lookup',
        arguments: '{"q":"policy"}',
        output: 'policy 7 applies',
      }),
      expect.objectContaining({
        type: 'message',
        content: [
          expect.objectContaining({ type: 'refusal', refusal: "I can't help with that." }),
          expect.objectContaining({ type: 'output_text', text: 'Policy 7 forbids it.' }),
        ],
      }),
    ])
    expect(refusal.join('')).toBe("I can't help with that.")
    expect(final.output_text).toBe('Policy 7 forbids it.')
  })
})
