// The `dialect-bridge` command as one bundled file (dist/cli.js). The library stays plain `tsc` output (dist/*.js,
// one module per source file, for tree-shaking); the command is bundled because a cold start spends most of its time
// resolving and loading modules — a hundred of ours and zod's own — and one file loads in a fraction of that.
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'esbuild'
import { build } from 'esbuild'
import { namespaceZodImports } from './worker-build.js'

/** Our sources read zod as a namespace (the same object), so only what they use of zod goes in: see worker-build. */
const zodNamespace: Plugin = {
  name: 'zod-namespace',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => ({
      contents: namespaceZodImports(await readFile(args.path, 'utf8')),
      loader: 'ts',
    }))
  },
}

const root = fileURLToPath(new URL('..', import.meta.url))

/** Bundles the command into `outfile`; its size in bytes. */
export async function buildCli(outfile = join(root, 'dist/cli.js')): Promise<number> {
  const result = await build({
    entryPoints: [join(root, 'src/node.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Names stay: error classes are told apart by name in places, and stack traces should read.
    keepNames: true,
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    // src/node.ts starts with its own shebang; CommonJS dependencies bundled into ESM may still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    metafile: true,
    plugins: [zodNamespace],
  })
  return Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`dist/cli.js: ${Math.round((await buildCli()) / 1024)} KiB`)
}
