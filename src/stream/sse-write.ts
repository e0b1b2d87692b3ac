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
  if (/[\r\n]/.test(value)) throw new TypeError(`SSE ${name} must not contain line breaks`)
  return value
}

export function formatSSE(message: SSEMessage): string {
  let out = ''
  if (message.event !== undefined) out += `event: ${singleLine('event', message.event)}\n`
  if (message.id !== undefined) out += `id: ${singleLine('id', message.id)}\n`
  if (message.retry !== undefined) out += `retry: ${message.retry}\n`
  for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return `${out}\n`
}

export interface SSEStreamOptions {
  /** Send a `: keep-alive` comment after this many idle milliseconds (0 disables). Default 15000. */
  keepAliveMs?: number
  /** Aborting it (the request's signal, a shutdown) ends the stream and the source. */
  signal?: AbortSignal
  /** Turns a failure of the source into a last event in the dialect's own error format. */
  onError?: (error: unknown) => SSEMessage | undefined
}

const KEEP_ALIVE = encoder.encode(': keep-alive\n\n')
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
              controller.enqueue(KEEP_ALIVE)
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
