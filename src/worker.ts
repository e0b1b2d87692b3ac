// Cloudflare Workers entry: the same bridge as in Node, with run state in Durable Objects shared by every isolate.
import type { DurableObjectNamespace, DurableObjectState } from 'cloudflare:workers'
import type { ExecutionContext } from 'hono'
import { DurableObject } from 'cloudflare:workers'
import type { AgentEvent, RunInput } from './core/index.js'
import type { BridgeApp, BridgeConfig, StartOptions } from './bridge/index.js'
import {
  AgentRegistry,
  ConfigError,
  createBridge,
  DEMO_CONFIG,
  parseConfigText,
  substituteEnv,
} from './bridge/index.js'
import { agentEntries } from './bridge/backends.js'
import { dialects } from './dialects/index.js'
import type {
  DirectoryApi,
  DocKey,
  DurableLimits,
  DurableObjects,
  RunIndexEntry,
  RunObjectApi,
  ValueObjectApi,
} from './edge/index.js'
import { DEFAULT_LIMITS, DirectoryHost, DurableRuns, DurableRunStore, RunHost, ValueHost } from './edge/index.js'
import type { RunQuery, RunRecord } from './store/index.js'
import { DEFAULT_MAX_RUNS } from './store/index.js'

export interface Env {
  /** The configuration (`{"agents":[…]}`): a JSON string, or a JSON object var in wrangler.toml. Demo agent when unset. */
  BRIDGE_CONFIG?: string | Record<string, unknown>
  /** Inbound API keys, comma-separated (set with `wrangler secret put BRIDGE_API_KEYS`). */
  BRIDGE_API_KEYS?: string
  /** Seconds a run, a conversation's history or a document is kept after its last change. Default 3600. */
  BRIDGE_TTL_SECONDS?: string
  /** Runs kept at most (see README `maxRuns`). */
  BRIDGE_MAX_RUNS?: string
  /** Events kept per run (resume window). Default 10000. */
  BRIDGE_MAX_EVENTS_PER_RUN?: string
  RUNS: DurableObjectNamespace<RunObjectApi>
  VALUES: DurableObjectNamespace<ValueObjectApi>
  DIRECTORY: DurableObjectNamespace<DirectoryApi>
  /** Secrets the configuration refers to as `${NAME}`. */
  [secret: string]: unknown
}

interface Settings {
  config: BridgeConfig
  limits: DurableLimits
  maxRuns: number
  objects: DurableObjects
}

const positive = (value: unknown, fallback: number): number => {
  const n = Number(value)
  return typeof value === 'string' && Number.isFinite(n) && n > 0 ? n : fallback
}

function readConfig(env: Env): BridgeConfig {
  const raw = env.BRIDGE_CONFIG
  if (raw === undefined || raw === '') return DEMO_CONFIG
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw)
  const config = parseConfigText(substituteEnv(text, env), 'BRIDGE_CONFIG', dialects)
  const keys = (env.BRIDGE_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
  return keys.length ? { ...config, apiKeys: [...(config.apiKeys ?? []), ...keys] } : config
}

/** Stubs are looked up per call: a stub made while serving one request must not be used by another. */
const objectsOf = (env: Env): DurableObjects => ({
  run: (runId) => env.RUNS.get(env.RUNS.idFromName(runId)),
  value: (name) => env.VALUES.get(env.VALUES.idFromName(name)),
  directory: () => env.DIRECTORY.get(env.DIRECTORY.idFromName('directory')),
})

const settingsOf = (env: Env): Settings => {
  const config = readConfig(env)
  return {
    config,
    limits: {
      // The environment first, then the configuration: the same names and order as in Node.
      ttlMs: positive(env.BRIDGE_TTL_SECONDS, config.ttlSeconds ?? DEFAULT_LIMITS.ttlMs / 1000) * 1000,
      maxEventsPerRun: positive(env.BRIDGE_MAX_EVENTS_PER_RUN, DEFAULT_LIMITS.maxEventsPerRun),
      maxHistory: DEFAULT_LIMITS.maxHistory,
    },
    maxRuns: positive(env.BRIDGE_MAX_RUNS, config.maxRuns ?? DEFAULT_MAX_RUNS),
    objects: objectsOf(env),
  }
}

const log = (line: string) => console.log(line)

