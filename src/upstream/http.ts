// Every upstream request goes through here: the configured headers, a deadline for the answer, retries with backoff
// while nothing has been received yet, and one reading of failures (errors.ts).
import { BridgeError } from '../core/index.js'
import type { RunStore } from '../store/index.js'
import { sleep } from '../stream/index.js'
import { networkError, parseJson, statusError, timeoutError, where } from './errors.js'

/** How patient the bridge is with an upstream, per agent in the configuration (`timeouts`, `retries`). */
export interface UpstreamLimits {
  /** Until the answer's status and headers arrive. Default 30 s. Long-poll calls (a blocking wait) are exempt. */
  connectTimeoutMs?: number
  /** Until the first bytes of a streamed answer arrive. Default 120 s. */
  firstByteTimeoutMs?: number
  /** Tries after the first, before any byte came back: refused connections, 429 and 502–504. Default 2. */
  retries?: number
  /** The first backoff; each retry doubles it. Default 250 ms. */
  backoffMs?: number
  /** The longest `Retry-After` the bridge waits out; a longer one fails at once. Default 10 s. */
  maxRetryAfterMs?: number
}

/** What every upstream client is given from its configuration entry (each client adds its own options). */
export interface UpstreamClientOptions extends UpstreamLimits {
  /** The agent id on the bridge. */
  id: string
  /** The upstream, from configuration only. */
  url: string
  /** Sent with the upstream's requests (credentials live here), to its own origin only. */
  headers?: Record<string, string>
  /** Other origins the upstream sends the bridge to (an agent card naming another host) that may have `headers`. */
  credentialOrigins?: readonly string[]
  name?: string
  description?: string
  /** Where the client keeps its links (and the run store of the bridge it serves). */
  store: RunStore
  fetch?: typeof fetch
  /** Told of what the client skips or works around. */
  log?: (line: string) => void
}

export interface UpstreamOptions extends UpstreamLimits {
  /** How errors name the upstream: `Responses server`, `A2A agent`, `ACP server`. */
  label: string
  /** The configured upstream URL: its origin is where `headers` may go. */
  url: string
  /**
   * The configured headers (credentials): sent only to the origin of `url` and to `credentialOrigins`, never to a
   * host an upstream's answer names; their values never appear in an error.
   */
  headers?: Record<string, string>
  credentialOrigins?: readonly string[]
  /** The dialect's own headers (`accept`, `a2a-version`), sent with every request; a call's own come on top. */
  protocolHeaders?: Record<string, string>
  fetch?: typeof fetch
  /** Told when credentials are held back from an origin. */
  log?: (line: string) => void
}

export interface CallInit extends Omit<RequestInit, 'body'> {
  /** JSON text (or nothing): a string, so a retry can send it again. */
  body?: string
  /** The answer may take as long as the work (a blocking wait): no connect timeout. */
  longPoll?: boolean
  /** Statuses to hand back instead of throwing (a JSON-RPC error body comes with its own status). */
  accept?: (status: number) => boolean
}

/** The client side of one upstream: fetch with its headers, deadlines, retries and error mapping. */
export interface Upstream {
  readonly label: string
  readonly limits: Required<UpstreamLimits>
  /** An answer with a 2xx status (or one `accept` takes); anything else is a canonical BridgeError. */
  fetch(url: string, init?: CallInit): Promise<Response>
  /** The whole answer as text, read within the connect deadline too (a body that stalls is a timeout). */
  text(url: string, init?: CallInit): Promise<{ res: Response; text: string }>
  /** The body of an answer already received, as `text` reads it. */
  read(res: Response, url: string): Promise<string>
  /** The answer's JSON body (read as `text` does). */
  json(url: string, init?: CallInit): Promise<unknown>
  /** A call whose answer says all by its status (a cancel, a resume): its body is not read. */
  send(url: string, init?: CallInit): Promise<void>
}

export const DEFAULT_LIMITS: Required<UpstreamLimits> = {
  connectTimeoutMs: 30_000,
  firstByteTimeoutMs: 120_000,
  retries: 2,
  backoffMs: 250,
  maxRetryAfterMs: 10_000,
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])
const MAX_REDIRECTS = 5
/** Statuses worth another try of a request that may be repeated. */
const RETRY_STATUSES = new Set([429, 502, 503, 504])
/**
 * For a POST only the statuses that say the request was not acted on: a 502 or 504 may come from a gateway whose
 * upstream already started the run, so sending it again could start a second one.
 */
