// Node only: the fetch upstream clients use in the Node server, on node:http/node:https instead of undici's fetch.
// It covers what src/upstream/http.ts asks of fetch (a method, headers, a string body, a signal, redirects left to the
// caller) and hands anything else to the global fetch. A streamed answer's text goes to the SSE reader straight from
// the socket (`withChunkSource`), skipping the web stream and the TextDecoder in between; the Response and its web
// stream stay for every other reader.
import type { IncomingMessage, RequestOptions } from 'node:http'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import type { ChunkSource } from './stream/index.js'
import { withChunkSource } from './stream/index.js'
import { PENDING } from './stream/poll.js'
import { headerRecord } from './upstream/http.js'

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
    const headers = headerRecord([init.headers])
    if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body))
    const method = (init.method ?? 'GET').toUpperCase()
    const target = new URL(url)
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(requestOptions(target, method, headers))
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

/** node:http's options for a URL: the few it needs, not the dozen `urlToHttpOptions` copies over. */
function requestOptions(target: URL, method: string, headers: Record<string, string>): RequestOptions {
  const { hostname, port, username, password } = target
  return {
    protocol: target.protocol,
    // An IPv6 literal comes bracketed in a URL, bare in a socket address.
    hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
    ...(port ? { port: Number(port) } : {}),
    path: `${target.pathname}${target.search}`,
    method,
    headers,
    ...(username || password ? { auth: `${decodeURIComponent(username)}:${decodeURIComponent(password)}` } : {}),
  }
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
  const coding = incoming.headers['content-encoding']?.trim().toLowerCase()
  const decompress = coding ? DECOMPRESS[coding] : undefined
  // As pairs, every repeated header kept: a Response given them builds its Headers only once someone reads them
  // (with @hono/node-server's Response), and a streamed answer's usually nobody does.
  const headers: [string, string][] = []
  const raw = incoming.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    // A decompressed body is no longer what these two described.
    if (decompress && /^content-(encoding|length)$/i.test(name)) continue
    headers.push([name, raw[i + 1] as string])
  }
  const init = { status, statusText: incoming.statusMessage ?? '', headers }
  if (method === 'HEAD' || status === 204 || status === 304) {
    incoming.resume()
    return new Response(null, init)
  }
  const source: Readable = decompress ? (incoming.pipe(decompress()) as unknown as Readable) : incoming
  if (decompress) incoming.once('error', (e) => source.destroy(e))
  let chunks: ChunkReader | undefined
  let claimed = false
  const next = (): Promise<IteratorResult<Buffer | string>> => (chunks ??= new ChunkReader(source)).next()
  const cancel = async (reason?: unknown) => {
    // A reader done with an answer (between reads, for no reason of its own) leaves the connection to be used again
    // (keep-alive): what is left of the answer is read and dropped, within bounds. A reader that gave up (a reason, a
    // read still waiting: a deadline), a compressed body, or an answer that goes on is cut off.
    if (reason === undefined && !chunks?.waiting && !decompress) {
      chunks?.detach()
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
  const take = (): ChunkSource | undefined => {
    if (claimed) return undefined
    claimed = true
    // Decoded here, where a character split across two packets is put back together.
    source.setEncoding('utf8')
    const reader = (chunks ??= new ChunkReader(source))
    return {
      read: next as ChunkSource['read'],
      cancel,
      poll: () => reader.poll() as ReturnType<NonNullable<ChunkSource['poll']>>,
      wait: (ready) => reader.wait(ready),
    }
  }
  return withChunkSource(new Response(withChunkSource(stream, take), init), take)
}

/**
 * A readable's chunks, one read at a time, taken from its 'data' events: what its async iterator gives, without the
 * iterator's promises and ticks per chunk (a paced stream pays those on every event). Chunks that come while no read
 * waits are kept and the stream paused; the next read takes them all at once. It never destroys the stream: a reader
 * that stops early leaves a finished answer's connection to be kept (see cancel).
 */
class ChunkReader {
  #queue: (Buffer | string)[] = []
  #waiting: { resolve: (r: IteratorResult<Buffer | string>) => void; reject: (e: unknown) => void } | undefined
  /** A polling reader's wait (see `Pollable`): called back once, with no promise. */
  #ready: (() => void) | undefined
  #ended = false
  #failure: unknown
  readonly #source: Readable

  constructor(source: Readable) {
    this.#source = source
    source.on('data', this.#onData)
    source.once('end', this.#onEnd)
    source.on('error', this.#onError)
    source.once('close', this.#onClose)
  }

  next(): Promise<IteratorResult<Buffer | string>> {
    if (this.#queue.length) return Promise.resolve({ done: false, value: this.#take() })
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    if (this.#ended) return Promise.resolve({ done: true, value: undefined })
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
    })
  }

  /** The chunk there is now, or PENDING; throws the stream's failure. */
  poll(): IteratorResult<Buffer | string> | typeof PENDING {
    if (this.#queue.length) return { done: false, value: this.#take() }
    if (this.#failure !== undefined) throw this.#failure
    if (this.#ended) return { done: true, value: undefined }
    return PENDING
  }

  wait(ready: () => void): void {
    this.#ready = ready
  }

  /** A read is waiting for the next chunk. */
  get waiting(): boolean {
    return this.#waiting !== undefined || this.#ready !== undefined
  }

  /** Stops reading, leaving the stream paused and whole for whoever takes it next. */
  detach() {
    this.#source.off('data', this.#onData)
    this.#source.off('end', this.#onEnd)
    this.#source.off('close', this.#onClose)
    this.#source.pause()
  }

  #take(): Buffer | string {
    const queue = this.#queue
    this.#queue = []
    if (!this.#ended) this.#source.resume()
    if (queue.length === 1) return queue[0] as Buffer | string
    return typeof queue[0] === 'string' ? queue.join('') : Buffer.concat(queue as Buffer[])
  }

  #settle() {
    const ready = this.#ready
    if (ready) {
      this.#ready = undefined
      return ready()
    }
    const waiting = this.#waiting
    if (!waiting) return
    if (this.#queue.length) waiting.resolve({ done: false, value: this.#take() })
    else if (this.#failure !== undefined) waiting.reject(this.#failure)
    else if (this.#ended) waiting.resolve({ done: true, value: undefined })
    else return
    this.#waiting = undefined
  }

  #onData = (chunk: Buffer | string) => {
    this.#queue.push(chunk)
    if (this.#waiting || this.#ready) this.#settle()
    else this.#source.pause()
  }

  #onEnd = () => {
    this.#ended = true
    this.#settle()
  }

  #onError = (error: unknown) => {
    this.#failure ??= error
    this.#settle()
  }

  // As the iterator says it: a stream closed before its end is a failure, not an end.
  #onClose = () => {
    if (!this.#ended)
      this.#failure ??= Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
    this.#settle()
  }
}
