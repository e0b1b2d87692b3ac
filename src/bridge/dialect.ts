// The one shape every dialect takes: a descriptor the bridge iterates, so adding a dialect touches no bridge code.
import { z } from 'zod'
import type { AgentBackend, AgentInfo, LossTable, Mappers } from '../core/index.js'
import type { RunStore } from '../store/index.js'
import type { UpstreamClientOptions } from '../upstream/index.js'
import type { FaceFactory } from './face.js'

/** What a backend is built with besides its own configuration entry. */
export interface BackendDeps {
  /** Where upstream clients keep their links (and the run store of the bridge they serve). */
  store: RunStore
  fetch?: typeof fetch
  /** Warnings: what a client skipped or worked around. */
  log?: (line: string) => void
}

/** Where a discovery document points back to: the agent's URL on this face, and whether keys are required. */
export interface DiscoveryContext {
  url: string
  apiKeyRequired: boolean
}

/**
 * A dialect: its name in the configuration (`"dialect": "a2a"`), its own agent options, and what it offers. A wire
 * dialect has a face (clients speak it to the bridge), a client (the bridge speaks it to an upstream), mappers, a
 * loss table and a discovery document; a built-in backend such as the demo agent has only `client`.
 */
export interface Dialect<
  Name extends string = string,
  Options extends z.ZodRawShape = z.ZodRawShape,
  M extends Mappers = Mappers,
> {
  readonly name: Name
  /**
   * The dialect's agent options, next to the fields every agent has (`id`, `disconnect`, `name`, `description`).
   * Upstream clients spread `upstreamOptions(name)` in (`url`, `headers`, `timeouts`, `retries`).
   */
  readonly options: Options
  /** Serves the dialect in front of every configured agent. */
  readonly face?: FaceFactory
  // Methods rather than function properties: a dialect whose client takes its own options is still a `Dialect`.
  /** Builds the backend for one configured agent of this dialect. */
  client?(config: AgentConfigOf<Name, Options>, deps: BackendDeps): AgentBackend
  /** The dialect's mappers, typed as the dialect declares them (`a2a.mappers.encode(state, event)`). */
  readonly mappers?: M
  /** What the dialect carries of the canonical model (README shows it). */
  readonly loss?: LossTable
  /** The dialect's discovery document for an agent (agent card, ACP descriptor, model entry). */
  discovery?(info: AgentInfo, context: DiscoveryContext): unknown
}

/** Names a dialect's types for the compiler: the options' types flow into `client`. */
export const defineDialect = <Name extends string, Options extends z.ZodRawShape, M extends Mappers = Mappers>(
  dialect: Dialect<Name, Options, M>,
): Dialect<Name, Options, M> => dialect

export const DisconnectPolicy = z.enum(['cancel', 'continue'])
export type DisconnectPolicy = z.infer<typeof DisconnectPolicy>

/** The fields every configured agent has, whatever its dialect. */
export const AGENT_FIELDS = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" or "-"'),
  /** What happens to a run when its last reader disconnects. Default `continue`. */
  disconnect: DisconnectPolicy.optional(),
  name: z.string().optional(),
  description: z.string().optional(),
}

/** An HTTP header name (a token). */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'is not a valid header name')
/** A header value: no line breaks or NULs (they would split the request); the value itself is never quoted back. */
const HeaderValue = z.string().refine((v) => !/[\r\n\0]/.test(v), 'must not contain line breaks or NUL characters')

/**
 * The fields of every agent behind an upstream client: where it is (never taken from a request), what to send with
 * every request (credentials), and how patient to be.
 */
export const upstreamOptions = (dialect: string) => ({
  url: z.url({
    protocol: /^https?$/,
    error: (issue) => (issue.input === undefined ? `is required for a ${dialect} agent` : undefined),
  }),
  /** Sent to the upstream's own origin (and `credentialOrigins`) with every request: the place for credentials. */
  headers: z.record(HeaderName, HeaderValue).optional(),
  /** Further origins the upstream may send the bridge to (an agent card's interface on another host) that get `headers`. */
  credentialOrigins: z.array(z.url({ protocol: /^https?$/ })).optional(),
  timeouts: z
    .object({
      /** Until the upstream's answer (status and headers) arrives. */
      connectMs: z.number().int().min(1).max(600_000).optional(),
      /** Until the first bytes of a streamed answer arrive. */
      firstByteMs: z.number().int().min(1).max(3_600_000).optional(),
    })
    .strict()
    .optional(),
  /** Tries after the first, before any byte came back (refused connections, 429, 502–504). */
  retries: z.number().int().min(0).max(10).optional(),
})

type Fields<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>

/** A configured agent of one dialect: the common fields, the dialect's name and its options. */
export type AgentConfigOf<Name extends string, Options extends z.ZodRawShape> = Fields<typeof AGENT_FIELDS> & {
  dialect: Name
} & Fields<Options>

/** A configured agent of any of the given dialects. */
export type AgentConfigFor<D extends Dialect> =
  D extends Dialect<infer Name, infer Options> ? AgentConfigOf<Name, Options> : never

/** What every upstream client is given from its configuration entry. */
export function upstreamClientOptions(
  config: Fields<typeof AGENT_FIELDS> & Fields<ReturnType<typeof upstreamOptions>>,
  deps: BackendDeps,
): UpstreamClientOptions {
  return {
    id: config.id,
    url: config.url,
    headers: config.headers,
    credentialOrigins: config.credentialOrigins,
    name: config.name,
    description: config.description,
    store: deps.store,
    fetch: deps.fetch,
    log: deps.log,
    connectTimeoutMs: config.timeouts?.connectMs,
    firstByteTimeoutMs: config.timeouts?.firstByteMs,
    retries: config.retries,
  }
}
