import { isPollable, PENDING, type Pollable } from './poll.js'
import type { SSEEvent } from './sse-read.js'

export interface SSEMessage extends SSEEvent {
  retry?: number
  /**
   * `data` is JSON as `JSON.stringify` writes it, which never holds a raw line break: it goes out as one `data:` line
   * without being searched for one (a search would first copy a string built from pieces into one).
   */
  json?: boolean
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Stops nginx-style proxies from buffering the stream into one late chunk.
  'x-accel-buffering': 'no',
}

const encoder = new TextEncoder()

const singleLine = (name: string, value: string): string => {
  if (value.includes('\n') || value.includes('\r')) throw new TypeError(`SSE ${name} must not contain line breaks`)
  return value
}

/**
 * At most about this many characters go out in one write: a batch past it (a replay's backlog, large ACP `values`
 * snapshots) goes out in parts, each when the receiver wants it, never as one string that grows with the batch. A
 * message is never split: a part holds at least one, whatever its size.
 */
export const MAX_WRITE_CHARS = 1 << 20

/**
 * The last event name written and what goes before a data line under it: a stream's names come in runs (a delta after
 * a delta), so each is checked and its lines built once per run, not once per event.
 */
let lastEvent: string | undefined
let lastEventPrefix = 'data: '
const dataPrefix = (event: string | undefined): string => {
  if (event !== lastEvent) {
    lastEventPrefix = event === undefined ? 'data: ' : `event: ${singleLine('event', event)}\ndata: `
    lastEvent = event
  }
  return lastEventPrefix
}
/** The same for what goes before an id line. */
let lastIdEvent: string | undefined
let lastIdPrefix = 'id: '
const idPrefix = (event: string | undefined): string => {
  if (event !== lastIdEvent) {
    lastIdPrefix = event === undefined ? 'id: ' : `event: ${singleLine('event', event)}\nid: `
    lastIdEvent = event
  }
  return lastIdPrefix
}

/** Whether an id is all digits and dots (the ids faces write: `12`, `12.1`), which need no search for line breaks. */
const plainId = (id: string): boolean => {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    if ((c < 48 || c > 57) && c !== 46) return false
  }
  return true
}

export function formatSSE(message: SSEMessage): string {
  // JSON (what every face sends) has no raw line breaks: one data line, without splitting.
  const { data, id } = message
  const oneLine = message.json || (!data.includes('\n') && !data.includes('\r'))
  if (oneLine && message.retry === undefined) {
    if (id === undefined) return `${dataPrefix(message.event)}${data}\n\n`
    // A stream whose events carry ids (ACP): the event line, then the id, then the data.
    if (plainId(id)) return `${idPrefix(message.event)}${id}\ndata: ${data}\n\n`
  }
  let out = ''
  if (message.event !== undefined) out += `event: ${singleLine('event', message.event)}\n`
  if (message.id !== undefined) out += `id: ${singleLine('id', message.id)}\n`
  if (message.retry !== undefined) out += `retry: ${message.retry}\n`
  if (oneLine) return `${out}data: ${data}\n\n`
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return `${out}\n`
}

/**
 * Keep-alives: what goes out after `keepAliveMs` of silence, so proxies and load balancers keep an idle stream open.
 * Both forms are SSE comments, which no conforming parser turns into an event; they differ in the blank line after.
 *
 * `KEEP_ALIVE_COMMENT`, a comment block, is the default (the Responses and A2A faces). Their official clients skip
 * it: openai-node's SSEDecoder and @a2a-js/sdk's parseSseStream skip `:` lines and dispatch a blank line only when an
 * `event:` or `data:` line came before it; openai-python and a2a-python (both httpx-sse's decoder) too, as long as no
 * `id:` line was ever sent, and those faces send none. httpx-sse keeps the last event id and dispatches every later
 * blank line as an event with empty data (openai-python then fails on `json.loads('')`), so a face that writes `id:`
 * lines must not use it.
 *
 * `KEEP_ALIVE_LINE`, a comment line with no blank line after it, is for the ACP face. The official ACP client
 * (agntcy-acp, `server_side_events.py`) dispatches every blank line as an event and parses its data as a
 * `StreamEventPayload`, so a comment block reaches it as an empty event and a ValueError ends its stream. A comment
 * line alone ends no event: it becomes a comment in the next event block (`: keep-alive`, `event: agent_event`,
 * `id: 3`, `data: …`, blank line), which every parser skips. The reference ACP server (workflow-srv) writes a
 * bare `:` with no line end, which that client glues to the next line, losing that event's `id:`; a whole line keeps
 * it.
 */
