import { createParser } from 'eventsource-parser'

/** One server-sent event as read off the wire. */
export interface SSEEvent {
  event?: string
  id?: string
  data: string
}

/**
 * Reads server-sent events from a fetch body. Ends when the body ends; aborting `signal` cancels the body,
 * so the upstream connection closes with the consumer. The parser is fed whole network chunks (not one
 * stream hop per event), which keeps a fast stream cheap.
 */
export async function* readSSE(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SSEEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let ready: SSEEvent[] = []
  const parser = createParser({ onEvent: (e) => ready.push({ event: e.event, id: e.id, data: e.data }) })
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {})
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    if (signal?.aborted) return
    for (;;) {
      const { done, value } = await reader.read()
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }))
      const batch = ready
      ready = []
      for (const event of batch) {
        yield event
        if (signal?.aborted) return
      }
      if (done) return
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    await reader.cancel().catch(() => {})
  }
}
