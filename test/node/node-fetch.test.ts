// The Node server's upstream fetch (src/node-fetch.ts), on node:http: what the upstream clients rely on must come out
// as the global fetch gives it (status, headers, body, redirects left alone, failures and aborts), and a streamed body
// read by the SSE reader takes the socket's own text without losing a character split across two packets.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeFetch } from '../../src/node-fetch.js'
import { readSSE, readSSEBatches } from '../../src/stream/index.js'
import { createUpstream } from '../../src/upstream/http.js'
import { closeLoopback, listenLoopback } from '../helpers/upstreams.js'

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void
const routes = new Map<string, Handler>()
let origin = ''
const server = createServer((req, res) => {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk) => {
    body += chunk
  })
  req.on('end', () => (routes.get(req.url ?? '') ?? ((_, r) => r.writeHead(404).end()))(req, res, body))
})

beforeAll(async () => {
  origin = await listenLoopback(server)
})
afterAll(() => closeLoopback(server))

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The same call through both fetches, for the parts a caller reads. */
async function both(path: string, init: RequestInit = {}) {
  const read = async (f: typeof fetch) => {
    const res = await f(`${origin}${path}`, { redirect: 'manual', ...init })
    return {
      status: res.status,
      statusText: res.statusText,
      type: res.headers.get('content-type'),
      cookies: res.headers.getSetCookie(),
      location: res.headers.get('location'),
      body: await res.text(),
    }
  }
  return { node: await read(nodeFetch), global: await read(fetch) }
}

