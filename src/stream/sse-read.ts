import type { ParseError } from 'eventsource-parser'
import { createParser } from 'eventsource-parser'
import { DONE } from './done.js'

/** One server-sent event as read off the wire. */
export interface SSEEvent {
  event?: string
  id?: string
  data: string
}

export interface ReadSSEOptions {
  /**
   * The most characters one event (or one unfinished line) may hold; a stream that sends more fails with
   * `SSEEventTooLarge` instead of growing memory without end. Default: unbounded.
   */
  maxEventSize?: number
  /** Told of lines the parser could not use (an unknown field, a bad `retry`); the stream goes on. */
  onParseError?: (error: ParseError) => void
  /** Fail with `SSEFirstByteTimeout` when no bytes at all arrive within this many milliseconds. */
  firstByteTimeoutMs?: number
}

/** An event larger than `maxEventSize`: the stream is not read further. */
export class SSEEventTooLarge extends Error {
  override name = 'SSEEventTooLarge'
  constructor(readonly limit: number) {
    super(`A server-sent event is larger than ${limit} characters.`)
  }
}

/** Nothing arrived within `firstByteTimeoutMs`: the body is canceled. */
export class SSEFirstByteTimeout extends Error {
  override name = 'SSEFirstByteTimeout'
  constructor(readonly ms: number) {
    super(`No data arrived within ${ms} ms.`)
  }
}

/**
 * Reads server-sent events from a fetch body (or the Response holding it). Ends when the body ends; aborting `signal`
 * cancels the body, so the upstream connection closes with the consumer.
 */
export async function* readSSE(
  body: ReadableStream<Uint8Array> | Response,
  signal?: AbortSignal,
  options: ReadSSEOptions = {},
): AsyncGenerator<SSEEvent> {
  for await (const batch of readSSEBatches(body, signal, options)) {
    for (const event of batch) {
      yield event
      if (signal?.aborted) return
    }
  }
}

/**
 * The events of a fetch body (or of the Response holding it: a Response whose transport gave it a chunk source is read
 * from that without its body ever being built), one batch per network chunk: the parser is fed whole chunks, and a
 * reader takes every event a chunk completed in one step (not one promise per event), which keeps a fast stream cheap.
 * Never empty. A Response with no body has no events.
 */
export function readSSEBatches(
  body: ReadableStream<Uint8Array> | Response,
  signal?: AbortSignal,
  options: ReadSSEOptions = {},
): AsyncIterable<SSEEvent[]> {
  return { [Symbol.asyncIterator]: () => new SSEBatches(body, signal, options) }
}

/**
 * One reading of `readSSEBatches`: a hand-written iterator, one `then` per network chunk, where an async generator
 * costs a few promises more on every chunk (a paced stream's chunk is one event). The body is claimed at the first
 * `next()`, and let go (canceled: a finished answer's connection is kept) once the reading is over, however it ends.
 */
class SSEBatches implements AsyncIterator<SSEEvent[]> {
  #reader: ChunkSource | undefined
  #started = false
  /** The read under way, until its chunk is handled. */
  #reading: Promise<IteratorResult<SSEEvent[]>> | undefined
  /** Over: nothing more is read (the body is let go, or being let go). */
  #over = false
  #closing: Promise<void> | undefined
  /** The last chunk was the body's end: the reading is over once its events were taken. */
  #ended = false
  #ready: SSEEvent[] = []
  #tooLarge: SSEEventTooLarge | undefined
  #timedOut = false
  #firstByte: ReturnType<typeof setTimeout> | undefined
  readonly #decoder = new TextDecoder()
  readonly #parser: ReturnType<typeof createParser>

