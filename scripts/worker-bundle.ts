// `npm run build:worker`: the worker bundle exactly as `wrangler deploy` would upload it (a dry run: no login, no
// upload), and its size; `npm run build:worker -- --analyze` also what is in it. Also used by the bench and by the
// bundle test. Wrangler runs wrangler.toml's `[build] command` (scripts/worker-build.ts, the bundler) and uploads its
// output as it is (`no_bundle`); the bundler's metafile says which modules went in.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import type { Metafile } from 'esbuild'
import { WORKER_SCRIPT } from './worker-build.js'

const root = fileURLToPath(new URL('../', import.meta.url))

/**
 * The most the uploaded worker may weigh gzipped with the dialects issue 15 measured (Responses, A2A, ACP and the demo
 * agent; `BRIDGE_DIALECTS=responses,a2a,acp`); test/worker/bundle.test.ts holds it.
 */
export const GZIP_BUDGET = 100 * 1024
/**
 * The same with every dialect: each wire dialect adds its face, client and mappers (Orq and TrueFoundry about 10 KiB
 * gzipped each), so this guards against regressions rather than fixing a size.
 */
export const GZIP_BUDGET_ALL = 128 * 1024

export interface WorkerBundle {
  /** Bytes of the bundled worker.js and gzipped (what Cloudflare's size limit counts). */
  bytes: number
  gzipBytes: number
  /** Every module esbuild put in the bundle (paths relative to the repo, or `node:…` specifiers). */
  inputs: string[]
  /** Bytes each of those modules left in the bundle before its last minify (for shares, not for totals). */
  inputBytes: Record<string, number>
  /** What wrangler printed. */
  log: string
}

export async function buildWorker(outdir?: string): Promise<WorkerBundle> {
  const dir = outdir ?? (await mkdtemp(join(tmpdir(), 'dialect-bridge-worker-')))
  try {
    const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js')
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [wrangler, 'deploy', '--dry-run', '--outdir', dir],
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } },
    )
    const code = await readFile(join(dir, 'worker.js'))
    const meta = JSON.parse(await readFile(`${WORKER_SCRIPT}.meta.json`, 'utf8')) as Metafile
    const output = Object.entries(meta.outputs).find(([path]) => path.endsWith('.js'))?.[1]
    return {
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      inputs: Object.keys(meta.inputs),
      inputBytes: Object.fromEntries(Object.entries(output?.inputs ?? {}).map(([p, i]) => [p, i.bytesInOutput])),
      log: stdout + stderr,
    }
  } finally {
    if (!outdir) await rm(dir, { recursive: true, force: true })
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`

/** Each package's (or, for our own code, each source folder's) share of the bundle, largest first. */
export function breakdown(bundle: WorkerBundle): [string, number][] {
  const groups = new Map<string, number>()
  const total = Object.values(bundle.inputBytes).reduce((sum, n) => sum + n, 0)
  for (const [path, bytes] of Object.entries(bundle.inputBytes)) {
    const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]
    const ours = path.startsWith('src/dialects/') ? 3 : 2
    const key = pkg ?? (path.startsWith('src/') ? path.split('/').slice(0, ours).join('/') : path.split(':')[0]!)
    groups.set(key, (groups.get(key) ?? 0) + bytes / total)
  }
  return [...groups].sort((a, b) => b[1] - a[1])
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundle = await buildWorker(join(root, 'dist-worker'))
  console.log(
    `worker bundle (wrangler deploy --dry-run → dist-worker/worker.js): ${kib(bundle.bytes)}, ` +
      `gzip ${kib(bundle.gzipBytes)} (budget ${kib(GZIP_BUDGET_ALL)}; ${kib(GZIP_BUDGET)} with Responses, A2A and ACP)`,
  )
  if (process.argv.includes('--analyze')) {
    for (const [group, share] of breakdown(bundle)) console.log(`${(100 * share).toFixed(1).padStart(6)} %  ${group}`)
  }
}
