// Reading what an upstream streams: SSE with a bounded event size and a deadline for the first bytes, JSON that
// names the event it came in, and wire validation whose errors name the event and the field.
import type { z } from 'zod'
import type { AgentEvent, MapperState } from '../core/index.js'
import { BridgeError, parseWith } from '../core/index.js'
import type { SSEEvent } from '../stream/index.js'
import { readSSE, SSEEventTooLarge, SSEFirstByteTimeout } from '../stream/index.js'
import { invalidError, parseJson, StreamDropped, timeoutError } from './errors.js'
import type { Upstream } from './http.js'
import { readsAsIs, tolerant } from './tolerant.js'
import { DONE } from '../stream/done.js'
import { type NextQueue, Outcome, PENDING, type Pollable, pollNext } from '../stream/poll.js'
import { pollSSEBatches } from '../stream/sse-read.js'

/** The most characters one upstream event may hold (a whole Response snapshot fits many times over). */
export const MAX_EVENT_SIZE = 8 * 1024 * 1024

export interface ReadEventsOptions {
  signal?: AbortSignal
  /** Where the stream came from, for errors. */
  url: string
  maxEventSize?: number
  /** Told of SSE lines that could not be used; the stream goes on. */
  warn?: (message: string) => void
}

const sseOptions = (upstream: Upstream, options: ReadEventsOptions) => ({
  maxEventSize: options.maxEventSize ?? MAX_EVENT_SIZE,
  firstByteTimeoutMs: upstream.limits.firstByteTimeoutMs,
  onParseError: (e: Error) => options.warn?.(`the upstream ${upstream.label}'s stream: ${e.message}`),
})

/**
 * A failure while reading a stream, as a canonical error: too large an event (bad data), no first byte in time,
 * or the body breaking off (`StreamDropped`, which a client may pick up again).
 */
function readError(error: unknown, upstream: Upstream, options: ReadEventsOptions): unknown {
  if (error instanceof SSEEventTooLarge) {
    return invalidError(upstream.label, 'stream', `an event is larger than ${error.limit} characters.`)
  }
  if (error instanceof SSEFirstByteTimeout) return timeoutError(upstream.label, options.url, error.ms, 'first byte')
  if (error instanceof BridgeError || options.signal?.aborted) return error
  return new StreamDropped(upstream.label, options.url, error)
}

/**
 * The events of an upstream's SSE answer, as they arrive. Fails with `upstream_timeout` when nothing arrives within
 * the upstream's first-byte deadline, and with `upstream_failed` when one event outgrows `maxEventSize`.
 */
export async function* readEvents(
  upstream: Upstream,
  res: Response,
  options: ReadEventsOptions,
): AsyncGenerator<SSEEvent> {
  try {
    yield* readSSE(res, options.signal, sseOptions(upstream, options))
  } catch (error) {
    throw readError(error, upstream, options)
  }
}

/**
 * A wire event of a type the client has no row for: not an error (servers add event types), not dropped either. It
 * goes out as the canonical `upstream.event`, its data in `ext` under the dialect's name.
 */
export class UnknownEvent {
  constructor(
    readonly dialect: string,
    readonly name: string,
    readonly data: unknown,
  ) {}

  toEvent(): AgentEvent {
    return { type: 'upstream.event', name: this.name, ext: { [this.dialect]: this.data } }
  }
}

/**
 * A client's reading of event types it has no row for: each an `UnknownEvent` (it goes on as `upstream.event`), said
 * to the log once per kind, so a stream full of them makes one line. `where` names the upstream (`ACP server http://…`).
 */
export function unknownEvents(dialect: string, where: string, log: (line: string) => void, what = 'an event') {
  const told = new Set<string>()
  return (name: string, raw: unknown, kind = `'${name}'`): UnknownEvent => {
    if (!told.has(kind)) {
      told.add(kind)
      log(`upstream ${where}: ${what} this bridge does not know (${kind}) goes on as upstream.event`)
    }
    return new UnknownEvent(dialect, name, raw)
  }
}

/** How a client turns its upstream's stream into canonical events. */
export interface StreamDecoding<S extends MapperState, W> {
  state: S
  decode: (state: S, event: W) => AgentEvent[]
  /**
   * One SSE message as the wire event it holds (read with `eventJson` and `readWire`), an `UnknownEvent` for a type
   * the decoder has no row for, or undefined for a message that is no event (`[DONE]`).
   */
  read: (message: SSEEvent) => W | UnknownEvent | undefined
  hooks?: DecodeHooks<S, W>
}