  constructor(
    private readonly body: ReadableStream<Uint8Array> | Response,
    private readonly signal: AbortSignal | undefined,
    private readonly options: ReadSSEOptions,
  ) {
    const max = options.maxEventSize
    this.#parser = createParser({
      // The parser bounds what it buffers between reads; an event that came whole within one read is measured here.
      onEvent: (e) => {
        if (max !== undefined && e.data.length > max) this.#tooLarge ??= new SSEEventTooLarge(max)
        else if (!this.#tooLarge) this.#ready.push({ event: e.event, id: e.id, data: e.data })
      },
      maxBufferSize: max,
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.#tooLarge ??= new SSEEventTooLarge(max ?? 0)
        else options.onParseError?.(error)
      },
    })
  }

  next(): Promise<IteratorResult<SSEEvent[]>> {
    // One read at a time: a call made while a read is under way waits for it (callers that overlap are served one at a
    // time, not in a generator's strict call order; `for await` and the decoder never overlap).
    if (this.#reading) return this.#reading.then(this.#again, this.#again)
    if (this.#over) return this.#close().then(() => DONE)
    if (!this.#started) {
      try {
        this.#start()
      } catch (error) {
        return this.#fail(error)
      }
      if (this.#over) return this.#close().then(() => DONE)
    }
    // What the last chunk left to say, once its events were taken: the reader left, an event too large, the end.
    if (this.signal?.aborted) return this.#close().then(() => DONE)
    if (this.#tooLarge) return this.#fail(this.#tooLarge)
    if (this.#ended) return this.#close().then(() => DONE)
    this.#reading = (this.#reader as ChunkSource).read().then(this.#onChunk, this.#onReadError)
    return this.#reading
  }

  #again = () => this.next()

  async return(): Promise<IteratorResult<SSEEvent[]>> {
    this.#over = true
    await this.#close()
    return DONE
  }

  #start() {
    this.#started = true
    const reader = claimChunkSource(this.body) ?? webChunks(this.body)
    if (!reader) {
      this.#over = true
      return
    }
    this.#reader = reader
    this.signal?.addEventListener('abort', this.#onAbort, { once: true })
    const ms = this.options.firstByteTimeoutMs
    if (ms !== undefined) {
      this.#firstByte = setTimeout(() => {
        this.#timedOut = true
        void reader.cancel().catch(() => {})
      }, ms)
    }
  }

  #onChunk = ({ done, value }: { done: boolean; value?: string | Uint8Array }) => {
    this.#reading = undefined
    if (this.#over) return DONE // returned meanwhile
    if (this.#timedOut) return this.#fail(new SSEFirstByteTimeout(this.options.firstByteTimeoutMs ?? 0))
    if (this.#firstByte !== undefined) {
      clearTimeout(this.#firstByte)
      this.#firstByte = undefined
    }
    const decoder = this.#decoder
    try {
      this.#parser.feed(
        typeof value === 'string' ? value : done ? decoder.decode() : decoder.decode(value, { stream: true }),
      )
    } catch (error) {
      // A parse-error callback that throws (or bytes the decoder refuses) ends the reading; the body is let go.
      return this.#fail(error)
    }
    if (done) this.#ended = true
    const batch = this.#ready
    if (batch.length === 0) return this.next()
    this.#ready = []
    return { done: false, value: batch }
  }

  // A body cut by the deadline may end its read with its own error (a socket's "premature close"): the deadline is
  // the reason.
  #onReadError = (error: unknown) => {
    this.#reading = undefined
    // Returned meanwhile: a read its cancel broke off ends the reading as a return does, not as a failure.
    if (this.#over) return this.#close().then(() => DONE)
    return this.#fail(this.#timedOut ? new SSEFirstByteTimeout(this.options.firstByteTimeoutMs ?? 0) : error)
  }

  #onAbort = () => void this.#reader?.cancel(this.signal?.reason).catch(() => {})

  #fail(error: unknown): Promise<never> {
    return this.#close().then(() => {
      throw error
    })
  }

  #close(): Promise<void> {
    this.#over = true
    this.#closing ??= (async () => {
      clearTimeout(this.#firstByte)
      this.signal?.removeEventListener('abort', this.#onAbort)
      await this.#reader?.cancel().catch(() => {})
    })()
    return this.#closing
  }
}

/** A body's chunks as a reader takes them: bytes, or text a transport already decoded. */
export interface ChunkSource {
  read(): Promise<{ done: boolean; value?: string | Uint8Array }>
  cancel(reason?: unknown): Promise<void>
}

/** Chunk sources a transport gave a body or its Response (see `withChunkSource`). */
const chunkSources = new WeakMap<object, () => ChunkSource | undefined>()

/**
 * Gives a body, or the Response holding it, a faster way to its chunks than its web stream (Node's upstream fetch
 * hands over the socket's own text, see node-fetch.ts); a reader takes it with `claimChunkSource`, the stream stays for
 * everyone else. Registered on the Response too, so a reader needs not touch `.body` (with @hono/node-server's
 * lightweight Response, reading `.body` builds a whole undici Response for every upstream answer).
 */
export function withChunkSource<T extends ReadableStream<Uint8Array> | Response>(
  target: T,
  source: () => ChunkSource | undefined,
): T {
  chunkSources.set(target, source)
  return target
}

/**
 * The body's own chunk source, once, and only while nothing read its web stream (the source itself says so for a
 * Response); undefined for any other body.
 */
function claimChunkSource(body: ReadableStream<Uint8Array> | Response): ChunkSource | undefined {
  const take = chunkSources.get(body)
  if (!take) return undefined
  return isStream(body) && body.locked ? undefined : take()
}

const isStream = (body: ReadableStream<Uint8Array> | Response): body is ReadableStream<Uint8Array> =>
  typeof (body as ReadableStream<Uint8Array>).getReader === 'function'

const webChunks = (body: ReadableStream<Uint8Array> | Response): ChunkSource | undefined => {
  const stream = isStream(body) ? body : body.body
  return stream ? stream.getReader() : undefined
}
