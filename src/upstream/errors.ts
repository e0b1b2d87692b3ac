// One mapping of upstream failures to canonical errors, shared by every upstream client: the same fault reads the
// same whatever the dialect, and keeps the upstream's HTTP status and its own words.
import type { ErrorCode } from '../core/index.js'
import { BridgeError, isBridgeError } from '../core/index.js'

/** The most of an error body read for its message. */
const MAX_ERROR_BODY = 16 * 1024
/** The most of the upstream's own message passed on. */
const MAX_DETAIL = 300

/** How an upstream HTTP status reads canonically; everything else is the upstream's failure (502). */
const CODE_OF_STATUS: Record<number, ErrorCode> = { 404: 'not_found', 408: 'upstream_timeout', 429: 'rate_limited' }

/** `https://host/path` of a URL: no query (it may hold a key), no credentials. */
export const where = (url: string): string => {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return url
  }
}

const clip = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat
}

/**
 * The message an error body gives, as servers of every dialect write it: OpenAI and A2A REST `{error: {message}}`,
 * JSON-RPC `{error: {message}}`, FastAPI `{detail}` (a string, or a list of `{msg, loc}`), `{message}`, a bare JSON
 * string, an HTML page's title, or plain text.
 */
export function errorDetail(text: string, contentType = ''): string {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    if (/html/i.test(contentType) || /^\s*</.test(text)) {
      const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]
      return clip(title ?? text.replace(/<[^>]*>/g, ' '))
    }
    return clip(text)
  }
  return clip(messageOf(body) ?? text)
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body
  if (typeof body !== 'object' || body === null) return undefined
  const b = body as Record<string, unknown>
  if (typeof b.error === 'string') return b.error
  const nested = b.error as Record<string, unknown> | undefined
  if (nested && typeof nested.message === 'string') return nested.message
  if (typeof b.detail === 'string') return b.detail
  if (Array.isArray(b.detail)) {
    return b.detail
      .map((d) => {
        const item = d as { msg?: unknown; loc?: unknown }
        const loc = Array.isArray(item.loc) ? `${item.loc.join('.')}: ` : ''
        return typeof item.msg === 'string' ? `${loc}${item.msg}` : JSON.stringify(d)
      })
      .join('; ')
  }
  if (typeof b.message === 'string') return b.message
  if (typeof b.title === 'string') return b.title
  return undefined
}

/** An upstream that answered with an error status: its status and its own message, canonically coded. */
export async function statusError(res: Response, label: string, url: string): Promise<BridgeError> {
  return statusErrorOf(res, await readSome(res, MAX_ERROR_BODY), label, url)
}

/** The same, for an answer whose body was already read. */
export function statusErrorOf(res: Response, text: string, label: string, url: string): BridgeError {
  const detail = errorDetail(text, res.headers.get('content-type') ?? '') || res.statusText || 'no message'
  const code = CODE_OF_STATUS[res.status] ?? 'upstream_failed'
  return new BridgeError(code, `The upstream ${label} at ${where(url)} answered ${res.status}: ${detail}`, {
    upstreamStatus: res.status,
  })
}

/** The first `max` bytes of a body, as text; the rest is not read. */
async function readSome(res: Response, max: number): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < max) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } catch {
    // what arrived is enough
  } finally {
    await reader.cancel().catch(() => {})
  }
  return text.slice(0, max)
}

/** A request that got no answer at all (refused, unknown host, reset). */
export const networkError = (error: unknown, label: string, url: string): BridgeError => {
  const cause = (error as { cause?: { message?: string } }).cause?.message
  const reason = cause ?? (error as Error).message ?? String(error)
  return new BridgeError('upstream_failed', `Could not reach the upstream ${label} at ${where(url)}: ${reason}`, {
    cause: error,
  })
}

const TIMEOUT_TEXT = {
  answer: 'did not answer within',
  'first byte': 'answered but sent nothing within',
  'whole answer': 'did not finish its answer within',
}

export const timeoutError = (label: string, url: string, ms: number, what: keyof typeof TIMEOUT_TEXT): BridgeError =>
  new BridgeError('upstream_timeout', `The upstream ${label} at ${where(url)} ${TIMEOUT_TEXT[what]} ${ms} ms.`)

/** A stream that broke off after it began (the connection reset, the body errored): the client may pick it up again. */
export class StreamDropped extends BridgeError {
  constructor(label: string, url: string, cause: unknown) {
    const reason = (cause as { cause?: { message?: string } })?.cause?.message ?? (cause as Error)?.message ?? cause
    super('upstream_failed', `The upstream ${label}'s stream from ${where(url)} broke off: ${reason}`, { cause })
  }
}

/** Something the upstream sent that cannot be read: a fault in the data, not in the connection. */
export class InvalidUpstreamData extends BridgeError {
  constructor(message: string) {
    super('upstream_failed', message)
  }
}

/** Something the upstream sent that cannot be read: the event (or document) and the field at fault are named. */
export const invalidError = (label: string, what: string, problem: string): BridgeError =>
  new InvalidUpstreamData(`The upstream ${label} sent an invalid ${what}: ${problem}`)

/** JSON the upstream sent, or its failure naming what it was (an event, an answer) and quoting the start of it. */
export function parseJson(label: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text
    throw invalidError(label, what, `it is not JSON (${JSON.stringify(shown)}).`)
  }
}

/**
 * Any failure while talking to an upstream, as a canonical error: BridgeErrors pass as they are; anything else
 * (a bug, a library's own error) still names the upstream and what went wrong, never a bare "The agent failed."
 */
export const upstreamFailure = (error: unknown, label: string): BridgeError =>
  isBridgeError(error)
    ? error
    : new BridgeError(
        'upstream_failed',
        `Talking to the upstream ${label} failed: ${(error as Error)?.message ?? error}`,
        {
          cause: error,
        },
      )
