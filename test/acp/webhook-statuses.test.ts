// An ACP webhook gets the run at every status it went through, in order, even when the run went through several
// before the bridge read its log (a backend that answers at once): the statuses come from the run's events, not from
// the run as it stands when they are read.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AgentBackend, AgentEvent } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'

/** Answers every turn in one go: working, the whole answer, completed (one batch the bridge logs together). */
const atOnce: AgentBackend = {
  info: () => ({
    id: 'at-once',
    name: 'at-once',
    capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
  }),
  async *run() {
    const events: AgentEvent[] = [
      { type: 'run.status', status: 'working' },
      { type: 'message.started', messageId: 'm', role: 'assistant' },
      { type: 'message.delta', messageId: 'm', delta: 'done', channel: 'output' },
      { type: 'message.completed', message: { id: 'm', role: 'assistant', parts: [{ type: 'text', text: 'done' }] } },
      { type: 'run.completed' },
    ]
    yield events
  },
}

let bridge: RunningBridge
const posts: { status: string; run_id: string }[] = []
let receiver: ReturnType<typeof createServer>
let hook = ''

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text += chunk))
    req.on('end', () => {
      posts.push(JSON.parse(text) as { status: string; run_id: string })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  bridge = await startBridge({ agents: [{ id: 'at-once', backend: atOnce }], webhooks: { allowInsecure: true } })
})

afterAll(async () => {
  await bridge.close()
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
})

it('a run that went from pending to success in one batch posts pending, then success', async () => {
  const res = await fetch(`${bridge.url}/acp/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input: [{ role: 'user', parts: [{ content_type: 'text/plain', content: 'go' }] }],
      webhook: hook,
    }),
  })
  expect(res.status).toBe(200)
  const run = (await res.json()) as { run_id: string }
  for (let i = 0; i < 100 && posts.length < 2; i++) await new Promise((r) => setTimeout(r, 20))
  await new Promise((r) => setTimeout(r, 100))
  expect(posts.map((p) => p.status)).toEqual(['pending', 'success'])
  expect(posts.every((p) => p.run_id === run.run_id)).toBe(true)
})
