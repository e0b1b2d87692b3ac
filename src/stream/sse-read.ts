import { EventSourceParserStream } from 'eventsource-parser/stream'

/** One server-sent event as read off the wire. */
export interface SSEEvent {
  event?: string
  id?: string
  data: string
}

/**
 * Reads server-sent events from a fetch body. Ends when the body ends; aborting `signal`
 * cancels the body, so the upstream connection closes with the consumer.
 */
export async function* readSSE(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SSEEvent> {
  const reader = body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())
    .getReader()
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {})
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    if (signal?.aborted) return
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield { event: value.event, id: value.id, data: value.data }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    await reader.cancel().catch(() => {})
  }
}