export const KEEP_ALIVE_COMMENT = ': keep-alive\n\n'
/** A keep-alive that ends no event (see `KEEP_ALIVE_COMMENT`): for clients that dispatch every blank line. */
export const KEEP_ALIVE_LINE = ': keep-alive\n'

/** SSE comment lines (`:` first), optionally closed by one blank line. */
const COMMENT_LINES = /^(?::[^\r\n]*\n)+\n?$/

export interface SSEStreamOptions {
  /** Send a keep-alive after this many idle milliseconds (0 disables). Default 15000. */
  keepAliveMs?: number
  /** The keep-alive's text: SSE comment lines only. Default `KEEP_ALIVE_COMMENT`. */
  keepAlive?: string
  /** Aborting it (the request's signal, a shutdown) ends the stream and the source. */
  signal?: AbortSignal
  /** Turns a failure of the source into a last event in the dialect's own error format. */
  onError?: (error: unknown) => SSEMessage | undefined
}

/** What an SSE source yields: one message, or a batch that goes out as one write, not N (in parts past MAX_WRITE_CHARS). */
export type SSEChunk = SSEMessage | readonly SSEMessage[]

/** Where an `SSEPump` writes: a web stream's controller, or a transport's own response (Node's, say). */
export interface SSESink {
  /** Writes the text; false once the receiver wants nothing more until `ready()` resolves. */
  write(text: string): boolean
  /** Whether the receiver takes more now. */
  desired(): boolean
  /** Resolves once the receiver takes more (or has gone away). */
  ready(): Promise<void>
  end(): void
}

/**
 * Drives an SSE source into a sink: each batch the source yields goes out as one write (in parts past MAX_WRITE_CHARS),
 * the source is asked for more only while the receiver takes it (a slow client only slows its own reader), and a
 * keep-alive goes out after `keepAliveMs` of silence. One timer per idle period, not one per event: on a busy stream it rarely fires. The source
 * gets an AbortSignal that fires when the receiver goes away, even while the source waits for its next event (an
 * async generator's `return()` alone would wait for that event to arrive).
 */
export class SSEPump {
  readonly #abort = new AbortController()
  readonly #iterator: AsyncIterator<SSEChunk>
  readonly #options: SSEStreamOptions
  readonly #keepAlive: string
  #sink: SSESink | undefined
  #started = false
  #finished = false
  #lastWrite = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  /** A batch being written in parts (see MAX_WRITE_CHARS), and where its next part starts. */
  #batch: readonly SSEMessage[] | undefined
  #at = 0
  /** Settles `run` when the source is polled (see `#pump`). */
  #over: (() => void) | undefined

