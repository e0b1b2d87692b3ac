// The worker bundle as `wrangler deploy` builds it (a dry run): no Node built-in and no Node polyfill in it, the
// Node entry left out, and within Cloudflare's size limit.
import { describe, expect, it } from 'vitest'
import { buildWorker } from '../../scripts/worker-bundle.js'

describe('worker bundle (wrangler deploy --dry-run)', () => {
  it('builds without any Node-only module, and fits the Workers size limit', async () => {
    const bundle = await buildWorker()
    expect(bundle.inputs.some((p) => p.endsWith('src/worker.ts'))).toBe(true)
    // Without nodejs_compat a node: import fails the build; with it, polyfills would come from unenv.
    expect(
      bundle.inputs.filter(
        (p) => p.startsWith('node:') || p.includes('unenv') || p.includes('@cloudflare/unenv-preset'),
      ),
    ).toEqual([])
    expect(bundle.inputs.filter((p) => /src\/node\.ts$|@hono\/node-server/.test(p))).toEqual([])
    // Cloudflare's compressed limit on the free plan is 3 MiB.
    expect(bundle.gzipBytes).toBeLessThan(3 * 1024 * 1024)
    console.log(
      `worker bundle: ${(bundle.bytes / 1024).toFixed(1)} KiB, gzip ${(bundle.gzipBytes / 1024).toFixed(1)} KiB`,
    )
  }, 60_000)
})
