import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import type { SdkAgent } from '../helpers/sdk-agent.js'
import { startSdkAgent } from '../helpers/sdk-agent.js'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()))
})
const keep = <T extends { close(): Promise<void> }>(x: T) => {
  open.push(x)
  return x
}
const sdk = (b: RunningBridge) => new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'x', maxRetries: 0 })

describe('the A2A client', () => {
  it('sends and polls an agent whose card says it cannot stream', async () => {
    const agent: SdkAgent = keep(await startSdkAgent(['JSONRPC'], { streaming: false }))
    const bridge = keep(await startBridge({ agents: [{ id: 'poll', dialect: 'a2a', url: agent.url }] }))
    const response = await sdk(bridge).responses.create({ model: 'poll', input: 'hello' })
    expect(response.status).toBe('completed')
    expect(response.output_text).toBe('Hi there')
  })

  it('re-subscribes when the upstream stream drops before the turn ends, losing and repeating nothing', async () => {
    const upstream = keep(await startBridge({ agents: [demoAgent(2)] }))
    let cut = 0
    // Cut the first SendStreamingMessage stream after a few events; the client must SubscribeToTask and go on.
    const flaky: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      const isStream = typeof init?.body === 'string' && init.body.includes('SendStreamingMessage')
      if (!isStream || !res.body || cut > 0) return res
      cut += 1
      const reader = res.body.getReader()
      let events = 0
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read()
          if (done) return controller.close()
          events += new TextDecoder().decode(value).split('\n\n').length - 1
          controller.enqueue(value)
          if (events >= 5) {
            await reader.cancel()
            controller.close()
          }
        },
      })
      return new Response(body, { status: res.status, headers: res.headers })
    }
    const bridge = keep(
      await startBridge({ agents: [{ id: 'demo', dialect: 'a2a', url: `${upstream.url}/a2a/demo` }], fetch: flaky }),
    )
    const stream = await sdk(bridge).responses.create({ model: 'demo', input: 'count to 40', stream: true })
    let text = ''
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta
    expect(cut).toBe(1)
    expect(text).toBe(Array.from({ length: 40 }, (_, i) => i + 1).join(' '))
  })

  // A refusal may come as the stream's first message rather than as the call's answer: still a refusal, the message
  // goes blocking. Once an event was read, the same error fails the run instead.
  for (const [where, eventsFirst] of [
    ['as the first message of the stream', 0],
    ['after an event of the stream', 1],
  ] as const) {
    it(`a streamed call refused with -32004 ${where}`, async () => {
      const upstream = keep(await startBridge({ agents: [demoAgent(2)] }))
      const methods: string[] = []
      const refusing: typeof fetch = async (input, init) => {
        const body = typeof init?.body === 'string' ? init.body : ''
        const method = /"method":"([^"]+)"/.exec(body)?.[1]
        if (method) methods.push(method)
        if (method !== 'SendStreamingMessage') return fetch(input, init)
        const id = JSON.parse(body).id
        const working = {
          jsonrpc: '2.0',
          id,
          result: { statusUpdate: { taskId: 't1', contextId: 'c1', status: { state: 'TASK_STATE_WORKING' } } },
        }
        const refusal = { jsonrpc: '2.0', id, error: { code: -32004, message: 'Streaming is not supported here' } }
        const sse = [...(eventsFirst ? [working] : []), refusal].map((m) => `data: ${JSON.stringify(m)}\n\n`).join('')
        return new Response(sse, { headers: { 'content-type': 'text/event-stream' } })
      }
      const bridge = keep(
        await startBridge({
          agents: [{ id: 'demo', dialect: 'a2a', url: `${upstream.url}/a2a/demo` }],
          fetch: refusing,
        }),
      )
      const response = await sdk(bridge).responses.create({ model: 'demo', input: 'count to 3' })
      if (eventsFirst) {
        expect(response.status).toBe('failed')
        expect(response.error?.message).toContain('-32004')
        expect(methods).not.toContain('SendMessage')
      } else {
        expect(response.status).toBe('completed')
        expect(response.output_text).toBe('1 2 3')
        expect(methods).toContain('SendMessage')
      }
    })
  }

  it('fails the run clearly when the upstream card cannot be read', async () => {
    const bridge = keep(
      await startBridge({ agents: [{ id: 'gone', dialect: 'a2a', url: 'http://127.0.0.1:9/a2a/x' }] }),
    )
    const response = await sdk(bridge).responses.create({ model: 'gone', input: 'hi' })
    expect(response.status).toBe('failed')
    expect(response.error?.message).toMatch(/Could not reach the upstream A2A agent/)
  })
})
