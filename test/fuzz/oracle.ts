// The fuzz suite's oracle: one request in (described compactly, so a counterexample prints readably), what the bridge
// answered judged against the error format of the face the path belongs to. Never a 5xx, never a hang.
import { getPath } from 'hono/utils/url'

/** A request body, kept small until it is sent (so fast-check prints `{ big: 900000 }`, not the megabyte). */
export type BodySpec =
  | { json: unknown }
  | { text: string }
  | { deep: number; open: string; close: string; closed: boolean; prefix: string }
  | { big: number; unit: string; field: string | null }
  | { bytes: number[] }

export interface Req {
  method: string
  /** Path and query, as sent (`/acp/runs/%E0%A4%A?wait=x`). */
  path: string
  headers: Record<string, string>
  body?: BodySpec
}

/** The face whose error format a path's errors must have. */
export type FaceName = 'responses' | 'a2a-rest' | 'a2a-rpc' | 'acp' | 'orq' | 'truefoundry' | 'bridge'

export const TIMEOUTS = {
  /** Until the response (status and headers) is there. */
  headers: 2500,
  /** Until a finite body (JSON, or a stream a request created) has been read to its end. */
  body: 2500,
  /** How long a join of a run (which may be unfinished) is read before it is canceled. */
  join: 150,
}

export const materialize = (body: BodySpec): string | Uint8Array<ArrayBuffer> => {
  if ('json' in body) return JSON.stringify(body.json) ?? ''
  if ('text' in body) return body.text
  if ('deep' in body) {
    const inner = `${body.open.repeat(body.deep)}${body.closed ? body.close.repeat(body.deep) : ''}`
    return body.prefix ? `{"${body.prefix}":${inner}${body.closed ? '}' : ''}` : inner
  }
  if ('big' in body) {
    const s = body.unit.repeat(Math.ceil(body.big / Math.max(1, body.unit.length)))
    return body.field === null ? s : JSON.stringify({ [body.field]: s })
  }
  return new Uint8Array(body.bytes)
}

const URL_BASE = 'http://localhost'
const encoder = new TextEncoder()

/** The path Hono routes by (decoded as Hono decodes it): the bridge picks a face's error format by it. */
export const routedPath = (path: string): string => getPath(new Request(`${URL_BASE}${path}`))

const isRpcPath = (p: string) => /^\/a2a\/[^/]+\/?$/.test(p)

