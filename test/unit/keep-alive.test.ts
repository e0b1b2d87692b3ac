// Keep-alives: the form each face writes (a comment line on ACP, a comment block elsewhere), the interval each face
// is configured with (`faces.<face>.keepAliveMs`, 0 for none), and what the configuration refuses.
import { describe, expect, it } from 'vitest'
import { ConfigError, createBridge, parseConfig } from '../../src/bridge/index.js'
import { createDemoAgent } from '../../src/demo/index.js'
import { KEEP_ALIVE_COMMENT, KEEP_ALIVE_LINE, readSSE, sseStream } from '../../src/stream/index.js'

const decoder = new TextDecoder()
const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const count = (text: string, part: string) => text.split(part).length - 1

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = ''
  for await (const chunk of stream) out += decoder.decode(chunk, { stream: true })
  return out + decoder.decode()
}

/** Two events with a pause between them longer than several keep-alive intervals. */
const slowSource = (pauseMs: number) =>
  async function* () {
    yield { id: '1', event: 'agent_event', data: '{"n":1}' }
    await tick(pauseMs)
    yield { id: '2', event: 'agent_event', data: '{"n":2}' }
  }

describe('sseStream keep-alive forms', () => {
  it('writes the comment block by default', async () => {
    const text = await readText(sseStream(slowSource(200), { keepAliveMs: 30 }))
    expect(KEEP_ALIVE_COMMENT).toBe(': keep-alive\n\n')
    expect(count(text, KEEP_ALIVE_COMMENT)).toBeGreaterThanOrEqual(2)
  })

  it('writes a comment line when told to: no blank line after it, and the events around it read intact', async () => {
    const text = await readText(sseStream(slowSource(200), { keepAliveMs: 30, keepAlive: KEEP_ALIVE_LINE }))
    expect(KEEP_ALIVE_LINE).toBe(': keep-alive\n')
    expect(count(text, KEEP_ALIVE_LINE)).toBeGreaterThanOrEqual(2)
    expect(text).not.toContain(KEEP_ALIVE_COMMENT)
    // Every block a blank line ends holds an event: the keep-alive lines sit in the block of the next one.
    const blocks = text.split('\n\n').filter(Boolean)
    expect(blocks).toHaveLength(2)
    for (const block of blocks) expect(block).toMatch(/^data: /m)
    expect(blocks[1]).toMatch(/^(: keep-alive\n)+event: agent_event\nid: 2\ndata: \{"n":2\}$/)
    const events = []
    for await (const e of readSSE(new Response(text).body as ReadableStream<Uint8Array>)) events.push(e)
    expect(events).toEqual([
      { event: 'agent_event', id: '1', data: '{"n":1}' },
      { event: 'agent_event', id: '2', data: '{"n":2}' },
    ])
  })

  it('refuses a keep-alive that is not comment lines (it would reach clients as an event)', () => {
    const source = async function* () {}
    for (const bad of ['data: ping\n\n', 'keep-alive', ': ok\n\n\n', ':\r\n', ''])
      expect(() => sseStream(source, { keepAlive: bad }), JSON.stringify(bad)).toThrow(TypeError)
    for (const good of [':\n', ': a\n: b\n', ': a\n\n'])
      expect(() => sseStream(source, { keepAlive: good })).not.toThrow()
  })
})

describe('faces.<face>.keepAliveMs', () => {
  const agent = { id: 'demo', backend: createDemoAgent({ delayMs: 60 }) }
  const bridge = (faces: Record<string, { keepAliveMs?: number }>) => createBridge({ agents: [agent], faces })
  const post = (app: ReturnType<typeof bridge>, path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const acp = (app: ReturnType<typeof bridge>) =>
    post(app, '/acp/runs/stream', { agent_id: 'demo', input: { messages: [{ role: 'user', content: 'hello' }] } })
  const responses = (app: ReturnType<typeof bridge>) =>
    post(app, '/v1/responses', { model: 'demo', input: 'hello', stream: true })
  const a2a = (app: ReturnType<typeof bridge>) =>
    post(
      app,
      '/a2a/demo',
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'SendStreamingMessage',
        params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'hello' }] } },
      },
      { 'A2A-Version': '1.0' },
    )

  it('each face keeps its own interval and form: ACP lines, A2A blocks, Responses none (0)', async () => {
    const app = bridge({ acp: { keepAliveMs: 15 }, a2a: { keepAliveMs: 15 }, responses: { keepAliveMs: 0 } })
    const [acpText, a2aText, responsesText] = await Promise.all(
      [acp(app), a2a(app), responses(app)].map(async (res) => (await res).text()),
    )
    await app.close()
    expect(count(acpText ?? '', KEEP_ALIVE_LINE)).toBeGreaterThanOrEqual(2)
    expect(acpText).not.toContain(KEEP_ALIVE_COMMENT)
    expect(count(a2aText ?? '', KEEP_ALIVE_COMMENT)).toBeGreaterThanOrEqual(2)
    expect(responsesText).toContain('response.completed')
    expect(responsesText).not.toContain(': keep-alive')
  })

  it('a face left out keeps the default (15 s: nothing within a short stream)', async () => {
    const app = bridge({ acp: { keepAliveMs: 15 } })
    const text = await (await a2a(app)).text()
    await app.close()
    expect(text).toContain('TASK_STATE_COMPLETED')
    expect(text).not.toContain(': keep-alive')
  })

  it('is read from the configuration, and refused there with the bad field named', () => {
    const agents = [{ id: 'demo', dialect: 'demo' }]
    expect(
      parseConfig({ agents, faces: { acp: { keepAliveMs: 5000 }, a2a: {}, responses: { keepAliveMs: 0 } } }).faces,
    ).toEqual({ acp: { keepAliveMs: 5000 }, a2a: {}, responses: { keepAliveMs: 0 } })
    const refused = (faces: unknown) => {
      try {
        parseConfig({ agents, faces })
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError)
        return (e as Error).message
      }
      throw new Error(`accepted ${JSON.stringify(faces)}`)
    }
    expect(refused({ acp: { keepAliveMs: -1 } })).toMatch(/faces\.acp\.keepAliveMs: /)
    expect(refused({ acp: { keepAliveMs: 1.5 } })).toMatch(/faces\.acp\.keepAliveMs: /)
    expect(refused({ acp: { keepAliveMs: '5000' } })).toMatch(/faces\.acp\.keepAliveMs: /)
    expect(refused({ acp: { keepAlive: 5000 } })).toMatch(/faces\.acp\.keepAlive: unknown option/)
    // Only dialects with a face have face options: the demo dialect has none.
    expect(refused({ demo: { keepAliveMs: 10 } })).toMatch(/faces\.demo: unknown option/)
  })
})
