import type { ParseError } from 'eventsource-parser'
import { createParser } from 'eventsource-parser'

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
export async function* readSSEBatches(
  body: ReadableStream<Uint8Array> | Response,
  signal?: AbortSignal,
  options: ReadSSEOptions = {},
): AsyncGenerator<SSEEvent[]> {
  const reader = claimChunkSource(body) ?? webChunks(body)
  if (!reader) return
  const decoder = new TextDecoder()
  let ready: SSEEvent[] = []
  let tooLarge: SSEEventTooLarge | undefined
  const max = options.maxEventSize
  const parser = createParser({
    // The parser bounds what it buffers between reads; an event that came whole within one read is measured here.
    onEvent: (e) => {
      if (max !== undefined && e.data.length > max) tooLarge ??= new SSEEventTooLarge(max)
      else if (!tooLarge) ready.push({ event: e.event, id: e.id, data: e.data })
    },
    maxBufferSize: max,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') tooLarge ??= new SSEEventTooLarge(max ?? 0)
      else options.onParseError?.(error)
    },
  })
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {})
  signal?.addEventListener('abort', onAbort, { once: true })
  let timedOut = false
  let firstByte =
    options.firstByteTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true
          void reader.cancel().catch(() => {})
        }, options.firstByteTimeoutMs)
  try {
    if (signal?.aborted) return
    for (;;) {
      // A body cut by the deadline may end its read with its own error (a socket's "premature close"): the deadline
      // is the reason.
      let chunk: Awaited<ReturnType<ChunkSource['read']>>
      try {
        chunk = await reader.read()
      } catch (error) {
        throw timedOut ? new SSEFirstByteTimeout(options.firstByteTimeoutMs ?? 0) : error
      }
      const { done, value } = chunk
      if (timedOut) throw new SSEFirstByteTimeout(options.firstByteTimeoutMs ?? 0)
      if (firstByte !== undefined) {
        clearTimeout(firstByte)
        firstByte = undefined
      }
      parser.feed(typeof value === 'string' ? value : done ? decoder.decode() : decoder.decode(value, { stream: true }))
      const batch = ready
      ready = []
      if (batch.length) yield batch
      if (signal?.aborted) return
      if (tooLarge) throw tooLarge
      if (done) return
    }
  } finally {
    clearTimeout(firstByte)
    signal?.removeEventListener('abort', onAbort)
    await reader.cancel().catch(() => {})
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
