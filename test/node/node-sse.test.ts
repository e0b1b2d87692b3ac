// SSE answers written straight to Node's response (src/node-sse.ts): the same bytes and headers as the web stream
// gives, a slow client holding the source back, a client that leaves stopping it, keep-alives, and any body a
// middleware replaced going out the usual way.
import type { Server } from 'node:http'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { withNodeSSE } from '../../src/node-sse.js'
import type { SSEChunk, SSEPump } from '../../src/stream/index.js'
import { claimSSEPump, claimSSEResponsePump, sseResponse } from '../../src/stream/index.js'

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms))
let server: Server | undefined

afterEach(async () => {
  const s = server
  server = undefined
  if (!s) return
  s.closeAllConnections()
  await new Promise((resolve) => s.close(resolve))
})

/** An app on @hono/node-server, its fetch wrapped as the bridge's is. */
async function listen(app: Hono): Promise<string> {
  return new Promise((resolve) => {
    const s = serve({ fetch: withNodeSSE(app.fetch), port: 0, hostname: '127.0.0.1' }, () =>
      resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    )
    server = s as Server
  })
}

async function* messages(): AsyncGenerator<SSEChunk> {
  yield { event: 'first', data: '{"n":1}' }
  yield [
    { event: 'batch', data: 'a' },
    { id: '7', data: 'two\nlines' },
  ]
  yield []
  yield { data: 'héllo 🎉' }
}

describe('SSE written straight to Node', () => {
  it('sends the headers at once when the first event is slow to come, and with it when it is not', async () => {
    const app = new Hono()
    app.get('/slow', () =>
      sseResponse(
        async function* () {
          await tick(400)
          yield { data: 'late' }
        },
        { keepAliveMs: 0 },
      ),
    )
    app.get('/quick', () => sseResponse(messages, { keepAliveMs: 0 }))
    app.get('/empty', () => sseResponse(async function* () {}, { keepAliveMs: 0 }))
    const url = await listen(app)
    const started = performance.now()
    const slow = await fetch(`${url}/slow`)
    // The client knows the stream is open long before its first event.
    expect(performance.now() - started).toBeLessThan(300)
    expect(slow.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(await slow.text()).toBe('data: late\n\n')
    const quick = await fetch(`${url}/quick`)
    expect(quick.status).toBe(200)
    expect(await quick.text()).toMatch(/^event: first\ndata: \{"n":1\}\n\n/)
    // A stream that ends before any event still answers whole, and the server goes on serving.
    const empty = await fetch(`${url}/empty`)
    expect(empty.status).toBe(200)
    expect(await empty.text()).toBe('')
    expect((await fetch(`${url}/quick`)).status).toBe(200)
  })

  it('sends the same status, headers and bytes as the web stream', async () => {
    const app = new Hono()
    app.get('/sse', (c) => {
      c.header('x-extra', 'kept')
      return sseResponse(messages, { status: 201, headers: { 'x-from': 'face' }, keepAliveMs: 0 })
    })
    const url = await listen(app)
    const viaNode = await fetch(`${url}/sse`)
    const viaWeb = await app.fetch(new Request(`${url}/sse`))
    expect(viaNode.status).toBe(201)
    for (const name of ['content-type', 'cache-control', 'x-accel-buffering', 'x-from', 'x-extra'])
      expect(viaNode.headers.get(name), name).toBe(viaWeb.headers.get(name))
    const text = await viaNode.text()
    expect(text).toBe(await viaWeb.text())
    expect(text).toBe(
      'event: first\ndata: {"n":1}\n\nevent: batch\ndata: a\n\nid: 7\ndata: two\ndata: lines\n\ndata: héllo 🎉\n\n',
    )
  })

  it('does not run the source ahead of a client that stops reading, and stops it when the client leaves', async () => {
    let produced = 0
    let aborted = false
    let finished = false
    const app = new Hono()
    app.get('/flood', () =>
      sseResponse(
        async function* (signal) {
          signal.addEventListener('abort', () => {
            aborted = true
          })
          try {
            for (;;) {
              produced += 1
              yield { data: 'x'.repeat(64 * 1024) }
            }
          } finally {
            finished = true
          }
        },
        { keepAliveMs: 0 },
      ),
    )
    const url = new URL(`${await listen(app)}/flood`)
    const req = request(url)
    const paused = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      req.on('response', (res) => {
        res.pause()
        resolve(res)
      })
      req.end()
    })
    await tick(300)
    // 64 KiB a message: the socket buffers on both sides hold a few MiB at most, never the thousands of messages an
    // unheld source would have made by now.
    const held = produced
    expect(held).toBeLessThan(200)
    await tick(100)
    expect(produced).toBe(held)
    paused.destroy()
    req.destroy()
    for (let i = 0; i < 50 && !finished; i++) await tick(10)
    expect(aborted).toBe(true)
    expect(finished).toBe(true)
  })

  it('writes keep-alives while the source is silent, and the events after them', async () => {
    const app = new Hono()
    app.get('/quiet', () =>
      sseResponse(
        async function* () {
          yield { data: 'before' }
          await tick(120)
          yield { data: 'after' }
        },
        { keepAliveMs: 30 },
      ),
    )
    const text = await (await fetch(`${await listen(app)}/quiet`)).text()
    expect(text.startsWith('data: before\n\n: keep-alive\n\n')).toBe(true)
    expect(text.endsWith(': keep-alive\n\ndata: after\n\n')).toBe(true)
    expect(text.split(': keep-alive\n\n').length - 1).toBeGreaterThanOrEqual(2)
  })

  it('leaves a body a middleware replaced to the usual path (and it still streams)', async () => {
    const app = new Hono()
    app.use(async (c, next) => {
      await next()
      const upper = new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) =>
          controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())),
      })
      c.res = new Response(c.res.body?.pipeThrough(upper), c.res)
    })
    app.get('/wrapped', () => sseResponse(messages, { keepAliveMs: 0 }))
    const text = await (await fetch(`${await listen(app)}/wrapped`)).text()
    expect(text.startsWith('EVENT: FIRST\nDATA: {"N":1}\n\n')).toBe(true)
  })
})

