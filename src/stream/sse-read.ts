import type { ParseError } from 'eventsource-parser'
import { createParser } from 'eventsource-parser'
import { DONE } from './done.js'
import { type NextQueue, Outcome, PENDING, type Pollable, pollNext } from './poll.js'

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

/** One reading of `readSSEBatches`, to be polled (see `Pollable`). Internal: the upstream decoder reads with it. */
export function pollSSEBatches(
  body: ReadableStream<Uint8Array> | Response,
  signal?: AbortSignal,
  options: ReadSSEOptions = {},
): Pollable<SSEEvent[]> {
  return new SSEBatches(body, signal, options)
}

/**
 * One reading of `readSSEBatches`: a hand-written iterator that can be polled (see `Pollable`), so a chunk's events
 * reach a polling reader with no promise at all, and a `next()` reader with one per network chunk (an async generator
 * costs a few more on every chunk, and a paced stream's chunk is one event). The body is claimed at the first read, and
 * let go (canceled: a finished answer's connection is kept) once the reading is over, however it ends; the end (or
 * the failure) is told only once it is let go.
 */
class SSEBatches implements Pollable<SSEEvent[]> {
  #reader: ChunkSource | undefined
  #started = false
  /** A `next()` under way: a call made meanwhile waits for it. */
  readonly #queue: NextQueue<SSEEvent[]> = {}
  /** Returned: nothing more is read. */
  #over = false
  /** How the reading ended, told once the body is let go (`#closed`). */
  #outcome: { failed: false } | { failed: true; error: unknown } | undefined
  #closing: Promise<void> | undefined
  #closed = false
  /** A wait on the body is under way: what it brings is handled before anything else. */
  #inFlight = false
  /** A wait on a body without `poll` (a web stream's reader): its read, for the poll after. */
  #read: Outcome<Chunk> | undefined
  #onReady: (() => void) | undefined
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
    return pollNext(this, this.#queue)
  }

  async return(): Promise<IteratorResult<SSEEvent[]>> {
    this.#over = true
    await this.#close()
    return DONE
  }

  poll(): IteratorResult<SSEEvent[]> | typeof PENDING {
    for (;;) {
      if (this.#outcome) return this.#told()
      if (this.#over) {
        this.#end()
        continue
      }
      if (!this.#started) {
        try {
          this.#start()
        } catch (error) {
          this.#end(error)
        }
        continue
      }
      // What the last chunk left to say, once its events were taken: the reader left, an event too large, the end. A
      // chunk already on its way is handled first.
      if (!this.#inFlight) {
        if (this.signal?.aborted || this.#ended) {
          this.#end()
          continue
        }
        if (this.#tooLarge) {
          this.#end(this.#tooLarge)
          continue
        }
      }
      let chunk: Chunk | typeof PENDING
      try {
        chunk = this.#pollChunk()
      } catch (error) {
        this.#inFlight = false
        // Returned meanwhile: a read its cancel broke off ends the reading as a return does, not as a failure. A body
        // cut by the deadline may end its read with its own error (a socket's "premature close"): the deadline is the
        // reason.
        if (this.#over) this.#end()
        else this.#end(this.#timedOut ? new SSEFirstByteTimeout(this.options.firstByteTimeoutMs ?? 0) : error)
        continue
      }
      if (chunk === PENDING) return PENDING
      this.#inFlight = false
      const batch = this.#onChunk(chunk)
      if (batch) return { done: false, value: batch }
    }
  }

  wait(ready: () => void): void {
    if (this.#outcome) {
      void (this.#closing as Promise<void>).then(ready)
      return
    }
    const reader = this.#reader
    if (!reader || this.#read?.settled) return void queueMicrotask(ready)
    this.#inFlight = true
    if (reader.wait) return void reader.wait(ready)
    this.#onReady = ready
    this.#read ??= new Outcome(() => reader.read(), this.#wake)
  }

  #wake = () => {
    const ready = this.#onReady
    this.#onReady = undefined
    ready?.()
  }

  #pollChunk(): Chunk | typeof PENDING {
    const reader = this.#reader as ChunkSource
    if (reader.poll) return reader.poll()
    const read = this.#read
    if (!read?.settled) return PENDING
    this.#read = undefined
    return read.take()
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

  /** A chunk's events (undefined when it completed none); a failure or the end is the outcome. */
  #onChunk({ done, value }: Chunk): SSEEvent[] | undefined {
    if (this.#over) return void this.#end() // returned meanwhile
    if (this.#timedOut) return void this.#end(new SSEFirstByteTimeout(this.options.firstByteTimeoutMs ?? 0))
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
      return void this.#end(error)
    }
    if (done) this.#ended = true
    const batch = this.#ready
    if (batch.length === 0) return undefined
    this.#ready = []
    return batch
  }

  #onAbort = () => void this.#reader?.cancel(this.signal?.reason).catch(() => {})

  /** The reading is over (a failure when `arguments` has one): told once the body is let go. */
  #end(...failure: [error: unknown] | []) {
    this.#outcome ??= failure.length ? { failed: true, error: failure[0] } : { failed: false }
    void this.#close()
  }

  #told(): IteratorResult<SSEEvent[]> | typeof PENDING {
    if (!this.#closed) return PENDING
    const outcome = this.#outcome
    // Told once; any later read is simply over.
    this.#outcome = { failed: false }
    if (outcome?.failed) throw outcome.error
    return DONE
  }

  #close(): Promise<void> {
    this.#over = true
    this.#closing ??= (async () => {
      clearTimeout(this.#firstByte)
      this.signal?.removeEventListener('abort', this.#onAbort)
      await this.#reader?.cancel().catch(() => {})
      this.#closed = true
    })()
    return this.#closing
  }
}

/** One read of a body: a chunk of bytes, or of text a transport already decoded. */
type Chunk = { done: boolean; value?: string | Uint8Array }

/** A body's chunks as a reader takes them: bytes, or text a transport already decoded. */
export interface ChunkSource {
  read(): Promise<{ done: boolean; value?: string | Uint8Array }>
  cancel(reason?: unknown): Promise<void>
  /** A source that can be polled (see `Pollable`): the chunk ready now, or PENDING; throws what `read()` rejects with. */
  poll?(): { done: boolean; value?: string | Uint8Array } | typeof PENDING
  wait?(ready: () => void): void
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
