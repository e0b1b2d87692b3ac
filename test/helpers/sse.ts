import { readSSE } from '../../src/stream/index.js'
import type { SSEEvent } from '../../src/stream/index.js'

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

/** Every SSE event of a response body, in order. */
export async function readAll(res: Response): Promise<SSEEvent[]> {
  if (!res.body) throw new Error('no body')
  const out: SSEEvent[] = []
  for await (const e of readSSE(res.body)) out.push(e)
  return out
}

/** The JSON payloads of an SSE stream; `[DONE]` stays a string. */
export const payloads = (events: SSEEvent[]): unknown[] =>
  events.map((e) => (e.data === '[DONE]' ? e.data : JSON.parse(e.data)))