/**
 * An upstream's SSE answer decoded into canonical events as they arrive, until the decoder's turn is done: reading,
 * parsing, validating and decoding in one pass, one batch of canonical events per network chunk (so the events of a
 * chunk cross the bridge together, not one promise each).
 */
export function decodeEvents<S extends MapperState, W>(
  upstream: Upstream,
  res: Response,
  options: ReadEventsOptions,
  decoding: StreamDecoding<S, W>,
): AsyncIterable<AgentEvent[]> {
  return {
    [Symbol.asyncIterator]: () =>
      new DecodedBatches(pollSSEBatches(res, options.signal, sseOptions(upstream, options)), decoding, (error) =>
        readError(error, upstream, options),
      ),
  }
}

/**
 * One reading of `decodeEvents`, which can be polled (see `Pollable`): a chunk's events are read, decoded and handed
 * on in one call, no promise at all for a polling reader, one per network chunk for a `next()` reader (an async
 * generator costs a few promises more on every chunk, and a paced stream's chunk is one event). Only what the reader
 * throws is the stream's failure (`readError` names it); a throw while decoding is the client's own and goes on as it
 * is, once the stream is let go.
 */
class DecodedBatches<S extends MapperState, W> implements Pollable<AgentEvent[]> {
  readonly #batches: Pollable<SSEEvent[]>
  /** Nothing more is read: the stream is let go (or being let go). */
  #over = false
  #letGo: Promise<void> | undefined
  #letGone = false
  /** A throw while decoding: told once the stream is let go. */
  #failure: { error: unknown; told: boolean } | undefined
  /** A hook's promise under way: the batch's events come out once it settles. */
  #hooked: Outcome<AgentEvent[]> | undefined
  #onReady: (() => void) | undefined
  /** A `next()` under way: a call made meanwhile waits for it. */
  readonly #queue: NextQueue<AgentEvent[]> = {}

  constructor(
    batches: Pollable<SSEEvent[]>,
    private readonly decoding: StreamDecoding<S, W>,
    private readonly readError: (error: unknown) => unknown,
  ) {
    this.#batches = batches
  }

  next(): Promise<IteratorResult<AgentEvent[]>> {
    return pollNext(this, this.#queue)
  }

  async return(): Promise<IteratorResult<AgentEvent[]>> {
    await this.#stop()
    return DONE
  }

  poll(): IteratorResult<AgentEvent[]> | typeof PENDING {
    for (;;) {
      const failure = this.#failure
      if (failure) {
        if (!this.#letGone) return PENDING
        if (failure.told) return DONE
        failure.told = true
        throw failure.error
      }
      const hooked = this.#hooked
      if (hooked) {
        if (!hooked.settled) return PENDING
        this.#hooked = undefined
        if (hooked.failure) this.#decodeFailed(hooked.failure.error)
        else {
          const out = this.#out(hooked.take())
          if (out) return out
        }
        continue
      }
      if (this.#over) return DONE
      if (this.decoding.state.done) {
        void this.#stop()
        return DONE
      }
      let result: IteratorResult<SSEEvent[]> | typeof PENDING
      try {
        result = this.#batches.poll()
      } catch (error) {
        this.#over = true
        throw this.readError(error)
      }
      if (result === PENDING) return PENDING
      if (result.done || this.#over) {
        this.#over = true
        return DONE
      }
      let decoded: AgentEvent[] | Promise<AgentEvent[]>
      try {
        decoded = this.#decode(result.value, 0, [])
      } catch (error) {
        this.#decodeFailed(error)
        continue
      }
      if (!Array.isArray(decoded)) {
        const hooked = decoded
        this.#hooked = new Outcome(() => hooked, this.#wake)
        return PENDING
      }
      const out = this.#out(decoded)
      if (out) return out
    }
  }

  wait(ready: () => void): void {
    const waitsHere = this.#failure ? !this.#letGone : this.#hooked ? !this.#hooked.settled : false
    if (waitsHere) {
      this.#onReady = ready
      return
    }
    if (this.#failure || this.#hooked || this.#over || this.decoding.state.done) return void queueMicrotask(ready)
    this.#batches.wait(ready)
  }

  #wake = () => {
    const ready = this.#onReady
    this.#onReady = undefined
    ready?.()
  }

  /** The batch's messages from `from` on, into `out`; a promise only once a hook returned one. */
  #decode(batch: SSEEvent[], from: number, out: AgentEvent[]): AgentEvent[] | Promise<AgentEvent[]> {
    const { state, decode, read, hooks = {} } = this.decoding
    for (let i = from; i < batch.length; i++) {
      const event = read(batch[i] as SSEEvent)
      if (event instanceof UnknownEvent) out.push(event.toEvent())
      else if (event !== undefined) {
        const decoded = step(state, event, decode, hooks)
        if (!Array.isArray(decoded)) {
          return decoded.then((events) => {
            for (const e of events) out.push(e)
            return state.done ? out : this.#decode(batch, i + 1, out)
          })
        }
        for (const e of decoded) out.push(e)
        if (state.done) break
      }
    }
    return out
  }

  /** What a batch decoded to goes out; a chunk that completed no event is not a batch, so the next one is read. */
  #out(events: AgentEvent[]): IteratorResult<AgentEvent[]> | undefined {
    if (this.decoding.state.done) void this.#stop()
    return events.length ? { done: false, value: events } : undefined
  }

  #decodeFailed(error: unknown) {
    this.#failure = { error, told: false }
    void this.#stop()
  }

