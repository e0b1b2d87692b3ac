import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../', import.meta.url))
// Everything but the Node entry must run in Workers, Deno and Bun: web standards only.
const PORTABLE = [
  'src/core',
  'src/stream',
  'src/dialects',
  'src/store',
  'src/upstream',
  'src/edge',
  'src/demo',
  'src/bridge',
  'src/index.ts',
  'src/worker.ts',
]

const files = (path: string): string[] =>
  statSync(join(root, path)).isDirectory() ? readdirSync(join(root, path)).flatMap((f) => files(join(path, f))) : [path]

const NODE_ONLY = [
  [/from\s+['"]node:/, 'a node: import'],
  [/(?<![.\w])require\(\s*['"`]/, 'require()'],
  [/\bprocess\./, 'process'],
  [/\bBuffer\b/, 'Buffer'],
  [/__dirname|__filename/, '__dirname'],
  [/\bsetImmediate\b/, 'setImmediate'],
] as const

describe('no Node-only API in the portable code', () => {
  const sources = PORTABLE.flatMap(files).filter((f) => f.endsWith('.ts'))

  it.each(sources)('%s', (file) => {
    const text = readFileSync(join(root, file), 'utf8')
    const found = NODE_ONLY.filter(([pattern]) => pattern.test(text)).map(([, what]) => what)
    expect(found).toEqual([])
  })

  it('the library bundles for a neutral (non-Node) platform', async () => {
    const result = await build({
      entryPoints: [join(root, 'src/index.ts')],
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      conditions: ['worker', 'browser', 'import'],
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, join(root, p)))
    expect(inputs.filter((p) => p.startsWith('node:') || /^(fs|path|http|net|stream|crypto)$/.test(p))).toEqual([])
    expect(result.errors).toEqual([])
  })
})
