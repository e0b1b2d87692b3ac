import { z } from 'zod'

/** One error vocabulary for every face; each dialect maps it to its own wire format and status. */
export const ErrorCode = z.enum([
  'not_found',
  'invalid_request',
  'conflict',
  'not_cancelable',
  'unsupported',
  'content_type',
  'version',
  'unauthenticated',
  'too_far_behind',
  'upstream_failed',
  'upstream_timeout',
  'rate_limited',
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const HTTP_STATUS: Record<ErrorCode, number> = {
  not_found: 404,
  invalid_request: 400,
  conflict: 409,
  not_cancelable: 409,
  unsupported: 400,
  content_type: 415,
  version: 400,
  unauthenticated: 401,
  too_far_behind: 410,
  upstream_failed: 502,
  upstream_timeout: 504,
  rate_limited: 429,
  internal: 500,
}

export interface BridgeErrorOptions {
  /** The request field at fault, in the client's own dialect (`input[0].content`). */
  param?: string
  /** A dialect-specific code to surface as is (`model_not_found`). */
  wireCode?: string
  status?: number
  /** The HTTP status an upstream answered with, when the error is its answer. */
  upstreamStatus?: number
  cause?: unknown
}

export class BridgeError extends Error {
  readonly code: ErrorCode
  readonly param?: string
  readonly wireCode?: string
  readonly status: number
  readonly upstreamStatus?: number
  /** The status was chosen by the thrower (a 413, say), not derived from the code; dialects keep it. */
  readonly fixedStatus: boolean

  constructor(code: ErrorCode, message: string, options: BridgeErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = 'BridgeError'
    this.code = code
    this.param = options.param
    this.wireCode = options.wireCode
    this.status = options.status ?? HTTP_STATUS[code]
    if (options.upstreamStatus !== undefined) this.upstreamStatus = options.upstreamStatus
    this.fixedStatus = options.status !== undefined
  }
}

export const isBridgeError = (e: unknown): e is BridgeError => e instanceof BridgeError

/** Any thrown value as a BridgeError; unknown failures become `internal` without leaking details. */
export const toBridgeError = (e: unknown): BridgeError =>
  isBridgeError(e) ? e : new BridgeError('internal', 'Internal error in the bridge.', { cause: e })

/** A field path as clients write it: `input[0].content`, `agents[1].url`. */
export const fieldPath = (path: readonly PropertyKey[], prefix = ''): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    prefix,
  )