function createWorkerBridge(env: Env): BridgeApp {
  const { config, limits, objects, maxRuns } = settingsOf(env)
  return createBridge({
    dialects,
    agents: config.agents,
    store: new DurableRunStore(objects, limits),
    runs: (_store, agents) => new DurableRuns(objects, agents, maxRuns),
    baseUrl: config.baseUrl,
    apiKeys: config.apiKeys,
    trustProxy: config.trustProxy,
    webhooks: config.webhooks,
    cors: config.cors,
    faces: config.faces,
    log,
  })
}

// One bridge per isolate, built on its first request (bindings only exist from then on).
let bridge: { env: Env; app: BridgeApp } | { env: Env; error: Error } | undefined

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    if (bridge?.env !== env) {
      try {
        bridge = { env, app: createWorkerBridge(env) }
      } catch (e) {
        bridge = { env, error: e as Error }
      }
    }
    if ('error' in bridge) {
      const message = bridge.error instanceof ConfigError ? bridge.error.message : 'The bridge failed to start.'
      console.error(bridge.error)
      return Response.json({ error: { code: 'configuration', message } }, { status: 500 })
    }
    return bridge.app.fetch(request, env, ctx)
  },
}

/** One object per run: its record, its bounded event log, and the producer of its turns (see RunHost). */
export class BridgeRun extends DurableObject<Env> implements RunObjectApi {
  readonly #host: RunHost

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const { config, limits, objects } = settingsOf(env)
    this.#host = new RunHost({
      storage: ctx.storage,
      objects,
      limits,
      agents: (store) =>
        new AgentRegistry(
          agentEntries(config.agents, dialects, { store, log: (line) => console.warn(`warn: ${line}`) }),
        ),
      log: (message, error) => console.warn(`warn: ${message}${error ? `: ${(error as Error).message ?? error}` : ''}`),
    })
    void ctx.blockConcurrencyWhile(() => this.#host.ready)
  }

  createRun(record: RunRecord) {
    return this.#host.createRun(record)
  }
  getRun(runId: string) {
    return this.#host.getRun(runId)
  }
  deleteRun(runId: string) {
    return this.#host.deleteRun(runId)
  }
  append(runId: string, event: AgentEvent) {
    return this.#host.append(runId, event)
  }
  read(runId: string, afterSeq: number, follow: boolean, reader: boolean, lifeline: ReadableStream<Uint8Array>) {
    return this.#host.read(runId, afterSeq, follow, reader, lifeline)
  }
  start(runId: string, agentId: string, input: RunInput, options: StartOptions) {
    return this.#host.start(runId, agentId, input, options)
  }
  resume(runId: string, input: RunInput) {
    return this.#host.resume(runId, input)
  }
  cancel(runId: string, reason?: string) {
    return this.#host.cancel(runId, reason)
  }
  override alarm() {
    return this.#host.alarm()
  }
}

/** One object per conversation history and per document (see ValueHost). */
export class BridgeValue extends DurableObject<Env> implements ValueObjectApi {
  readonly #host: ValueHost

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.#host = new ValueHost(ctx.storage, objectsOf(env))
  }

  get() {
    return this.#host.get()
  }
  put(value: unknown, ttlMs: number, index?: DocKey) {
    return this.#host.put(value, ttlMs, index)
  }
  append(items: Parameters<ValueObjectApi['append']>[0], max: number, ttlMs: number) {
    return this.#host.append(items, max, ttlMs)
  }
  delete() {
    return this.#host.delete()
  }
  override alarm() {
    return this.#host.alarm()
  }
}

/** The single object that lists runs and document keys (see DirectoryHost). */
export class BridgeDirectory extends DurableObject<Env> implements DirectoryApi {
  readonly #host: DirectoryHost

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.#host = new DirectoryHost(ctx.storage)
    void ctx.blockConcurrencyWhile(() => this.#host.ready)
  }

  indexRun(entry: RunIndexEntry) {
    return this.#host.indexRun(entry)
  }
  unindexRun(runId: string) {
    return this.#host.unindexRun(runId)
  }
  queryRuns(query: RunQuery) {
    return this.#host.queryRuns(query)
  }
  indexDoc(doc: DocKey) {
    return this.#host.indexDoc(doc)
  }
  unindexDoc(doc: DocKey) {
    return this.#host.unindexDoc(doc)
  }
  docKeys(namespace: string) {
    return this.#host.docKeys(namespace)
  }
}
