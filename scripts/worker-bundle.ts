// `npm run build:worker`: the worker bundle exactly as `wrangler deploy` would upload it (a dry run: no login, no
// upload), and its size. Also used by the bench and by the bundle test.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'

const root = fileURLToPath(new URL('../', import.meta.url))

export interface WorkerBundle {
  /** Bytes of the bundled worker.js and gzipped (what Cloudflare's size limit counts). */
  bytes: number
  gzipBytes: number
  /** Every module esbuild put in the bundle (paths relative to the repo, or `node:…` specifiers). */
  inputs: string[]
  /** What wrangler printed. */
  log: string
}

export async function buildWorker(outdir?: string): Promise<WorkerBundle> {
  const dir = outdir ?? (await mkdtemp(join(tmpdir(), 'dialect-bridge-worker-')))
  try {
    const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js')
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [wrangler, 'deploy', '--dry-run', '--outdir', dir, '--metafile', join(dir, 'meta.json')],
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } },
    )
    const code = await readFile(join(dir, 'worker.js'))
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> }
    return {
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      inputs: Object.keys(meta.inputs),
      log: stdout + stderr,
    }
  } finally {
    if (!outdir) await rm(dir, { recursive: true, force: true })
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundle = await buildWorker(join(root, 'dist-worker'))
  console.log(
    `worker bundle (wrangler deploy --dry-run → dist-worker/worker.js): ${kib(bundle.bytes)}, gzip ${kib(bundle.gzipBytes)}`,
  )
}
