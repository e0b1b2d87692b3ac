import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import type { FakeAcp } from '../helpers/fake-acp.js'
import { startFakeAcp } from '../helpers/fake-acp.js'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()))
})
const keep = <T extends { close(): Promise<void> }>(x: T) => {
  open.push(x)
  return x
}

async function setup(acp: object, fake: FakeAcp): Promise<{ bridge: RunningBridge; client: OpenAI }> {
  const bridge = keep(await startBridge({ agents: [{ id: 'mail', dialect: 'acp', url: fake.url, acp }] }))
  return { bridge, client: new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x', maxRetries: 0 }) }
}

const MAIL = {
  agentName: 'org.example.mail',
  input: { text: '/message' },
  output: { text: '/message' },
  config: { style: 'formal' },
}

// An ACP agent that speaks only `values` snapshots, like the reference server, behind the bridge.
describe('the ACP client against a values-only upstream', () => {
  it('diffs snapshots into deltas, and starts a new message when a snapshot rewrites the text', async () => {
    const fake = keep(await startFakeAcp())
    const { client } = await setup(MAIL, fake)
    const stream = await client.responses.create({ model: 'mail', input: 'write to Bob', stream: true })
    const deltas: string[] = []
    let final: OpenAI.Responses.Response | undefined
    for await (const e of stream) {
      if (e.type === 'response.output_text.delta') deltas.push(e.delta)
      if (e.type === 'response.completed') final = e.response
    }
    expect(deltas).toEqual(['Dear', ' Bob', 'Hi Bob, see you.'])
    const texts = final?.output.map((item) =>
      item.type === 'message' ? item.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('') : '',
    )
    expect(texts).toEqual(['Dear Bob', 'Hi Bob, see you.'])
  })

  it('puts the text where the input template says, with the configured config', async () => {
    const fake = keep(await startFakeAcp())
    const { client } = await setup(MAIL, fake)
    await client.responses.create({ model: 'mail', input: 'write to Bob' })
    expect(fake.inputs[0]).toEqual({ message: 'write to Bob' })
    expect(fake.configs[0]).toEqual({ configurable: { style: 'formal' } })
  })

  it('learns an interrupt from /wait after the stream closes, and resumes it with the client answer', async () => {
    const fake = keep(await startFakeAcp())
    const { client } = await setup(MAIL, fake)
    const first = await client.responses.create({ model: 'mail', input: 'send it to Bob' })
    const call = first.output.find((item) => item.type === 'function_call')
    expect(call).toMatchObject({
      name: 'mail_send_approval',
      arguments: JSON.stringify({ subject: 'Hello', body: 'Dear Bob' }),
    })
    if (call?.type !== 'function_call') throw new Error('no call')
    const second = await client.responses.create({
      model: 'mail',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"approved":true}' }],
    })
    expect(fake.resumes).toEqual([{ approved: true }])
    expect(second.output_text).toBe('Sent.')
  })

  it('reads the run failure from /wait when the stream just closes', async () => {
    const fake = keep(await startFakeAcp())
    const { client } = await setup(MAIL, fake)
    const response = await client.responses.create({ model: 'mail', input: 'this will fail' })
    expect(response.status).toBe('failed')
    expect(response.error?.message).toBe('The mail server is down.')
  })

  it('re-sends the conversation in input when the agent keeps no threads', async () => {
    const fake = keep(await startFakeAcp({ textField: false }))
    const { client } = await setup({ agentName: 'org.example.mail' }, fake)
    const first = await client.responses.create({ model: 'mail', input: 'write to Bob' })
    await client.responses.create({ model: 'mail', input: 'and to Alice', previous_response_id: first.id })
    expect(fake.inputs[1]).toEqual({
      messages: [
        { role: 'user', content: 'write to Bob' },
        // The rewrite made two messages; both were shown, so both are the conversation.
        { role: 'assistant', content: 'Dear Bob' },
        { role: 'assistant', content: 'Hi Bob, see you.' },
        { role: 'user', content: 'and to Alice' },
      ],
    })
  })
})
