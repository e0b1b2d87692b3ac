export { lazy } from './connect.js'
export type { UpstreamClient } from './backend.js'
export { upstreamBackend } from './backend.js'
export type { UpstreamYield } from './delegate.js'
export { Delegate, delegate } from './delegate.js'
export {
  errorDetail,
  InvalidUpstreamData,
  invalidError,
  networkError,
  statusError,
  StreamDropped,
  statusErrorOf,
  parseJson,
  timeoutError,
  upstreamFailure,
  where,
} from './errors.js'
export type { DecodeHooks, ReadEventsOptions, StreamDecoding } from './events.js'
export {
  decodeEach,
  decodeEvents,
  eventJson,
  MAX_EVENT_SIZE,
  readEvents,
  readWire,
  UnknownEvent,
  unknownEvents,
} from './events.js'
export type { CallInit, Upstream, UpstreamClientOptions, UpstreamLimits, UpstreamOptions } from './http.js'
export { createUpstream, DEFAULT_LIMITS, retryAfterMs } from './http.js'
export type { Links, LinkTable } from './links.js'
export { createLinks } from './links.js'
export { tolerant } from './tolerant.js'
