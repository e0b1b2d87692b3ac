// Where the bridge POSTs for a client (ACP webhooks, A2A push): checked by address, not by spelling. Each literal
// form of a local address is refused when the client gives it; a name is resolved and refused before any
// connection when it leads to a local address; a redirect is not followed; a target that keeps failing is given up.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { WebhookPolicy } from '../../src/bridge/webhooks.js'
import {
  checkTarget,
  checkWebhookUrl,
  isPublicAddress,
  NotificationTarget,
  postNotification,
} from '../../src/bridge/webhooks.js'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'

/**
 * Loopback servers that count what reaches them: requests, and TCP connections (an https delivery to this plain
 * http server would connect and fail its handshake without ever making a request). The canary must see neither.
 */
function server(answer: (path: string) => { status: number; headers?: Record<string, string> }) {
  const hits: string[] = []
  const s = createServer((req, res) => {
    hits.push(req.url ?? '')
    req.resume()
    const { status, headers } = answer(req.url ?? '')
    res.writeHead(status, headers).end()
  })
  const connections = { count: 0 }
  s.on('connection', () => connections.count++)
  return {
    hits,
    connections,
    listen: () =>
      new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`127.0.0.1:${(s.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((r) => s.close(() => r())),
  }
}

const canary = server(() => ({ status: 200 }))
let canaryHost: string
beforeAll(async () => {
  canaryHost = await canary.listen()
})
afterAll(() => canary.close())

const LOCAL_FORMS = [
  'https://127.0.0.1/',
  'https://[::1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:7f00:1]/',
  'https://[0:0:0:0:0:ffff:127.0.0.1]/',
  'https://[::ffff:a9fe:a9fe]/latest/meta-data/',
  'https://169.254.169.254/latest/meta-data/',
  'https://[::]/',
  'https://0.0.0.0/',
  'https://100.100.100.200/',
  'https://10.0.0.1/',
  'https://172.16.0.1/',
  'https://192.168.1.1/',
  'https://[fc00::1]/',
  'https://[fe80::1]/',
  'https://[64:ff9b::7f00:1]/',
  'https://2130706433/',
  'https://0x7f.0.0.1/',
  'https://[::127.0.0.1]/',
  'https://[::a9fe:a9fe]/latest/meta-data/',
  'https://localhost/',
  'https://localhost./',
  'https://hooks.localhost../',
  'https://127.0.0.1./',
]

describe('webhook and push URLs, checked by address', () => {
  it.each(LOCAL_FORMS)('%s is refused when a client gives it', (url) => {
    expect(() => checkWebhookUrl(url, {})).toThrow(/local or private address/)
  })

  it('public addresses and names pass; http, credentials and other schemes do not', () => {
    expect(checkWebhookUrl('https://8.8.8.8/hook', {}).host).toBe('8.8.8.8')
    expect(checkWebhookUrl('https://[2606:4700::1111]/hook', {}).hostname).toBe('[2606:4700::1111]')
    expect(checkWebhookUrl('https://hooks.example.com/x', {}).hostname).toBe('hooks.example.com')
    expect(() => checkWebhookUrl('http://hooks.example.com/x', {})).toThrow(/https/)
    expect(() => checkWebhookUrl('https://user:pw@hooks.example.com/x', {})).toThrow(/credentials/)
    expect(() => checkWebhookUrl('ftp://hooks.example.com/x', {})).toThrow(/http/)
  })

  it('isPublicAddress reads the address, whatever its spelling', () => {
    expect(['8.8.8.8', '2606:4700::1111', '[2606:4700::1111]'].map(isPublicAddress)).toEqual([true, true, true])
    const local = ['127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::', '100.100.100.200', 'fe80::1', 'not-an-ip']
    expect(local.map(isPublicAddress)).toEqual(local.map(() => false))
  })

  it('a name that resolves to a local address is refused before any connection', async () => {
    const policy: WebhookPolicy = {
      resolve: async (host) => (host === 'evil.example' ? ['93.184.216.34', '127.0.0.1'] : ['93.184.216.34']),
    }
    expect(await checkTarget('https://evil.example/hook', policy)).toMatch(/resolves to 127\.0\.0\.1/)
    expect(await checkTarget('https://good.example/hook', policy)).toBeUndefined()
    let connections = 0
    const spy: typeof fetch = async () => {
      connections++
      return new Response(null, { status: 200 })
    }
    const lines: string[] = []
    const ok = await postNotification('https://evil.example/hook', '{}', {
      policy,
      fetch: spy,
      log: (l) => lines.push(l),
    })
    expect(ok).toBe(false)
    expect(connections).toBe(0)
    expect(lines.join('\n')).toMatch(/not delivered: evil\.example resolves to 127\.0\.0\.1/)
  })

  it('a redirect from an allowed host to a refused one is not followed', async () => {
    const redirector = server(() => ({ status: 307, headers: { location: `http://${canaryHost}/stolen` } }))
    const host = await redirector.listen()
    try {
      const lines: string[] = []
      const ok = await postNotification(`http://${host}/hook`, '{}', {
        policy: { allowHosts: [host] },
        log: (l) => lines.push(l),
      })
      expect(ok).toBe(false)
      expect(redirector.hits).toEqual(['/hook'])
      expect(canary.connections.count).toBe(0)
      expect(lines.join('\n')).toMatch(/307, a redirect, which is not followed/)
    } finally {
      await redirector.close()
    }
  })

  it('a target that keeps failing gets a bounded number of connections', async () => {
    const failing = server(() => ({ status: 500 }))
    const host = await failing.listen()
    try {
      const target = new NotificationTarget(`http://${host}/hook`, { policy: { allowHosts: [host] } })
      for (let event = 0; event < 10; event++) await target.post('{}')
      // The first delivery is tried 3 times, the next two once each; then the target is given up.
      expect(failing.hits.length).toBe(5)
      expect(target.givenUp).toBe(true)
    } finally {
      await failing.close()
    }
  }, 10_000)
})

