// Node only: an SSE answer written straight to Node's response, skipping the web stream in between (one
// `res.write` per batch instead of a TextEncoder, a ReadableStream read and a promise per chunk). Any other answer,
// or one whose body was wrapped or read on the way, goes out through @hono/node-server as usual.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { SSEPump } from './stream/index.js'
import { claimSSEResponsePump } from './stream/index.js'

/** What @hono/node-server hands a fetch handler as its second argument. */
export interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

// biome-ignore lint/suspicious/noExplicitAny: @hono/node-server's own bindings type (HTTP/1 or HTTP/2) is passed through.
type Fetch = (request: Request, env?: any) => Response | Promise<Response>

/** The fetch handler, with its SSE answers written by `writeSSE`. */
export function withNodeSSE(fetch: Fetch): Fetch {
  return async (request, env) => {
    const res = await fetch(request, env)
    const outgoing = (env as NodeBindings | undefined)?.outgoing
    const pump = outgoing && !outgoing.headersSent ? claimSSEResponsePump(res) : undefined
    if (!outgoing || !pump) return res
    writeSSE(outgoing, res, pump)
    // Tells @hono/node-server the response is already being written.
    return RESPONSE_ALREADY_SENT
  }
}

/** Writes the answer's status and headers, then every batch of the pump as one `write`, with Node's backpressure. */
export function writeSSE(outgoing: ServerResponse, res: Response, pump: SSEPump): void {
  const headers: Record<string, string | string[]> = {}
  res.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = res.headers.getSetCookie()
  if (cookies.length) headers['set-cookie'] = cookies
  outgoing.writeHead(res.status, headers)
  // The headers go out with the first batch, one write instead of two, when it comes at once (it usually does); a
  // source slow to start gets them sent on their own, so the client knows the stream is open.
  let wrote = false
  setImmediate(() => {
    // An answer that already ended (an empty stream) sent its headers with its end.
    if (!wrote && !outgoing.writableEnded && !outgoing.destroyed) outgoing.flushHeaders()
  })
  const gone = () => void pump.stop()
  outgoing.once('close', gone)
  outgoing.on('error', gone)
  void pump.run({
    write: (text) => {
      wrote = true
      return outgoing.write(text)
    },
    desired: () => !outgoing.writableNeedDrain && !outgoing.destroyed,
    ready: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          outgoing.off('drain', done)
          outgoing.off('close', done)
          resolve()
        }
        outgoing.once('drain', done)
        outgoing.once('close', done)
      }),
    end: () => {
      if (!outgoing.writableEnded) outgoing.end()
    },
  })
}