  constructor(open: (signal: AbortSignal) => AsyncIterable<SSEChunk>, options: SSEStreamOptions = {}) {
    this.#options = options
    this.#keepAlive = options.keepAlive ?? KEEP_ALIVE_COMMENT
    if (!COMMENT_LINES.test(this.#keepAlive)) throw new TypeError('An SSE keep-alive must be comment lines (":" first)')
    this.#iterator = open(this.#abort.signal)[Symbol.asyncIterator]()
    if (options.signal?.aborted) this.#onOuterAbort()
    else options.signal?.addEventListener('abort', this.#onOuterAbort, { once: true })
  }

  /** Whether `run` has begun: a pump runs into one sink only. */
  get started(): boolean {
    return this.#started
  }

  /** Writes the source into the sink until it ends, fails, or `stop()`; then ends the sink. */
  async run(sink: SSESink): Promise<void> {
    if (this.#started) throw new TypeError('An SSE pump runs once')
    this.#started = true
    this.#sink = sink
    if (this.#finished) return sink.end()
    this.#lastWrite = Date.now()
    this.#armKeepAlive(this.#options.keepAliveMs ?? 15_000)
    if (isPollable(this.#iterator)) {
      const over = new Promise<void>((resolve) => {
        this.#over = resolve
      })
      this.#pump()
      return over
    }
    try {
      for (;;) {
        if (!sink.desired()) await sink.ready()
        if (this.#finished) return
        if (this.#batch) {
          this.#writePart()
          continue
        }
        const result = await this.#iterator.next()
        if (this.#finished) return // stopped while waiting
        if (result.done || this.#abort.signal.aborted) return this.#end()
        this.#take(result.value)
      }
    } catch (error) {
      this.#fail(error)
    }
  }

  /**
   * `run` over a source that can be polled: what is ready goes out at once, then one wait (on the source, or on the
   * receiver); no promise per batch.
   */
  #pump = (): void => {
    const sink = this.#sink as SSESink
    const source = this.#iterator as Pollable<SSEChunk>
    try {
      for (;;) {
        if (this.#finished) return
        // The next part, or batch, is taken only once the receiver wants it.
        if (!sink.desired()) return void sink.ready().then(this.#pump)
        if (this.#batch) {
          this.#writePart()
          continue
        }
        const result = source.poll()
        if (result === PENDING) return void source.wait(this.#pump)
        if (result.done || this.#abort.signal.aborted) return void this.#end()
        this.#take(result.value)
      }
    } catch (error) {
      this.#fail(error)
    }
  }

  #take(chunk: SSEChunk) {
    this.#batch = Array.isArray(chunk) ? (chunk as readonly SSEMessage[]) : [chunk as SSEMessage]
    this.#at = 0
  }

  /** The batch's next part (all of it, usually) as one write; an empty batch writes nothing. */
  #writePart() {
    const batch = this.#batch as readonly SSEMessage[]
    // Joined once: the text is built flat, not as a chain of concatenations the write would have to copy into one.
    const texts: string[] = []
    let length = 0
    let i = this.#at
    for (; i < batch.length; i++) {
      const message = formatSSE(batch[i] as SSEMessage)
      if (length && length + message.length > MAX_WRITE_CHARS) break
      texts.push(message)
      length += message.length
    }
    this.#at = i
    if (i >= batch.length) this.#batch = undefined
    if (length) this.#write(texts.length === 1 ? (texts[0] as string) : texts.join(''))
  }

  #fail(error: unknown) {
    if (this.#finished) return
    const last = this.#abort.signal.aborted ? undefined : this.#options.onError?.(error)
    if (last) this.#write(formatSSE(last))
    this.#end()
  }

  /** The receiver went away: the source is aborted and its `finally` runs. */
  async stop(reason?: unknown): Promise<void> {
    const wasFinished = this.#finished
    this.#finish()
    // A stream that already ended (Node says 'close' after every response) has no source left to stop; an abort would
    // only cost an AbortError with its stack.
    if (wasFinished && this.#started) return
    this.#abort.abort(reason)
    await this.#iterator.return?.().catch(() => {})
  }

  #write(text: string) {
    this.#sink?.write(text)
    this.#lastWrite = Date.now()
  }

  #armKeepAlive(ms: number) {
    if (ms <= 0 || this.#finished) return
    this.#timer = setTimeout(() => {
      if (this.#finished) return
      const idle = Date.now() - this.#lastWrite
      // A receiver that takes nothing now (a slow client) gets no keep-alives piling up either.
      if (idle >= ms && this.#sink?.desired()) this.#write(this.#keepAlive)
      this.#armKeepAlive(Math.max(1, ms - (Date.now() - this.#lastWrite)))
    }, ms)
  }

  #finish() {
    this.#finished = true
    clearTimeout(this.#timer)
    this.#options.signal?.removeEventListener('abort', this.#onOuterAbort)
    this.#over?.()
  }

  #end() {
    this.#finish()
    this.#sink?.end()
  }

  // The outer signal ends the stream at once, even if the source never looks at its own signal.
  #onOuterAbort = () => {
    this.#abort.abort(this.#options.signal?.reason)
    if (this.#finished) return
    this.#end()
    void this.#iterator.return?.()?.catch(() => {})
  }
}

const PUMP: unique symbol = Symbol('dialect-bridge.sse-pump')

/**
 * The pump behind a body `sseStream` made, for a transport that writes it to its own response (Node's), skipping the
 * web stream: undefined once the stream has been read, or for any other body.
 */
export function claimSSEPump(body: ReadableStream<Uint8Array> | null | undefined): SSEPump | undefined {
  const pump = (body as { [PUMP]?: SSEPump } | null | undefined)?.[PUMP]
  return pump && !pump.started && !body?.locked ? pump : undefined
}

/**
 * An SSE byte stream over a source of messages (see `SSEPump`). Pull-based: the source is asked for its next batch
 * only once the reader wants more.
 */
export function sseStream(
  open: (signal: AbortSignal) => AsyncIterable<SSEChunk>,
  options: SSEStreamOptions = {},
): ReadableStream<Uint8Array> {
  const pump = new SSEPump(open, options)
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let wanted = false
  let demand: (() => void) | undefined
  let closed = false
  const sink: SSESink = {
    write(text) {
      if (!closed) controller.enqueue(encoder.encode(text))
      wanted = false // one chunk per read
      return false
    },
    desired: () => wanted || closed,
    ready: () =>
      wanted || closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            demand = resolve
          }),
    end() {
      if (closed) return
      closed = true
      try {
        controller.close()
      } catch {
        // already closed or errored
      }
      demand?.()
    },
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      pull() {
        wanted = true
        if (!pump.started) {
          void pump.run(sink)
          return
        }
        const waiting = demand
        demand = undefined
        waiting?.()
      },
      async cancel(reason) {
        closed = true
        const waiting = demand
        demand = undefined
        waiting?.()
        await pump.stop(reason)
      },
    },
    { highWaterMark: 0 },
  )
  Object.defineProperty(stream, PUMP, { value: pump })
  return stream
}

/**
 * The pump behind each Response `sseResponse` made, so a transport finds it without reading `.body`: in Node, reading
 * it makes @hono/node-server build a full undici Response for every stream, which the Node transport never uses.
 */
const responsePumps = new WeakMap<Response, SSEPump>()

/**
 * The pump behind an SSE answer, for a transport that writes it to its own response: the Response `sseResponse` made
 * (while nothing has started its pump), else one whose body `sseStream` made (a response rebuilt on the way keeps its
 * body); undefined for any other answer.
 */
export function claimSSEResponsePump(res: Response): SSEPump | undefined {
  const pump = responsePumps.get(res)
  if (pump) return pump.started ? undefined : pump
  return claimSSEPump(res.body)
}

/** A `text/event-stream` Response over a source of messages (see `sseStream`). */
export function sseResponse(
  open: (signal: AbortSignal) => AsyncIterable<SSEChunk>,
  options: SSEStreamOptions & { status?: number; headers?: Record<string, string> } = {},
): Response {
  const body = sseStream(open, options)
  const response = new Response(body, {
    status: options.status ?? 200,
    headers: { ...SSE_HEADERS, ...options.headers },
  })
  responsePumps.set(response, (body as ReadableStream<Uint8Array> & { [PUMP]: SSEPump })[PUMP])
  return response
}
