// The caller's signal and the answer deadline of an upstream call: the signal ends the call and the body read on after
// it, the deadline only the wait for the answer; a caller that polls with one long-lived signal leaves nothing on it.
import { getEventListeners } from 'node:events'
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BridgeError } from '../../src/core/index.js'
import { nodeFetch } from '../../src/node-fetch.js'
import { readSSE } from '../../src/stream/index.js'
import { createUpstream } from '../../src/upstream/index.js'
import { closeLoopback, listenLoopback } from '../helpers/upstreams.js'

let origin = ''
const server = createServer((req, res) => {
  req.resume()
  if (req.url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  if (req.url === '/refused') return void res.writeHead(404).end('{"error":"no such thing"}')
  if (req.url === '/silent') return // never answers
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  res.write('data: one\n\n') // then nothing more, until the client goes
})

beforeAll(async () => {
  origin = await listenLoopback(server)
})
afterAll(() => closeLoopback(server))

const upstream = (connectTimeoutMs = 5_000) =>
  createUpstream({ label: 'Responses server', url: origin, fetch: nodeFetch, retries: 0, connectTimeoutMs })

describe('an upstream call and its signals', () => {
  it('a caller polling with one signal leaves no listener on it per call, answered or refused', async () => {
    const polling = new AbortController()
    const client = upstream()
    for (let i = 0; i < 20; i++) {
      expect(await client.json(`${origin}/json`, { signal: polling.signal })).toEqual({ ok: true })
      await client.send(`${origin}/json`, { method: 'POST', body: '', signal: polling.signal })
      await expect(client.json(`${origin}/refused`, { signal: polling.signal })).rejects.toBeInstanceOf(BridgeError)
    }
    expect(getEventListeners(polling.signal, 'abort')).toHaveLength(0)
  })

  it("the caller's signal still ends a streamed answer read on after the call returned", async () => {
    const run = new AbortController()
    const res = await upstream().fetch(`${origin}/stream`, { signal: run.signal })
    const seen: string[] = []
    const reading = (async () => {
      for await (const e of readSSE(res)) seen.push(e.data)
    })()
    await new Promise((resolve) => setTimeout(resolve, 30))
    run.abort(new Error('the run was canceled'))
    await expect(reading).rejects.toThrow()
    expect(seen).toEqual(['one'])
  })

  it("the caller's signal aborts the wait for an answer; the deadline ends it as a timeout", async () => {
    const run = new AbortController()
    const waiting = upstream().fetch(`${origin}/silent`, { signal: run.signal })
    setTimeout(() => run.abort(new Error('gone')), 20)
    await expect(waiting).rejects.toThrow('gone')
    const late = await upstream(100)
      .fetch(`${origin}/silent`)
      .catch((e: BridgeError) => e)
    expect(late).toBeInstanceOf(BridgeError)
    expect((late as BridgeError).code).toBe('upstream_timeout')
  })

  it('sends the dialect, configured and call headers merged by name, a later one replacing an earlier', async () => {
    const sent: Record<string, string>[] = []
    const client = createUpstream({
      label: 'Responses server',
      url: origin,
      headers: { Authorization: 'Bearer configured' },
      protocolHeaders: { Accept: 'text/event-stream' },
      fetch: async (_url, init) => {
        // As sent: a plain record of lower-case names (no Headers on the way to normalise it).
        sent.push({ ...(init?.headers as Record<string, string>) })
        return new Response('{}')
      },
    })
    await client.json(`${origin}/x`, {
      headers: new Headers({ 'Content-Type': 'text/plain', accept: 'application/json' }),
    })
    await client.json(`${origin}/x`, { headers: [['X-Extra', ' 1\t']] })
    expect(sent).toEqual([
      { authorization: 'Bearer configured', accept: 'application/json', 'content-type': 'text/plain' },
      {
        authorization: 'Bearer configured',
        accept: 'text/event-stream',
        'content-type': 'application/json',
        'x-extra': '1',
      },
    ])
  })
})
