import { ClientFactory, ClientFactoryOptions } from '@a2a-js/sdk/client'
import { Role } from '@a2a-js/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { fixtures, play } from '../helpers/golden.js'

// A bridge whose agent is an upstream ACP server (another bridge's ACP face): in custom stream mode every canonical
// event crosses, so the Responses transcripts are the demo's own, and the other faces work through it.
describe('chain: the ACP client in front of the ACP face', () => {
  let upstream: RunningBridge
  let bridge: RunningBridge
  beforeAll(async () => {
    upstream = await startBridge()
    bridge = await startBridge({ agents: [{ id: 'demo', dialect: 'acp', url: `${upstream.url}/acp` }] })
  })
  afterAll(async () => {
    await bridge.close()
    await upstream.close()
  })

  it.each(fixtures)('%s: the same Responses transcript as the demo directly', async (_name, fixture) => {
    const transcripts = await play(bridge.url, fixture)
    transcripts.forEach((got, i) => expect(got).toEqual(fixture.turns[i]?.stream))
  })

  it('the openai SDK answers an approval interrupt from the ACP upstream', async () => {
    const client = new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x', maxRetries: 0 })
    const first = await client.responses.create({ model: 'demo', input: 'deploy to staging' })
    const request = first.output.find((item) => item.type === 'mcp_approval_request')
    if (request?.type !== 'mcp_approval_request') throw new Error('no approval request')
    const second = await client.responses.create({
      model: 'demo',
      previous_response_id: first.id,
      input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
    })
    expect(second.output_text).toBe('Deployment finished.')
    const upstreamRuns = await upstream.bridge.runtime.store.listRuns({})
    expect(upstreamRuns.some((r) => r.state.status === 'completed')).toBe(true)
  })

  it('a cancel reaches the upstream ACP run', async () => {
    const slowUpstream = await startBridge({
      agents: [{ id: 'demo', backend: (await import('../../src/demo/index.js')).createDemoAgent({ delayMs: 5 }) }],
    })
    const slow = await startBridge({ agents: [{ id: 'demo', dialect: 'acp', url: `${slowUpstream.url}/acp` }] })
    try {
      const client = new OpenAI({ baseURL: `${slow.url}/v1`, apiKey: 'x', maxRetries: 0 })
      const created = await client.responses.create({ model: 'demo', input: 'count to 400', background: true })
      for (let i = 0; i < 100 && (await client.responses.retrieve(created.id)).output_text.length < 5; i++)
        await new Promise((r) => setTimeout(r, 20))
      expect((await client.responses.cancel(created.id)).status).toBe('cancelled')
      let status = ''
      for (let i = 0; i < 100 && status !== 'canceled'; i++) {
        status = (await slowUpstream.bridge.runtime.store.listRuns({}))[0]?.state.status ?? ''
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(status).toBe('canceled')
    } finally {
      await slow.close()
      await slowUpstream.close()
    }
  })

  it('an @a2a-js/sdk client answers the approval through the A2A face, upstream over ACP', async () => {
    const factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: ['JSONRPC'] }),
    )
    const client = await factory.createFromUrl(`${bridge.url}/a2a/demo/`)
    const part = (value: string) => ({
      content: { $case: 'text' as const, value },
      filename: '',
      mediaType: '',
      metadata: undefined,
    })
    const message = (text: string, taskId = '', contextId = '') => ({
      messageId: crypto.randomUUID(),
      contextId,
      taskId,
      role: Role.ROLE_USER,
      parts: [part(text)],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    })
    const first = await client.sendMessage({
      tenant: '',
      message: message('deploy to production'),
      configuration: undefined,
      metadata: undefined,
    })
    if (!('status' in first)) throw new Error('expected a task')
    expect(first.status?.state).toBe(6) // TASK_STATE_INPUT_REQUIRED
    const second = await client.sendMessage({
      tenant: '',
      message: message('yes', first.id, first.contextId),
      configuration: undefined,
      metadata: undefined,
    })
    if (!('status' in second)) throw new Error('expected a task')
    const text = (second.artifacts ?? [])
      .flatMap((a) => a.parts)
      .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
      .join('')
    expect(text).toBe('Deployment finished.')
  })
})
