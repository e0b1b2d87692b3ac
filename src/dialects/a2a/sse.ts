import type { SSEMessage } from '../../stream/index.js'
import { mapThrough, sseResponse } from '../../stream/index.js'

/** An AbortController that follows `signal` and can also be aborted on its own (when a stream is canceled). */
export function linkedController(signal: AbortSignal): AbortController {
  const controller = new AbortController()
  if (signal.aborted) controller.abort(signal.reason)
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  return controller
}

/**
 * An A2A event stream: one `data:` frame per event, and a failure after the start as a last `event: error` frame
 * (A2A streams have no event names otherwise). Canceling the stream aborts `controller`, which the source reads.
 */
export function a2aStream(
  source: AsyncIterable<unknown[]>,
  controller: AbortController,
  frame: (event: unknown) => string,
  errorFrame: (error: unknown) => string,
  keepAliveMs?: number,
): Response {
  // A mapping, not a generator: the SSE pump polls it through to the run's log (see `mapThrough`).
  const frames = (): AsyncIterable<SSEMessage[]> =>
    mapThrough(() => source, {
      map: (batch) => batch.map((e) => ({ data: frame(e), json: true })),
      failed: (e) => (controller.signal.aborted ? undefined : [{ event: 'error', data: errorFrame(e), json: true }]),
    })
  return sseResponse(
    (signal) => {
      signal.addEventListener('abort', () => controller.abort(), { once: true })
      return frames()
    },
    { signal: controller.signal, keepAliveMs },
  )
}