describe('nodeFetch', () => {
  it('sends the method, headers and body, and answers with the status, headers and body fetch would', async () => {
    routes.set('/echo', (req, res, body) => {
      res.setHeader('set-cookie', ['a=1', 'b=2'])
      res.writeHead(201, 'Made', { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          method: req.method,
          auth: req.headers.authorization,
          length: req.headers['content-length'],
          body,
        }),
      )
    })
    const init = { method: 'POST', headers: { authorization: 'Bearer t' }, body: '{"é":1}' }
    const { node, global } = await both('/echo', init)
    expect(node).toEqual(global)
    expect(JSON.parse(node.body)).toEqual({ method: 'POST', auth: 'Bearer t', length: '8', body: '{"é":1}' })
    expect(node.status).toBe(201)
    expect(node.cookies).toEqual(['a=1', 'b=2'])
  })

  it('leaves a redirect to the caller, as redirect: manual does', async () => {
    routes.set('/moved', (_, res) => res.writeHead(302, { location: '/elsewhere' }).end())
    const { node, global } = await both('/moved')
    expect(node).toEqual(global)
    expect(node.status).toBe(302)
    expect(node.location).toBe('/elsewhere')
  })

  it('decodes a gzipped body and drops its content-encoding', async () => {
    routes.set('/gzip', (_, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' })
      res.end(gzipSync('squeezed ✓'))
    })
    const res = await nodeFetch(`${origin}/gzip`, { redirect: 'manual' })
    expect(res.headers.get('content-encoding')).toBeNull()
    expect(await res.text()).toBe('squeezed ✓')
  })

  it('fails as fetch fails when nothing listens (a TypeError whose cause has the code), and the upstream error says so', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`
    await new Promise((resolve) => closed.close(resolve))
    const error = await nodeFetch(url, { redirect: 'manual' }).catch((e) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(error.cause.code).toBe('ECONNREFUSED')
    const upstream = (f: typeof fetch) =>
      createUpstream({ label: 'Responses server', url, fetch: f, retries: 0 })
        .fetch(url)
        .catch((e: Error) => e.message)
    expect(await upstream(nodeFetch)).toBe(await upstream(fetch))
  })

  it('rejects with the signal’s reason when aborted before the answer, and ends the body when aborted during it', async () => {
    routes.set('/slow', (_, res) => {
      setTimeout(() => res.writeHead(200).end('late'), 2_000)
    })
    const before = new AbortController()
    const pending = nodeFetch(`${origin}/slow`, { redirect: 'manual', signal: before.signal })
    await tick(20)
    before.abort(new Error('no longer wanted'))
    await expect(pending).rejects.toThrow('no longer wanted')

    routes.set('/trickle', (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: one\n\n')
    })
    const during = new AbortController()
    const res = await nodeFetch(`${origin}/trickle`, { redirect: 'manual', signal: during.signal })
    const seen: string[] = []
    const reading = (async () => {
      for await (const e of readSSE(res.body as ReadableStream<Uint8Array>)) seen.push(e.data)
    })()
    await tick(50)
    during.abort(new Error('client left'))
    await expect(reading).rejects.toThrow()
    expect(seen).toEqual(['one'])
  })

  it('gives the SSE reader every event whole, a character split across two packets included', async () => {
    const bytes = Buffer.from('data: {"delta":"héllo 🎉"}\n\ndata: two\n\n')
    const cut = bytes.indexOf(0xf0) + 2 // in the middle of the emoji's four bytes
    routes.set('/split', (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(bytes.subarray(0, cut))
      setTimeout(() => res.end(bytes.subarray(cut)), 20)
    })
    const res = await nodeFetch(`${origin}/split`, { redirect: 'manual' })
    const events: string[] = []
    for await (const e of readSSE(res.body as ReadableStream<Uint8Array>)) events.push(e.data)
    expect(events).toEqual(['{"delta":"héllo 🎉"}', 'two'])
  })

  it('hands a slow reader what came meanwhile in one read, every event in order', async () => {
    routes.set('/burst', (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      let i = 0
      const next = () => {
        if (i === 40) return void res.end()
        res.write(`data: ${i++}\n\n`, () => setImmediate(next))
      }
      next()
    })
    const res = await nodeFetch(`${origin}/burst`, { redirect: 'manual' })
    const batches: string[][] = []
    for await (const batch of readSSEBatches(res.body as ReadableStream<Uint8Array>)) {
      batches.push(batch.map((e) => e.data))
      await tick(10)
    }
    expect(batches.flat()).toEqual(Array.from({ length: 40 }, (_, i) => String(i)))
    // Forty writes, read in fewer steps: what arrived while the reader slept came as one chunk.
    expect(batches.length).toBeLessThan(40)
  })

  it('fails the reader when the answer is cut before its end (never a clean end)', async () => {
    routes.set('/cut', (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: one\n\n', () => setTimeout(() => res.socket?.destroy(), 20))
    })
    const res = await nodeFetch(`${origin}/cut`, { redirect: 'manual' })
    const seen: string[] = []
    const read = (async () => {
      for await (const e of readSSE(res.body as ReadableStream<Uint8Array>)) seen.push(e.data)
    })()
    await expect(read).rejects.toThrow()
    expect(seen).toEqual(['one'])
  })

  it('reads on through the web stream when someone read from it first', async () => {
    routes.set('/halves', (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: first\n\n')
      setTimeout(() => res.end('data: second\n\n'), 20)
    })
    const res = await nodeFetch(`${origin}/halves`, { redirect: 'manual' })
    const body = res.body as ReadableStream<Uint8Array>
    const reader = body.getReader()
    const first = await reader.read()
    reader.releaseLock()
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n')
    const rest: string[] = []
    for await (const e of readSSE(body)) rest.push(e.data)
    expect(rest).toEqual(['second'])
  })

  it('hands the SSE reader a Response to read through the socket, its web stream left untouched', async () => {
    routes.set('/whole', (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: one\n\n')
      setTimeout(() => res.end('data: two\n\n'), 10)
    })
    const res = await nodeFetch(`${origin}/whole`, { redirect: 'manual' })
    const events: string[] = []
    for await (const e of readSSE(res)) events.push(e.data)
    expect(events).toEqual(['one', 'two'])
    expect(res.body?.locked).toBe(false)
  })

  it('sends credentials a URL holds as basic authorization, as node:http does with the URL itself', async () => {
    routes.set('/who', (req, res) => res.writeHead(200).end(req.headers.authorization ?? 'none'))
    const res = await nodeFetch(`${origin.replace('//', '//user:p%40ss@')}/who`, { redirect: 'manual' })
    expect(await res.text()).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`)
  })

  it('hands what it does not cover (a redirect to follow, a byte body) to the global fetch', async () => {
    routes.set('/hop', (_, res) => res.writeHead(302, { location: '/landed' }).end())
    routes.set('/landed', (_, res, body) => res.writeHead(200).end(`landed ${body}`))
    const followed = await nodeFetch(`${origin}/hop`)
    expect(followed.status).toBe(200)
    expect(await followed.text()).toBe('landed ')
    const bytes = await nodeFetch(`${origin}/landed`, {
      method: 'POST',
      redirect: 'manual',
      body: new TextEncoder().encode('raw'),
    })
    expect(await bytes.text()).toBe('landed raw')
  })

  it('keeps the connection of an answer its reader stopped at its end, and cuts one that goes on', async () => {
    const sockets = new Set<unknown>()
    let closed = 0
    const count = (req: IncomingMessage) => {
      if (sockets.has(req.socket)) return
      sockets.add(req.socket)
      req.socket.once('close', () => closed++)
    }
    // The last event, then the end of the answer a moment later: the reader stops before the end has come.
    routes.set('/done', (req, res) => {
      count(req)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: {"last":true}\n\n')
      setTimeout(() => res.end('data: [DONE]\n\n'), 30)
    })
    const readFirst = async (path: string) => {
      const res = await nodeFetch(`${origin}${path}`, { redirect: 'manual' })
      // A reader done after the first event, as an upstream client is once its turn ends.
      for await (const _ of readSSE(res.body as ReadableStream<Uint8Array>)) break
    }
    for (let i = 0; i < 3; i++) {
      await readFirst('/done')
      await tick(60)
    }
    expect(sockets.size).toBe(1)
    expect(closed).toBe(0)
    // An answer that keeps streaming after its reader stopped is not read on: its connection is cut.
    let writes = 0
    routes.set('/endless', (req, res) => {
      count(req)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const timer = setInterval(() => {
        writes++
        res.write(`data: ${'x'.repeat(8_000)}\n\n`)
      }, 5)
      res.once('close', () => clearInterval(timer))
    })
    await readFirst('/endless')
    const deadline = Date.now() + 3_000
    while (closed === 0 && Date.now() < deadline) await tick(20)
    expect(closed).toBe(1)
    const after = writes
    await tick(50)
    expect(writes).toBe(after)
  })

  it('cuts the connection at once when no first byte came in time (a read still waiting)', async () => {
    let closedAt = 0
    routes.set('/silent', (req, res) => {
      req.socket.once('close', () => {
        closedAt = Date.now()
      })
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.flushHeaders()
    })
    const res = await nodeFetch(`${origin}/silent`, { redirect: 'manual' })
    const started = Date.now()
    const read = (async () => {
      for await (const _ of readSSE(res.body as ReadableStream<Uint8Array>, undefined, { firstByteTimeoutMs: 100 })) {
      }
    })()
    await expect(read).rejects.toThrow(/100/)
    const deadline = Date.now() + 2_000
    while (!closedAt && Date.now() < deadline) await tick(10)
    expect(closedAt - started).toBeLessThan(600)
  })
})
