import type { Context } from 'hono'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { BridgeError, newId, toBridgeError } from '../core/index.js'
import type { BuiltInDialect } from '../dialects/index.js'
import { dialects as builtIn } from '../dialects/index.js'
import type { RunStore } from '../store/index.js'
import { MemoryRunStore } from '../store/index.js'
import type { ApiKey } from './auth.js'
import { requireApiKey } from './auth.js'
import type { AgentConfigEntry } from './backends.js'
import { agentEntries, isBuilt } from './backends.js'
import { parseConfig } from './config.js'
import type { AgentConfigFor, BackendDeps, Dialect } from './dialect.js'
import type { BridgeEnv, BridgeRuntime, Face, FaceOptions } from './face.js'
import { checkRequestSize, limitBody } from './http.js'
import { ANONYMOUS, OwnedRuns, OwnedStore } from './owner.js'
import type { AgentEntry } from './registry.js'
import { AgentRegistry } from './registry.js'
import type { RunLogger, RunService } from './runs.js'
import { RunManager } from './runs.js'

export interface BridgeOptions<D extends Dialect = BuiltInDialect> {
  /**
   * Agents from configuration (`{id, dialect, url, …}`, typed by the options of the dialects in `dialects`) or built
   * in code (`{id, backend}`).
   */
  agents: readonly (AgentConfigFor<D> | AgentEntry)[]
  /** The dialects: faces to serve and clients for configured agents. Default: every dialect this build has. */
  dialects?: readonly D[]
  store?: RunStore
  baseUrl?: string
  /** Keys a client must send; each is a principal that sees only its own runs (`{ key, name }` names it). */
  apiKeys?: readonly ApiKey[]
  trustProxy?: boolean
  webhooks?: { allowInsecure?: boolean; allowHosts?: readonly string[] }
  /** Web pages (by origin, or `*`) that may call the bridge from a browser; none by default. */
  cors?: { origins: readonly string[] }
  /** Options of each face, by dialect name (`{ acp: { keepAliveMs: 5000 } }`). */
  faces?: Readonly<Record<string, FaceOptions | undefined>>
  /**
   * A host name's addresses, so webhook and push targets are checked by address before each delivery (the Node
   * server passes DNS). Without it only literal addresses are checked.
   */
  resolveHost?: (host: string) => Promise<readonly string[]>
  /** One line per request, and warnings. Default: silent. */
  log?: (line: string) => void
  /** For upstream clients, webhooks and push notifications (tests inject their own). */
  fetch?: typeof fetch
  /** For upstream clients only, over `fetch` (the Node server's runs on node:http: src/node-fetch.ts). */
  upstreamFetch?: typeof fetch
  /** Who drives runs; default a RunManager in this process over `store`. The worker hands runs to Durable Objects. */
  runs?: (store: RunStore, agents: AgentRegistry, log: RunLogger) => RunService
}

export type BridgeApp = Hono<BridgeEnv> & {
  readonly runtime: BridgeRuntime
  readonly faces: readonly Face[]
  /** Cancels active runs; call on shutdown. */
  close(): Promise<void>
}

/** The bridge as a Hono app: every face mounted in front of every configured agent. */
/**
 * A log line as written: request paths, agent names and error messages come from clients and upstreams, so control
 * characters are escaped and a line break starts an indented continuation (as a stack's frames do): no client can
 * forge a line of its own.
 */
export const logLine = (line: string): string =>
  line
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is escaped.
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/\n(?! {2})/g, '\n  ')

