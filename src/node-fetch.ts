// Node only: the fetch upstream clients use in the Node server, on node:http/node:https instead of undici's fetch.
// It covers what src/upstream/http.ts asks of fetch (a method, headers, a string body, a signal, redirects left to the
// caller) and hands anything else to the global fetch. A streamed answer's text goes to the SSE reader straight from
// the socket (`withChunkSource`), skipping the web stream and the TextDecoder in between; the Response and its web
// stream stay for every other reader.
import type { IncomingMessage } from 'node:http'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import type { ChunkSource } from './stream/index.js'
import { withChunkSource } from './stream/index.js'

const DECOMPRESS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
}

/** A fetch on node:http for the calls upstream clients make; the global fetch for anything else. */
export const nodeFetch: typeof fetch = (input, init = {}) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined
  const body = init.body
  if (
    url === undefined ||
    init.redirect !== 'manual' ||
    (body !== undefined && body !== null && typeof body !== 'string') ||
    !/^https?:/i.test(url)
  )
    return fetch(input, init)
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal ?? undefined
    if (signal?.aborted) return reject(signal.reason)
    const headers: Record<string, string> = {}
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value
    })
    if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body))
    const method = (init.method ?? 'GET').toUpperCase()
    const target = new URL(url)
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method, headers })
    const onAbort = () => request.destroy(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const done = () => signal?.removeEventListener('abort', onAbort)
    request.once('error', (error) => {
      done()
      // As the global fetch fails: a TypeError whose cause says why (the upstream client reads `cause.code`).
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }))
    })
    request.once('response', (incoming) => {
      try {
        resolve(toResponse(incoming, method))
      } catch (error) {
        incoming.destroy()
        reject(new TypeError('fetch failed', { cause: error }))
      } finally {
        // From here the signal ends the body, as it does with fetch.
        if (signal) {
          const end = () => incoming.destroy(signal.reason)
          signal.addEventListener('abort', end, { once: true })
          incoming.once('close', () => signal.removeEventListener('abort', end))
        }
        done()
      }
    })
    request.end(body ?? undefined)
  })
}

/** The most a finished answer's rest may take to arrive, and to hold, before its connection is cut rather than kept. */
const DRAIN_MS = 1_000
const DRAIN_BYTES = 64 * 1024

function drain(incoming: IncomingMessage) {
  if (incoming.complete) {
    incoming.resume()
    return
  }
  let bytes = 0
  const cut = () => incoming.destroy()
  const timer = setTimeout(cut, DRAIN_MS)
  timer.unref?.()
  incoming.on('data', (chunk: Buffer | string) => {
    bytes += chunk.length
    if (bytes > DRAIN_BYTES) cut()
  })
  incoming.once('close', () => clearTimeout(timer))
  incoming.resume()
}

function toResponse(incoming: IncomingMessage, method: string): Response {
  const status = incoming.statusCode ?? 502
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string)
  const init = { status, statusText: incoming.statusMessage ?? '', headers }
  if (method === 'HEAD' || status === 204 || status === 304) {
    incoming.resume()
    return new Response(null, init)
  }
  const coding = headers.get('content-encoding')?.trim().toLowerCase()
  const decompress = coding ? DECOMPRESS[coding] : undefined
  const source: Readable = decompress ? (incoming.pipe(decompress()) as unknown as Readable) : incoming
  if (decompress) {
    headers.delete('content-encoding')
    headers.delete('content-length')
    incoming.once('error', (e) => source.destroy(e))
  }
  let chunks: AsyncIterator<Buffer | string> | undefined
  let claimed = false
  let reading = false
  const next = async () => {
    // Not destroyed when the reader stops early: a finished answer's connection may still be kept (see cancel).
    chunks ??= source.iterator({ destroyOnReturn: false })
    reading = true
    try {
      return await chunks.next()
    } finally {
      reading = false
    }
  }
  const cancel = async (reason?: unknown) => {
    // A reader done with an answer (between reads, for no reason of its own) leaves the connection to be used again
    // (keep-alive): what is left of the answer is read and dropped, within bounds. A reader that gave up (a reason, a
    // read still waiting: a deadline), a compressed body, or an answer that goes on is cut off.
    if (reason === undefined && !reading && !decompress) {
      await chunks?.return?.()
      drain(incoming)
      return
    }
    source.destroy(reason instanceof Error ? reason : undefined)
    incoming.destroy()
  }
  // The web stream reads lazily, so a reader that claims the chunk source finds it untouched.
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        claimed = true
        const { done, value } = await next()
        if (done) controller.close()
        else controller.enqueue(typeof value === 'string' ? Buffer.from(value) : new Uint8Array(value))
      },
      cancel,
    },
    { highWaterMark: 0 },
  )
  return new Response(
    withChunkSource(stream, (): ChunkSource | undefined => {
      if (claimed) return undefined
      claimed = true
      // Decoded here, where a character split across two packets is put back together.
      source.setEncoding('utf8')
      return {
        read: async () => {
          const { done, value } = await next()
          return done ? { done: true } : { done: false, value: value as string }
        },
        cancel,
      }
    }),
    init,
  )
}
