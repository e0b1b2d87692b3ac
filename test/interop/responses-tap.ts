// A transparent HTTP tap in front of an upstream: forwards every request as it is and streams every answer back
// chunk by chunk, recording what went upstream (method, path, JSON body) and when the upstream's answer started and
// ended. aimock's own journal records a /v1/responses request as its chat-completions translation, which drops
// `previous_response_id`; the tap sees the request as the bridge sent it.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TappedRequest {
  method: string
  path: string
  /** The request body parsed as JSON (undefined when it was empty or not JSON). */
  body: Record<string, unknown> | undefined
  /** When the request reached the tap (ms since the epoch). */
  startedAt: number
  /** When the upstream's whole answer had gone through the tap; undefined while it is still going. */
  endedAt?: number
}

export interface Tap {
  url: string
  requests: TappedRequest[]
  close(): Promise<void>
}

export async function startTap(target: string): Promise<Tap> {
  const upstream = new URL(target)
  const requests: TappedRequest[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      let body: Record<string, unknown> | undefined
      try {
        body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined
      } catch {
        body = undefined
      }
      const entry: TappedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body, startedAt: Date.now() }
      requests.push(entry)
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.on('data', (chunk: Buffer) => res.write(chunk))
          answer.on('end', () => {
            entry.endedAt = Date.now()
            res.end()
          })
          answer.on('error', () => res.destroy())
        },
      )
      forward.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`tap: ${error.message}`)
      })
      res.on('close', () => forward.destroy())
      forward.end(raw)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
