#!/usr/bin/env node
// Node entry: the bridge as a local HTTP server, and the `dialect-bridge` CLI.
import { lookup } from 'node:dns/promises'
import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createAdaptorServer } from '@hono/node-server'
import type { BridgeApp, BridgeOptions } from './bridge/index.js'
import type { AgentConfigFor, Dialect } from './bridge/dialect.js'
import type { BuiltInDialect } from './dialects/index.js'
import { ConfigError, createBridge, DEMO_CONFIG, parseConfigText, substituteEnv } from './bridge/index.js'
import { dialects } from './dialects/index.js'
import { nodeFetch } from './node-fetch.js'
import { withNodeSSE } from './node-sse.js'
import { MemoryRunStore } from './store/index.js'

export { substituteEnv }
import type { BridgeConfig } from './bridge/index.js'

export interface ServeOptions<D extends Dialect = BuiltInDialect> extends Partial<Omit<BridgeOptions<D>, 'agents'>> {
  /** A parsed configuration (its agents, keys, base URL…); the demo agent when absent. */
  config?: BridgeConfig<AgentConfigFor<D>>
  agents?: BridgeOptions<D>['agents']
  port?: number
  host?: string
  /**
   * How many connections may wait to be accepted (the listen backlog; the system caps it, at `somaxconn`). Default
   * 4096: Node's own 511 overflows when a thousand clients connect at once, and a dropped connection waits for the
   * client's retry, one second and more.
   */
  backlog?: number
}

export interface RunningBridge {
  url: string
  bridge: BridgeApp
  close(): Promise<void>
}

/** Every address a host name resolves to (webhook and push targets are checked by address before delivery). */
export const resolveHost = async (host: string): Promise<string[]> =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)

/** Starts the bridge on a local port (0 picks a free one). */
export async function serveBridge<D extends Dialect = BuiltInDialect>(
  options: ServeOptions<D> = {},
): Promise<RunningBridge> {
  const config = options.config ?? (DEMO_CONFIG as unknown as BridgeConfig<AgentConfigFor<D>>)
  const memory = options.store
    ? undefined
    : new MemoryRunStore({
        ...(config.ttlSeconds ? { ttlMs: config.ttlSeconds * 1000 } : {}),
        ...(config.maxRuns ? { maxRuns: config.maxRuns } : {}),
      })
  const store = options.store ?? (memory as MemoryRunStore)
  // Expired runs go even while no request comes (the store otherwise sweeps as it is used).
  const sweeper = memory && setInterval(() => memory.sweep(), memory.sweepIntervalMs)
  sweeper?.unref()
  const bridge = createBridge({
    ...options,
    store,
    dialects: options.dialects ?? (dialects as readonly Dialect[] as readonly D[]),
    agents: options.agents ?? config.agents,
    baseUrl: options.baseUrl ?? config.baseUrl,
    apiKeys: options.apiKeys ?? config.apiKeys,
    trustProxy: options.trustProxy ?? config.trustProxy,
    webhooks: options.webhooks ?? config.webhooks,
    cors: options.cors ?? config.cors,
    faces: options.faces ?? config.faces,
    resolveHost: options.resolveHost ?? resolveHost,
    // A fetch given for tests reaches upstreams too; otherwise they are reached over node:http.
    upstreamFetch: options.upstreamFetch ?? (options.fetch ? undefined : nodeFetch),
  })
  const host = options.host ?? '127.0.0.1'
  const server = createAdaptorServer({
    fetch: withNodeSSE(bridge.fetch),
    // Room above the bridge's own limits, so a long URL or header is answered in the face's format (414, 431)
    // rather than by Node's bare 431.
    serverOptions: { maxHeaderSize: 64 * 1024 },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? 8787, host, backlog: options.backlog ?? 4096 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  let closing: Promise<void> | undefined
  return {
    url,
    bridge,
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweeper)
        await bridge.close()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          // Open streams would hold close() forever; they were told to end above.
          ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
        })
      })()),
  }
}

/** The configuration from `--config FILE`, else `BRIDGE_CONFIG` (a path or inline JSON), else the demo agent. */
export async function loadConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BridgeConfig> {
  const fromEnv = env.BRIDGE_CONFIG?.trim()
  if (!file && fromEnv?.startsWith('{')) return parseConfigText(substituteEnv(fromEnv, env), 'BRIDGE_CONFIG', dialects)
  const path = file ?? fromEnv
  if (!path) return DEMO_CONFIG
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new ConfigError(`Cannot read the configuration file ${path}: ${(e as Error).message}`)
  }
  return parseConfigText(substituteEnv(text, env), path, dialects)
}

const USAGE = `Usage: dialect-bridge serve [--port 8787] [--host 127.0.0.1] [--config FILE]

Serves every configured agent on every dialect face. With no configuration
(no --config, no BRIDGE_CONFIG) it serves the built-in demo agent.

Options:
  --ttl SECONDS     forget runs, conversations and documents this long after their last change (default 3600)
  --max-runs N      runs kept at most; the oldest finished ones go first (default 10000)

Environment: BRIDGE_CONFIG (path or inline JSON), PORT, HOST, BRIDGE_TTL_SECONDS, BRIDGE_MAX_RUNS.`

/** A positive whole number from a flag or the environment, or a ConfigError naming it. */
function whole(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a positive whole number, not "${raw}"`)
  return n
}

export function banner(running: RunningBridge, config: BridgeConfig): string {
  const agents = config.agents.map((a) => `  ${a.id} (${a.dialect}${'url' in a ? ` → ${a.url}` : ''})`).join('\n')
  const faces = running.bridge.faces
    .map(
      (f) =>
        `${f.name} face:\n${f.endpoints.map((e) => `  ${e.replace(/^(\w+\s+)(\/)/, `$1${running.url}$2`)}`).join('\n')}`,
    )
    .join('\n')
  return `dialect-bridge listening on ${running.url}\nagents:\n${agents}\n${faces}\n`
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      config: { type: 'string', short: 'c' },
      ttl: { type: 'string' },
      'max-runs': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const command = positionals[0] ?? 'serve'
  if (values.help || command !== 'serve') {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const major = Number(process.versions.node.split('.')[0])
  if (major < 22)
    console.warn(`warning: dialect-bridge targets Node 22 or newer; this is Node ${process.versions.node}.`)

  const config = await loadConfig(values.config)
  const port = Number(values.port ?? process.env.PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port must be a port number, not "${values.port}"`)
  // Flag, then environment, then configuration (the worker reads the same environment names).
  const ttlSeconds = whole('--ttl', values.ttl) ?? whole('BRIDGE_TTL_SECONDS', process.env.BRIDGE_TTL_SECONDS)
  const maxRuns = whole('--max-runs', values['max-runs']) ?? whole('BRIDGE_MAX_RUNS', process.env.BRIDGE_MAX_RUNS)
  const running = await serveBridge({
    config: { ...config, ttlSeconds: ttlSeconds ?? config.ttlSeconds, maxRuns: maxRuns ?? config.maxRuns },
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    log: (line) => console.log(line),
  })
  // Handlers first, then the banner: whoever waits for the banner may signal at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: shutting down`)
      const force = setTimeout(() => process.exit(1), 5_000)
      force.unref()
      void running.close().then(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
  process.stdout.write(banner(running, config))
  await stopped
  return 0
}

const isMain = (() => {
  try {
    return (
      process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    )
  } catch {
    return false
  }
})()

/** The `dialect-bridge` command with its arguments (`serve --port 8787`); exits the process when it is done. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof ConfigError ? error.message : error)
      process.exit(1)
    },
  )
}

if (isMain) runCli(process.argv.slice(2))
