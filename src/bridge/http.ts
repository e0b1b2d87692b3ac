// Reading what clients send, the same way on every face: bounded bodies, JSON only as JSON, bounded nesting.
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { BridgeError } from '../core/index.js'

export const MAX_BODY_BYTES = 16 * 1024 * 1024
/** The longest URL, and the most header bytes, a request may have. */
export const MAX_URL_LENGTH = 16 * 1024
export const MAX_HEADER_BYTES = 32 * 1024

/** Refuses a URL over MAX_URL_LENGTH (414) or headers over MAX_HEADER_BYTES (431), as BridgeErrors a face formats. */
export function checkRequestSize(request: Request): void {
  if (request.url.length > MAX_URL_LENGTH) {
    throw new BridgeError('invalid_request', `The URL is longer than ${MAX_URL_LENGTH} characters.`, {
      status: 414,
      wireCode: 'uri_too_long',
    })
  }
  let bytes = 0
  for (const [name, value] of request.headers) bytes += name.length + value.length + 4
  if (bytes > MAX_HEADER_BYTES) {
    throw new BridgeError('invalid_request', `The request headers are larger than ${MAX_HEADER_BYTES} bytes.`, {
      status: 431,
      wireCode: 'headers_too_large',
    })
  }
}
/** How deep a client's JSON may nest; deeper bodies are refused before they are parsed (nothing real needs more). */
export const MAX_JSON_DEPTH = 64

/**
 * Refuses bodies over the limit (by Content-Length, or while reading a chunked one) with a 413 BridgeError. A request
 * that declares its length is judged by the header alone and its body left untouched: on Node, touching `body` builds
 * a whole web Request around the socket, while the body read later (`text()`) comes straight from it, held to the
 * declared length by the HTTP parser. Only a body of unknown length (chunked) is counted as it is read.
 */
export const limitBody = (maxBytes = MAX_BODY_BYTES): MiddlewareHandler => {
  const tooLarge = () => {
    throw new BridgeError('invalid_request', `The request body is larger than ${maxBytes} bytes.`, {
      status: 413,
      wireCode: 'request_too_large',
    })
  }
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge })
  return async (c, next) => {
    const { method, headers } = c.req.raw
    if (method === 'GET' || method === 'HEAD') return next()
    const length = headers.get('content-length')
    if (length !== null && !headers.has('transfer-encoding')) {
      if (Number.parseInt(length, 10) > maxBytes) tooLarge()
      return next()
    }
    return counted(c, next)
  }
}

/**
 * Whether a Content-Type is JSON (`application/json`, `application/*+json`). Anything else is refused: a web page can
 * send `text/plain` or a form to any URL without a preflight, so reading those as JSON would let it start runs.
 */
export const isJsonType = (contentType: string | null | undefined): boolean => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type)
}

/** A 415 `content_type` error naming what was sent. */
export const notJson = (contentType: string | null | undefined): BridgeError =>
  new BridgeError(
    'content_type',
    `Content-Type ${contentType ? `'${contentType}'` : '(none)'} is not supported; send application/json.`,
    { status: 415, wireCode: 'unsupported_media_type' },
  )

/** The most items one JSON array in a request may hold, and the longest string (a whole inline file fits). */
export const MAX_JSON_ITEMS = 10_000
export const MAX_JSON_STRING = 12 * 1024 * 1024

const tooBig = (message: string) => new BridgeError('invalid_request', message, { wireCode: 'json_too_large' })

/**
 * The JSON text's shape is within bounds: nesting depth, items per array and string length. One linear scan before
 * any parse, so a hostile body costs no more than reading it.
 */
export function checkJsonShape(text: string, maxDepth = MAX_JSON_DEPTH): void {
  // Per open bracket: whether it is an array, and how many items it has so far.
  const arrays: boolean[] = []
  const items: number[] = []
  let inString = false
  let stringStart = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // a backslash escapes the next character
      else if (c === 34) {
        inString = false
        if (i - stringStart > MAX_JSON_STRING)
          throw tooBig(`A string in the request body is longer than ${MAX_JSON_STRING} characters.`)
      }
    } else if (c === 34) {
      inString = true
      stringStart = i
    } else if (c === 123 || c === 91) {
      if (arrays.length >= maxDepth) throw tooBig(`The request body nests deeper than ${maxDepth} levels.`)
      arrays.push(c === 91)
      items.push(0)
    } else if (c === 125 || c === 93) {
      arrays.pop()
      items.pop()
    } else if (c === 44 && arrays.at(-1)) {
      const n = (items[items.length - 1] ?? 0) + 1
      items[items.length - 1] = n
      if (n >= MAX_JSON_ITEMS) throw tooBig(`An array in the request body has more than ${MAX_JSON_ITEMS} items.`)
    }
  }
}

/** A client's JSON text, parsed once its depth is known to be bounded; a clear `invalid_request` otherwise. */
export function parseRequestJson(text: string): unknown {
  checkJsonShape(text)
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new BridgeError('invalid_request', `The request body is not valid JSON: ${(e as Error).message}`, {
      wireCode: 'invalid_json',
    })
  }
}

/** The request body as JSON: a JSON content type (415 otherwise), not empty, bounded nesting. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const contentType = request.headers.get('content-type')
  if (!isJsonType(contentType)) throw notJson(contentType)
  const text = await request.text()
  if (!text.trim())
    throw new BridgeError('invalid_request', 'The request body is empty; send a JSON object.', {
      wireCode: 'invalid_json',
    })
  return parseRequestJson(text)
}
