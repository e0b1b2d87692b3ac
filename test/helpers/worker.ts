import { fileURLToPath } from 'node:url'
import { unstable_startWorker } from 'wrangler'

export interface RunningWorker {
  url: string
  close(): Promise<void>
}

// Local only: no Request.cf download and no telemetry from wrangler.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
process.env.WRANGLER_SEND_METRICS = 'false'

/**
 * The worker (wrangler.toml, src/worker.ts) in workerd on a free loopback port, its Durable Objects in memory.
 * `vars` override wrangler.toml's (BRIDGE_CONFIG, say).
 */
export async function startWorker(vars: Record<string, string> = {}): Promise<RunningWorker> {
  const worker = await unstable_startWorker({
    config: fileURLToPath(new URL('../../wrangler.toml', import.meta.url)),
    bindings: Object.fromEntries(
      Object.entries(vars).map(([name, value]) => [name, { type: 'plain_text' as const, value }]),
    ),
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      persist: false,
      logLevel: 'warn',
    },
  })
  const url = (await worker.url).origin
  return { url, close: () => worker.dispose() }
}

/** The demo agent with no delays, as the Node golden tests use it. */
export const FAST_DEMO = JSON.stringify({ agents: [{ id: 'demo', dialect: 'demo', delayMs: 0 }] })