describe('through the faces: a webhook to a name that resolves to loopback never reaches it', () => {
  let bridge: RunningBridge
  const lines: string[] = []
  beforeAll(async () => {
    bridge = await startBridge({
      agents: [demoAgent(0)],
      resolveHost: async () => ['127.0.0.1'],
      log: (line) => lines.push(line),
    })
  })
  afterAll(() => bridge.close())

  it('an ACP run with such a webhook runs, and the webhook is refused at delivery', async () => {
    const webhook = `https://canary.example:${canaryHost.split(':')[1]}/hook`
    const res = await fetch(`${bridge.url}/acp/runs/wait`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: 'demo', input: { messages: [{ role: 'user', content: 'hello' }] }, webhook }),
    })
    expect(res.status).toBe(200)
    await vi.waitFor(() =>
      expect(lines.join('\n')).toMatch(
        /webhook https:\/\/canary\.example:\d+\/hook not delivered: canary\.example resolves to 127\.0\.0\.1/,
      ),
    )
    expect(canary.connections.count).toBe(0)
  })

  it('an A2A push config with a literal local address is refused with InvalidParams', async () => {
    const send = await fetch(`${bridge.url}/a2a/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'SendMessage',
        params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'hello' }] } },
      }),
    })
    const taskId = ((await send.json()) as { result: { task: { id: string } } }).result.task.id
    for (const url of ['https://[::ffff:127.0.0.1]/', 'https://[::ffff:a9fe:a9fe]/', 'https://100.100.100.200/']) {
      const res = await fetch(`${bridge.url}/a2a/demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 2,
          method: 'CreateTaskPushNotificationConfig',
          params: { taskId, url },
        }),
      })
      const body = (await res.json()) as { error?: { code: number; message: string } }
      expect(body.error?.code, url).toBe(-32602)
      expect(body.error?.message).toMatch(/local or private address/)
    }
    expect(canary.connections.count).toBe(0)
  })
})
