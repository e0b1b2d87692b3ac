import type { SSEEvent } from './sse-read.js'

export interface SSEMessage extends SSEEvent {
  retry?: number
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

export function formatSSE(message: SSEMessage): string {
  let out = ''
  if (message.event !== undefined) out += `event: ${singleLine('event', message.event)}\n`
  if (message.id !== undefined) out += `id: ${singleLine('id', message.id)}\n`
  if (message.retry !== undefined) out += `retry: ${message.retry}\n`
  // JSON (what every face sends) has no raw line breaks: one data line, without splitting.
  const { data } = message
  if (!data.includes('\n') && !data.includes('\r')) return `${out}data: ${data}\n\n`
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
 * line alone ends no event: it becomes a comment in the next event block (`: keep-alive`, `id: 3`, `event:
 * agent_event`, `data: …`, blank line), which every parser skips. The reference ACP server (workflow-srv) writes a
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

const IDLE = Symbol('idle')

/** What an SSE source yields: one message, or a batch that goes out as one chunk (one write, not N). */
export type SSEChunk = SSEMessage | readonly SSEMessage[]

/**
 * An SSE byte stream over a source of messages. Pull-based, so a slow client only slows its own reader,
 * and the source gets an AbortSignal that fires when the client goes away, even while the source waits
 * for its next event (an async generator's `return()` alone would wait for that event to arrive).
 */
export function sseStream(
  open: (signal: AbortSignal) => AsyncIterable<SSEChunk>,
  options: SSEStreamOptions = {},
): ReadableStream<Uint8Array> {
  const keepAliveMs = options.keepAliveMs ?? 15_000
  const keepAliveText = options.keepAlive ?? KEEP_ALIVE_COMMENT
  if (!COMMENT_LINES.test(keepAliveText)) throw new TypeError('An SSE keep-alive must be comment lines (":" first)')
  const keepAlive = encoder.encode(keepAliveText)
  const abort = new AbortController()
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined
  let next: Promise<IteratorResult<SSEChunk>> | undefined
  let finished = false

  const finish = () => {
    finished = true
    options.signal?.removeEventListener('abort', onOuterAbort)
  }
  // The outer signal ends the stream at once, even if the source never looks at its own signal.
  const onOuterAbort = () => {
    abort.abort(options.signal?.reason)
    if (finished) return
    finish()
    try {
      controller?.close()
    } catch {
      // already closed or errored
    }
    void iterator.return?.()?.catch(() => {})
  }

  const iterator = open(abort.signal)[Symbol.asyncIterator]()
  if (options.signal?.aborted) onOuterAbort()
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true })

  const idle = (ms: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const promise = new Promise<typeof IDLE>((resolve) => {
      timer = setTimeout(() => resolve(IDLE), ms)
    })
    return { promise, clear: () => clearTimeout(timer) }
  }

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
        if (finished) c.close()
      },
      async pull(controller) {
        // Loops until it has something to send: an empty batch or a source that skips must not stall the stream.
        while (!finished) {
          try {
            next ??= iterator.next()
            let result: IteratorResult<SSEChunk> | typeof IDLE
            if (keepAliveMs > 0) {
              const timer = idle(keepAliveMs)
              result = await Promise.race([next, timer.promise]).finally(timer.clear)
            } else {
              result = await next
            }
            if (finished) return // canceled while waiting
            if (result === IDLE) {
              controller.enqueue(keepAlive)
              return
            }
            next = undefined
            if (result.done || abort.signal.aborted) {
              finish()
              controller.close()
              return
            }
            const batch: readonly SSEMessage[] = Array.isArray(result.value)
              ? result.value
              : [result.value as SSEMessage]
            if (batch.length === 0) continue
            controller.enqueue(encoder.encode(batch.map(formatSSE).join('')))
            return
          } catch (error) {
            if (finished) return
            finish()
            const last = abort.signal.aborted ? undefined : options.onError?.(error)
            if (last) controller.enqueue(encoder.encode(formatSSE(last)))
            controller.close()
            return
          }
        }
      },
      async cancel(reason) {
        finish()
        abort.abort(reason)
        await iterator.return?.().catch(() => {})
      },
    },
    { highWaterMark: 0 },
  )
}

/** A `text/event-stream` Response over a source of messages (see `sseStream`). */
export function sseResponse(
  open: (signal: AbortSignal) => AsyncIterable<SSEChunk>,
  options: SSEStreamOptions & { status?: number; headers?: Record<string, string> } = {},
): Response {
  return new Response(sseStream(open, options), {
    status: options.status ?? 200,
    headers: { ...SSE_HEADERS, ...options.headers },
  })
}