export function createBridge<D extends Dialect = BuiltInDialect>(options: BridgeOptions<D>): BridgeApp {
  const store = options.store ?? new MemoryRunStore()
  const sink = options.log
  // Without a sink no line is even made (a request's line reads its path and formats its time).
  const log = sink ? (line: string) => sink(logLine(line)) : () => {}
  const dialects: readonly Dialect[] = options.dialects ?? builtIn
  const deps: BackendDeps = {
    store,
    fetch: options.upstreamFetch ?? options.fetch,
    log: (line) => log(`warn: ${line}`),
  }
  const all = options.agents as readonly (AgentConfigEntry | AgentEntry)[]
  // Agents configured in code are checked as a configuration file is (every bad option named, by its dialect), and
  // built from what the check returns.
  const configured = all.filter((a) => !isBuilt(a))
  const parsed = configured.length ? parseConfig({ agents: configured }, 'agents', dialects).agents : []
  let next = 0
  const checked = all.map((a) => (isBuilt(a) ? a : (parsed[next++] as AgentConfigEntry)))
  const agents = new AgentRegistry(agentEntries(checked, dialects, deps))
  // Every request gets an id (the x-request-id response header); an internal error's log line and message carry it.
  const reportAt = (err: unknown, at?: { id?: string; where: string }): BridgeError => {
    const error = toBridgeError(err)
    if (error.code !== 'internal') return error
    const id = at?.id ?? newId('req')
    log(`error: ${at?.where ?? ''}[${id}]: ${(err as Error)?.stack ?? err}`)
    return new BridgeError('internal', `Internal error in the bridge (request ${id}).`, { cause: err })
  }
  const requestAt = (c: Context<BridgeEnv>) => ({ id: c.get('requestId'), where: `${c.req.method} ${c.req.path} ` })
  const report = (err: unknown, c?: Context<BridgeEnv>): BridgeError => reportAt(err, c && requestAt(c))
  const runLog: RunLogger = (message, error) =>
    log(`warn: ${message}${error ? `: ${(error as Error).message ?? error}` : ''}`)
  const runtime: BridgeRuntime = {
    agents,
    runs: (options.runs ?? ((s, a, l) => new RunManager(s, a, l)))(store, agents, runLog),
    store,
    baseUrl: options.baseUrl,
    trustProxy: options.trustProxy,
    apiKeyRequired: (options.apiKeys?.length ?? 0) > 0,
    webhooks: { ...options.webhooks, ...(options.resolveHost ? { resolve: options.resolveHost } : {}) },
    fetch: options.fetch,
    log,
    report,
    reporter: (c) => {
      const at = requestAt(c)
      return (err) => reportAt(err, at)
    },
    forRequest: (c) => {
      const scoped = new OwnedStore(runtime.store, c.get('principal') ?? ANONYMOUS)
      return { ...runtime, store: scoped, runs: new OwnedRuns(runtime.runs, scoped) }
    },
  }
  const faces = dialects.flatMap((d) => (d.face ? [d.face(runtime, options.faces?.[d.name])] : []))
  const faceFor = (path: string) => faces.find((f) => path === f.basePath || path.startsWith(`${f.basePath}/`))

  const app = new Hono<BridgeEnv>()
  app.use(async (c, next) => {
    const id = newId('req')
    c.set('requestId', id)
    c.set('principal', ANONYMOUS)
    // Looked up only when work is deferred: without an execution context (Node) Hono throws, and an Error per request
    // costs more than the rest of this middleware.
    c.set('defer', (task) => {
      let ctx: { waitUntil(task: Promise<unknown>): void } | undefined
      try {
        ctx = c.executionCtx
      } catch {
        // No execution context (Node): nothing needs to hold the work.
      }
      ctx?.waitUntil(task)
    })
    const started = performance.now()
    await next()
    // The rest of a refused oversized body is never read, so the connection cannot be reused.
    if (c.res.status === 413) c.res.headers.set('connection', 'close')
    c.res.headers.set('x-request-id', id)
    if (!sink) return
    const ms = (performance.now() - started).toFixed(1)
    log(`${c.req.method} ${c.req.path} ${c.get('agent') ?? '-'} ${c.res.status} ${ms}ms`)
  })
  // Its own step, so a refusal still gets the request id and the log line above.
  app.use(async (c, next) => {
    checkRequestSize(c.req.raw)
    await next()
  })
  // Off unless configured: without CORS headers a browser lets no other web page read the bridge's answers.
  if (options.cors?.origins.length) {
    const origins = [...options.cors.origins]
    app.use(
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowHeaders: ['authorization', 'x-api-key', 'content-type', 'a2a-version', 'a2a-extensions', 'last-event-id'],
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        exposeHeaders: ['x-request-id'],
        maxAge: 600,
      }),
    )
  }
  const limit = limitBody()
  for (const face of faces) app.use(`${face.basePath}/*`, limit)
  // Discovery documents stay public (a client reads them to learn how to authenticate): the faces' public routes
  // are registered before the key check, so a request they match is answered before it; every other route of a face
  // is behind the key. By route, never by what a path contains.
  for (const face of faces) {
    if (face.publicRoutes) app.route(face.basePath, face.publicRoutes)
    if (face.rootRoutes) app.route('/', face.rootRoutes)
  }
  if (options.apiKeys?.length) {
    const auth = requireApiKey(options.apiKeys)
    for (const face of faces) app.use(`${face.basePath}/*`, auth)
  }
  for (const face of faces) app.route(face.basePath, face.routes)

  app.get('/', (c) =>
    c.json({
      name: 'dialect-bridge',
      agents: agents.ids(),
      faces: Object.fromEntries(faces.map((f) => [f.name, f.endpoints])),
    }),
  )
  app.get('/healthz', (c) => c.json({ ok: true }))

  app.notFound((c) => {
    const error = new BridgeError('not_found', `No route for ${c.req.method} ${c.req.path}.`)
    return (
      faceFor(c.req.path)?.errorResponse(error, c.req.raw) ??
      c.json({ error: { code: error.code, message: error.message } }, 404)
    )
  })
  app.onError((err, c) => {
    const error = report(err, c)
    return (
      faceFor(c.req.path)?.errorResponse(error, c.req.raw) ??
      c.json({ error: { code: error.code, message: error.message } }, error.status as 500)
    )
  })

  return Object.assign(app, { runtime, faces, close: () => runtime.runs.close() })
}