const RETRY_STATUSES_POST = new Set([429, 503])
/** Causes that say the request never reached the server, so even a POST is safe to send again. */
const NOT_CONNECTED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT/

export function createUpstream(options: UpstreamOptions): Upstream {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const limits: Required<UpstreamLimits> = {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
    firstByteTimeoutMs: options.firstByteTimeoutMs ?? DEFAULT_LIMITS.firstByteTimeoutMs,
    retries: options.retries ?? DEFAULT_LIMITS.retries,
    backoffMs: options.backoffMs ?? DEFAULT_LIMITS.backoffMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_LIMITS.maxRetryAfterMs,
  }
  const { label } = options
  const origins = new Set([originOf(options.url), ...(options.credentialOrigins ?? []).map(originOf)])
  // A header value, and each word of it (the token of `Bearer <token>`), since an upstream may echo either back.
  const secrets = Object.values(options.headers ?? {})
    .flatMap((v) => [v, ...v.split(/\s+/).filter((word) => word.length >= 8)])
    .filter((v) => v.length >= 4)
    .sort((a, b) => b.length - a.length)
  const warned = new Set<string>()
  /** Credentials for this URL: the configured headers when it is one of their origins, else none (said once). */
  function credentialsFor(url: string): Record<string, string> | undefined {
    if (!options.headers) return undefined
    const origin = originOf(url)
    if (origins.has(origin)) return options.headers
    if (!warned.has(origin)) {
      warned.add(origin)
      options.log?.(`credentials for the upstream ${label} are not sent to ${origin} (not ${[...origins].join(', ')})`)
    }
    return undefined
  }
  /** An error with every configured header value blanked out: an upstream may echo the token back. */
  const redacted = <E>(error: E): E => {
    if (error instanceof Error && secrets.length) {
      for (const secret of secrets) error.message = error.message.split(secret).join('[redacted]')
    }
    return error
  }

  /**
   * The caller's signal forwarded to an answer's request, undone once its body was read whole (`read`, `send`, a
   * retry): a caller polling with one long-lived signal must not pile up a listener per call. A streamed answer keeps it
   * while its reader may still be aborted.
   */
  const forwards = new WeakMap<Response, () => void>()
  const settled = (res: Response) => {
    forwards.get(res)?.()
    forwards.delete(res)
  }

  /** A refused answer as its error, its body read. */
  async function refusal(res: Response, url: string): Promise<BridgeError> {
    try {
      return await statusError(res, label, url)
    } finally {
      settled(res)
    }
  }

  /** One attempt: the answer, or why there is none. */
  async function attempt(url: string, init: CallInit): Promise<Response> {
    const deadline = init.longPoll ? undefined : new AbortController()
    const timer = deadline && setTimeout(() => deadline.abort(), limits.connectTimeoutMs)
    // The caller's signal reaches the request (and its body, read on after this returns) through the deadline's own:
    // one listener, not an AbortSignal.any with its weak references per request.
    const outer = init.signal ?? undefined
    const forward = deadline && outer ? () => deadline.abort(outer.reason) : undefined
    if (forward) {
      if (outer?.aborted) forward()
      else outer?.addEventListener('abort', forward, { once: true })
    }
    try {
      const res = await follow(url, init, deadline?.signal ?? outer)
      if (forward) forwards.set(res, () => outer?.removeEventListener('abort', forward))
      return res
    } catch (error) {
      if (forward) outer?.removeEventListener('abort', forward)
      if (outer?.aborted) throw error
      if (deadline?.signal.aborted) throw timeoutError(label, url, limits.connectTimeoutMs, 'answer')
      throw networkError(error, label, url)
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * The request, with redirects followed by hand: each hop gets the credentials of its own origin (none for another
   * host), which fetch's own redirect following would not do for custom headers.
   */
  async function follow(url: string, init: CallInit, signal: AbortSignal | undefined): Promise<Response> {
    const { longPoll: _, accept: __, ...request } = init
    let target = url
    let method = (init.method ?? 'GET').toUpperCase()
    let body = init.body
    for (let hop = 0; ; hop++) {
      const headers = headerRecord([JSON_CONTENT, options.protocolHeaders, credentialsFor(target), init.headers])
      const res = await doFetch(target, {
        ...request,
        method,
        headers,
        redirect: 'manual',
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        ...(signal ? { signal } : {}),
      })
      // Headers only read for a redirect: an answer's Headers object is built when first read.
      if (res.status < 300 || res.status >= 400 || res.status === 304) return res
      const location = res.headers.get('location')
      if (!location || hop >= MAX_REDIRECTS) return res
      await res.body?.cancel().catch(() => {})
      target = new URL(location, target).toString()
      // 301/302/303 turn a POST into a GET without a body, as browsers and fetch do; 307/308 keep both.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET'
        body = undefined
      }
    }
  }

  async function call(url: string, init: CallInit = {}): Promise<Response> {
    const idempotent = IDEMPOTENT.has((init.method ?? 'GET').toUpperCase())
    const retryStatuses = idempotent ? RETRY_STATUSES : RETRY_STATUSES_POST
    for (let retry = 0; ; retry++) {
      let res: Response
      try {
        res = await attempt(url, init)
      } catch (error) {
        const cause = (error as { cause?: { cause?: { code?: string; message?: string } } }).cause?.cause
        const safe = idempotent || NOT_CONNECTED.test(`${cause?.code ?? ''} ${cause?.message ?? ''}`)
        const network = error instanceof BridgeError && error.code === 'upstream_failed'
        if (!network || !safe || retry >= limits.retries) throw error
        await sleep(backoff(retry), init.signal ?? undefined)
        continue
      }
      if (res.ok || init.accept?.(res.status)) return res
      if (!retryStatuses.has(res.status) || retry >= limits.retries) throw await refusal(res, url)
      const after = retryAfterMs(res.headers.get('retry-after'))
      if (after !== undefined && after > limits.maxRetryAfterMs) throw await refusal(res, url)
      await res.body?.cancel().catch(() => {})
      settled(res)
      await sleep(after ?? backoff(retry), init.signal ?? undefined)
    }
  }

  /** The body as text within the connect deadline: a body that stalls is a timeout. */
  async function read(res: Response, url: string): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(timeoutError(label, url, limits.connectTimeoutMs, 'whole answer'))
        res.body?.cancel().catch(() => {})
      }, limits.connectTimeoutMs)
    })
    try {
      return await Promise.race([res.text(), stalled])
    } finally {
      clearTimeout(timer)
      settled(res)
    }
  }

  /** A whole answer as text; a long poll's body may take as long as the work. */
  async function text(url: string, init: CallInit = {}): Promise<{ res: Response; text: string }> {
    const res = await call(url, init)
    if (!init.longPoll) return { res, text: await read(res, url) }
    try {
      return { res, text: await res.text() }
    } finally {
      settled(res)
    }
  }

  /** Doubling, with jitter so many bridges do not knock again in step. */
  const backoff = (retry: number) => limits.backoffMs * 2 ** retry * (0.8 + Math.random() * 0.4)

  return {
    label,
    limits,
    fetch: (url, init) => call(url, init).catch((e) => Promise.reject(redacted(e))),
    text: (url, init) => text(url, init).catch((e) => Promise.reject(redacted(e))),
    read: (res, url) => read(res, url).catch((e) => Promise.reject(redacted(e))),
    json: async (url, init) => {
      try {
        const answer = await text(url, init)
        return parseJson(label, answer.text, `answer from ${where(url)}`)
      } catch (e) {
        throw redacted(e)
      }
    },
    send: async (url, init) => {
      try {
        const res = await call(url, init)
        await res.body?.cancel().catch(() => {})
        settled(res)
      } catch (e) {
        throw redacted(e)
      }
    },
  }
}

const JSON_CONTENT = { 'content-type': 'application/json' }

/**
 * Headers as a plain record of lower-case names, a later source's value replacing an earlier one's: what fetch and
 * node:http both take, without a Headers object (and its sorted copies) per source and hop.
 */
export function headerRecord(sources: readonly (HeadersInit | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const source of sources) {
    if (!source) continue
    if (source instanceof Headers)
      source.forEach((value, name) => {
        out[name] = value
      })
    else if (Array.isArray(source)) for (const [name, value] of source) out[String(name).toLowerCase()] = trimmed(value)
    else
      for (const name of Object.keys(source))
        out[name.toLowerCase()] = trimmed((source as Record<string, string>)[name])
  }
  return out
}

/** A header value as a Headers object keeps it: without leading or trailing HTTP whitespace. */
const trimmed = (value: unknown): string => String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')

const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