/** The faces a response may speak for: one, or two where routing and the error formatter could disagree. */
export function facesOf(req: Req): FaceName[] {
  const path = routedPath(req.path)
  const under = (base: string) => path === base || path.startsWith(`${base}/`)
  if (under('/v1')) return ['responses']
  if (under('/acp')) return ['acp']
  if (under('/orq')) return ['orq']
  if (under('/truefoundry')) return ['truefoundry']
  if (!under('/a2a')) return ['bridge']
  if (req.method !== 'POST') return ['a2a-rest']
  // The JSON-RPC route matches the routed path; errors thrown before it (key, size) are formatted by the URL's path.
  const routed = isRpcPath(path)
  const formatted = isRpcPath(new URL(`${URL_BASE}${req.path}`).pathname)
  if (routed && formatted) return ['a2a-rpc']
  if (!routed && !formatted) return ['a2a-rest']
  return ['a2a-rpc', 'a2a-rest']
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isStringOrNull = (v: unknown) => v === null || typeof v === 'string'

/** Why `body` (HTTP `status`) is not `face`'s error format, or undefined when it is. */
export function errorShapeProblem(face: FaceName, status: number, body: unknown): string | undefined {
  switch (face) {
    case 'responses': {
      const e = isObject(body) ? body.error : undefined
      if (!isObject(e)) return 'not {error: {…}}'
      if (typeof e.message !== 'string' || !e.message) return 'error.message is not a non-empty string'
      if (typeof e.type !== 'string' || !e.type) return 'error.type is not a string'
      if (!isStringOrNull(e.param)) return 'error.param is not a string or null'
      if (!isStringOrNull(e.code)) return 'error.code is not a string or null'
      return undefined
    }
    case 'a2a-rest': {
      const e = isObject(body) ? body.error : undefined
      if (!isObject(e)) return 'not {error: {…}}'
      if (e.code !== status) return `error.code ${JSON.stringify(e.code)} is not the HTTP status ${status}`
      if (typeof e.status !== 'string' || !e.status) return 'error.status is not a string'
      if (typeof e.message !== 'string' || !e.message) return 'error.message is not a non-empty string'
      if (!Array.isArray(e.details) || !e.details.every((d) => isObject(d) && typeof d['@type'] === 'string'))
        return 'error.details is not a list of typed details'
      return undefined
    }
    case 'a2a-rpc':
      return rpcProblem(body, true)
    case 'acp':
      return typeof body === 'string' && body ? undefined : 'not a non-empty JSON string'
    case 'orq':
      return isObject(body) && typeof body.message === 'string' && body.message ? undefined : 'not {message}'
    case 'truefoundry': {
      // TrueFoundry's RequestErrorResponse, as the face always fills it: `{error: {message, type, code, param?}}`.
      const e = isObject(body) ? body.error : undefined
      if (!isObject(e)) return 'not {error: {…}}'
      if (typeof e.message !== 'string' || !e.message) return 'error.message is not a non-empty string'
      if (typeof e.type !== 'string' || !e.type) return 'error.type is not a string'
      if (typeof e.code !== 'string' || !e.code) return 'error.code is not a string'
      if (e.param !== undefined && typeof e.param !== 'string') return 'error.param is not a string'
      return undefined
    }
    case 'bridge': {
      const e = isObject(body) ? body.error : undefined
      if (!isObject(e)) return 'not {error: {…}}'
      if (typeof e.code !== 'string' || typeof e.message !== 'string' || !e.message)
        return 'not {error: {code, message}}'
      return undefined
    }
  }
}

/** Why `body` is not a JSON-RPC 2.0 response (an error one when `error`), or undefined. */
function rpcProblem(body: unknown, error: boolean): string | undefined {
  if (!isObject(body) || body.jsonrpc !== '2.0') return 'not a JSON-RPC 2.0 envelope'
  if (!('id' in body) || !(isStringOrNull(body.id) || typeof body.id === 'number')) return 'the id is missing or odd'
  if ('result' in body === 'error' in body) return 'not exactly one of result and error'
  if (error && !('error' in body)) return 'not an error envelope'
  if ('error' in body) {
    const e = body.error
    if (!isObject(e) || !Number.isInteger(e.code) || typeof e.message !== 'string' || !e.message)
      return 'error is not {code: integer, message}'
  }
  return undefined
}

const TIMEOUT = Symbol('timeout')

async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Reads a body to its end, or for `ms` when `mayStayOpen`; `ended` says whether the stream ended by itself. */
async function readBody(res: Response, ms: number): Promise<{ text: string; ended: boolean }> {
  if (!res.body) return { text: '', ended: true }
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const until = Date.now() + ms
  try {
    for (;;) {
      const chunk = await within(reader.read(), Math.max(1, until - Date.now()))
      if (chunk === TIMEOUT) return { text, ended: false }
      if (chunk.done) return { text: text + decoder.decode(), ended: true }
      text += decoder.decode(chunk.value, { stream: true })
    }
  } finally {
    // A stream stuck inside the bridge may never finish canceling either: do not wait for it long.
    await within(
      reader.cancel().catch(() => {}),
      50,
    )
  }
}

/** Every `data:` of an event stream is JSON (or `[DONE]`); the last, unfinished event is skipped unless `ended`. */
function sseProblem(text: string, ended: boolean): string | undefined {
  const events = text.split(/\r\n\r\n|\n\n|\r\r/)
  if (!ended) events.pop()
  for (const event of events) {
    const data = event
      .split(/\r\n|\n|\r/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
    if (!data.length) continue
    const joined = data.join('\n')
    if (joined === '[DONE]') continue
    try {
      JSON.parse(joined)
    } catch {
      return `an event's data is not JSON: ${clip(joined)}`
    }
  }
  return undefined
}

export const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s)

/** The request as a reader of the report would retype it. */
export function describeReq(req: Req): string {
  const body = req.body === undefined ? '(none)' : materialize(req.body)
  const shown = typeof body === 'string' ? clip(JSON.stringify(body), 300) : `bytes ${JSON.stringify([...body])}`
  return `${req.method} ${clip(req.path, 200)}\n  headers: ${clip(JSON.stringify(req.headers), 300)}\n  body: ${shown}`
}

export interface Verdict {
  status: number
  contentType: string
  text: string
  /** What is wrong, or undefined. */
  problem?: string
}

/** The app's `request` (Hono's in-process request), or anything else answering a Request. */
export type Handler = (request: Request) => Response | Promise<Response>

/**
 * Sends `req` and judges the answer: no 5xx, a 4xx in the face's own error format, a success whose body ends (or, for
 * a join that may stay open, whose headers came in time), all within the deadlines. `mayStayOpen` marks joins.
 */
export async function judge(
  handle: Handler,
  req: Req,
  mayStayOpen: boolean,
  timeouts: typeof TIMEOUTS = TIMEOUTS,
): Promise<Verdict> {
  const init: RequestInit = { method: req.method, headers: req.headers }
  if (req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
    const body = materialize(req.body)
    // A string body would get `text/plain` by default; as bytes it goes without a content type when none is given.
    const typed = Object.keys(req.headers).some((h) => h.toLowerCase() === 'content-type')
    init.body =
      typeof body === 'string' && typed ? body : new Blob([typeof body === 'string' ? encoder.encode(body) : body])
  }
  const request = new Request(`${URL_BASE}${req.path}`, init)
  let answered: Response | typeof TIMEOUT
  try {
    answered = await within(Promise.resolve(handle(request)), timeouts.headers)
  } catch (e) {
    return { status: 0, contentType: '', text: '', problem: `the request threw: ${(e as Error)?.stack ?? e}` }
  }
  if (answered === TIMEOUT)
    return { status: 0, contentType: '', text: '', problem: `hang: no response within ${timeouts.headers} ms` }
  const res = answered
  const contentType = res.headers.get('content-type') ?? ''
  const sse = /^text\/event-stream/i.test(contentType)
  const streamJoin = sse && mayStayOpen && res.status < 300
  let read: { text: string; ended: boolean }
  try {
    read = await readBody(res, streamJoin ? timeouts.join : timeouts.body)
  } catch (e) {
    return {
      status: res.status,
      contentType,
      text: '',
      problem: `the body failed while read: ${(e as Error)?.stack ?? e}`,
    }
  }
  const { text, ended } = read
  const verdict = (problem?: string): Verdict => ({ status: res.status, contentType, text, problem })
  if (!ended && !streamJoin) return verdict(`hang: the body did not end within ${timeouts.body} ms`)
  if (res.status >= 500) return verdict(`${res.status}`)
  if (res.status < 200 || (res.status >= 300 && res.status < 400)) return verdict(`unexpected status ${res.status}`)
  if (sse) return verdict(res.status < 300 ? sseProblem(text, ended) : `a ${res.status} as an event stream`)

  let body: unknown
  let parsed = false
  if (text) {
    try {
      body = JSON.parse(text)
      parsed = true
    } catch {
      parsed = false
    }
  }
  const faces = facesOf(req)
  if (res.status < 300) {
    if (/json/i.test(contentType) && text && !parsed) return verdict('a success whose JSON body does not parse')
    // A POST to a JSON-RPC URL is answered with a JSON-RPC envelope, success or error.
    if (faces.length === 1 && faces[0] === 'a2a-rpc') {
      if (!parsed) return verdict('a JSON-RPC answer that is not JSON')
      const problem = rpcProblem(body, false)
      return verdict(problem && `a ${res.status} that is ${problem}`)
    }
    return verdict()
  }
  if (!/json/i.test(contentType)) return verdict(`a ${res.status} with content-type '${contentType}'`)
  if (!parsed) return verdict(`a ${res.status} whose body is not JSON`)
  const problems = faces.map((face) => `${face}: ${errorShapeProblem(face, res.status, body)}`)
  const fits = faces.some((face) => errorShapeProblem(face, res.status, body) === undefined)
  return verdict(fits ? undefined : `a ${res.status} not in the face's error format (${problems.join('; ')})`)
}

/** A failed verdict as an Error naming the request and the answer (fast-check adds the seed and path). */
export function failure(req: Req, v: Verdict): Error {
  return new Error(
    `${v.problem}\n${describeReq(req)}\n  got: ${v.status} ${v.contentType}\n  ${clip(v.text.replace(/\n/g, '\\n'), 500)}`,
  )
}
