import type { Context, Hono } from 'hono'
import type { BridgeError } from '../core/index.js'
import type { RunStore } from '../store/index.js'
import type { AgentRegistry } from './registry.js'
import type { WebhookPolicy } from './webhooks.js'
import type { RunService } from './runs.js'

/** Hono environment shared by the bridge and its faces. */
export interface BridgeEnv {
  Variables: {
    /** The agent a request addressed, for the log line. */
    agent?: string
    /**
     * Keeps work a request started (webhook and push deliveries) going after its response: `waitUntil` in
     * Workers, where a request's pending work is otherwise dropped; in Node the process simply goes on.
     */
    defer: Defer
    /** This request's id (the x-request-id response header). */
    requestId: string
    /** Who the request is for: the API key's principal (`anonymous` on a bridge without keys). */
    principal: string
  }
}

export type Defer = (task: Promise<unknown>) => void

/** What a face gets to work with. */
export interface BridgeRuntime {
  agents: AgentRegistry
  runs: RunService
  store: RunStore
  /** The bridge's public URL when configured; faces otherwise use the request's own origin. */
  baseUrl?: string
  /** Honour X-Forwarded-Proto/-Host when working out the bridge's own URL (only behind a trusted proxy). */
  trustProxy?: boolean
  /** Inbound API keys are required. */
  apiKeyRequired: boolean
  /** Where clients may ask the bridge to POST (A2A push notifications, ACP webhooks). */
  webhooks: WebhookPolicy
  fetch?: typeof fetch
  log: (line: string) => void
  /**
   * Any error as the BridgeError a client gets. An internal one (a bug) is logged once with its stack and the
   * request's id, and the client's message names that id, so the two can be matched.
   */
  report(error: unknown, c?: Context<BridgeEnv>): BridgeError
  /**
   * `report` for one request, holding only its id, method and path: for a stream, which outlives its handler and must
   * not keep the request's whole Context (its Request, Response and headers) alive for as long as it runs.
   */
  reporter(c: Context<BridgeEnv>): (error: unknown) => BridgeError
  /**
   * The runtime as the request's principal sees it: `runs` and `store` hold only its own runs, conversations and
   * documents. Faces serve every request through it.
   */
  forRequest(c: Context<BridgeEnv>): BridgeRuntime
}

/** One dialect served in front of every configured agent. */
export interface Face {
  name: string
  /** Where the face is mounted (`/v1` for Responses). */
  basePath: string
  /** The face's routes, under `basePath`; behind the API key when keys are configured. */
  routes: Hono<BridgeEnv>
  /** Discovery documents under `basePath` (an agent card), served without an API key. */
  publicRoutes?: Hono<BridgeEnv>
  /** Public routes the dialect defines at the bridge's root (`/.well-known/agent-card.json`). */
  rootRoutes?: Hono<BridgeEnv>
  /** An error in this dialect's own format, with the matching HTTP status. */
  errorResponse(error: BridgeError, request?: Request): Response
  /** `METHOD path — what it does` lines for the start-up banner and the index page. */
  endpoints: readonly string[]
}

/** What the configuration sets for one face (`faces.<dialect>`). */
export interface FaceOptions {
  /** Idle milliseconds before a keep-alive goes out on a stream (0: none). Default 15000. */
  keepAliveMs?: number
  /**
   * A face that streams snapshots (ACP `values`): at most one per this many milliseconds while deltas arrive, plus
   * one at each boundary (0: one per change). The ACP face's default is 100.
   */
  valuesIntervalMs?: number
}

export type FaceFactory = (runtime: BridgeRuntime, options?: FaceOptions) => Face

/** The bridge's own public origin for this request: configured, forwarded (when trusted), or the request's. */
export function publicOrigin(runtime: BridgeRuntime, request: Request): string {
  if (runtime.baseUrl) return runtime.baseUrl.replace(/\/+$/, '')
  const url = new URL(request.url)
  if (runtime.trustProxy) {
    const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
    const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()
    if (host) return `${proto ?? url.protocol.replace(':', '')}://${host}`
  }
  return url.origin
}