/** Everything a claimed pump writes, run to its end into a sink that always wants more. */
async function drain(pump: SSEPump | undefined): Promise<string> {
  let written = ''
  const write = (text: string) => {
    written += text
    return true
  }
  await pump?.run({ write, desired: () => true, ready: async () => {}, end() {} })
  return written
}

describe('claimSSEPump', () => {
  it('gives the pump of an untouched SSE body once, and none once the body has been read or for another body', async () => {
    const res = sseResponse(messages, { keepAliveMs: 0 })
    expect(claimSSEPump(new Response('plain').body)).toBeUndefined()
    const read = sseResponse(messages, { keepAliveMs: 0 })
    await read.body?.getReader().read()
    expect(claimSSEPump(read.body)).toBeUndefined()
    const pump = claimSSEPump(res.body)
    expect(pump).toBeDefined()
    expect(await drain(pump)).toContain('data: héllo 🎉')
    expect(claimSSEPump(res.body)).toBeUndefined()
  })
})

describe('claimSSEResponsePump', () => {
  it('finds the pump of a Response sseResponse made without reading its body, and once it started, none', async () => {
    const res = sseResponse(messages, { keepAliveMs: 0 })
    // Reading `.body` is what it avoids (in Node it makes @hono/node-server build a full Response).
    Object.defineProperty(res, 'body', {
      get() {
        throw new Error('body read')
      },
    })
    const pump = claimSSEResponsePump(res)
    expect(pump).toBeDefined()
    expect(await drain(pump)).toContain('data: héllo 🎉')
    expect(claimSSEResponsePump(res)).toBeUndefined()
  })

  it('finds it through the body of a response rebuilt on the way, and none for another answer', () => {
    const rebuilt = new Response(sseResponse(messages, { keepAliveMs: 0 }).body, { headers: { 'x-extra': '1' } })
    expect(claimSSEResponsePump(rebuilt)).toBeDefined()
    expect(claimSSEResponsePump(new Response('plain'))).toBeUndefined()
  })
})