  /** Lets the stream go (its body canceled, a finished answer's connection kept). */
  #stop(): Promise<void> {
    if (this.#letGo) return this.#letGo
    const over = this.#over
    this.#over = true
    const gone = () => {
      this.#letGone = true
      this.#wake()
    }
    // A stream already over (ended, or failed to read) has nothing to let go.
    this.#letGo = over
      ? Promise.resolve()
      : this.#batches.return
        ? this.#batches.return().then(gone, gone)
        : Promise.resolve()
    if (over || !this.#batches.return) this.#letGone = true
    return this.#letGo
  }
}

/** One wire event through the hooks and the decoder; a promise only when a hook returned one. */
function step<S, W>(
  state: S,
  event: W,
  decode: (state: S, event: W) => AgentEvent[],
  hooks: DecodeHooks<S, W>,
): AgentEvent[] | Promise<AgentEvent[]> {
  const before = hooks.before?.(event, state)
  if (before) return before.then(() => step(state, event, decode, { after: hooks.after }))
  const out = decode(state, event)
  const after = hooks.after?.(event, state)
  return after ? after.then(() => out) : out
}

/** An event's JSON data; text that is not JSON is the upstream's failure, naming the event. */
export const eventJson = (label: string, data: string, what: string): unknown => parseJson(label, data, what)

/**
 * A value the upstream sent, read against the dialect's schema in its tolerant form (optional fields may be null,
 * unknown fields are kept); what still does not fit is the upstream's failure, naming what and where. A value that
 * reads as itself (most do) is taken as it is, unparsed: the caller owns it (it was just parsed from the wire).
 */
export function readWire<T>(label: string, schema: z.ZodType<T>, value: unknown, what: string): T {
  const reading = tolerant(schema)
  if (readsAsIs(reading, value)) return value
  return parseWith(reading, value, (p) => invalidError(label, what, `${p.path ? `${p.path}: ` : ''}${p.message}.`))
}

/** What a client does around each decoded wire event (remember ids and cursors). */
export interface DecodeHooks<S, W> {
  /** Before the event is decoded (ids the decoder itself needs). */
  before?(event: W, state: S): void | Promise<void>
  /** After it is decoded and before its canonical events go out (links a cancel must find). */
  after?(event: W, state: S): void | Promise<void>
}

/** Feeds wire events through a decoder and yields the canonical events as they come, until its turn is done. */
export async function* decodeEach<S extends MapperState, W>(
  source: AsyncIterable<W>,
  state: S,
  decode: (state: S, event: W) => AgentEvent[],
  hooks: DecodeHooks<S, W> = {},
): AsyncGenerator<AgentEvent> {
  for await (const event of source) {
    const out = step(state, event, decode, hooks)
    yield* Array.isArray(out) ? out : await out
    if (state.done) return
  }
}
