import type { Hono } from 'hono'
import type { BridgeError } from '../core/index.js'
import type { RunStore } from '../store/index.js'
import type { AgentRegistry } from './registry.js'
import type { RunManager } from './runs.js'

/** Hono environment shared by the bridge and its faces: the agent a request addressed, for the log line. */
export interface BridgeEnv {
  Variables: { agent?: string }
}

/** What a face gets to work with. */
export interface BridgeRuntime {
  agents: AgentRegistry
  runs: RunManager
  store: RunStore
  /** The bridge's public URL when configured; faces otherwise use the request's own origin. */
  baseUrl?: string
}

/** One dialect served in front of every configured agent. */
export interface Face {
  name: string
  /** Where the face is mounted (`/v1` for Responses). */
  basePath: string
  routes: Hono<BridgeEnv>
  /** An error in this dialect's own format, with the matching HTTP status. */
  errorResponse(error: BridgeError): Response
  /** `METHOD path — what it does` lines for the start-up banner and the index page. */
  endpoints: readonly string[]
}

export type FaceFactory = (runtime: BridgeRuntime) => Face
