// The `dialect-bridge` command: dist/cli.js, a launcher of a few lines, and dist/cli.bundle.js, the command bundled
// into one file. The library stays plain `tsc` output (dist/*.js, one module per source file, for tree-shaking); the
// command is bundled because a cold start spends most of its time resolving and loading modules — a hundred of ours
// and zod's own — and one file loads in a fraction of that. The launcher turns on Node's compile cache (Node 22.1+)
// before it loads the bundle: compiling 700 KiB of JavaScript is then done once, not at every start.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
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

/**
 * The launcher: the compile cache on (in NODE_COMPILE_CACHE, else the system's temporary directory; where it cannot be
 * written Node goes on without it, and Node before 22.1 has no such call), then the bundle, then the command.
 */
const launcher = (bundle: string) => `#!/usr/bin/env node
import module from 'node:module'
module.enableCompileCache?.()
const { runCli } = await import('./${bundle}')
runCli(process.argv.slice(2))
`

/** Writes the command to `outfile` (the launcher) and the bundle beside it (`<name>.bundle.js`); their size in bytes. */
export async function buildCli(outfile = join(root, 'dist/cli.js')): Promise<number> {
  const bundle = outfile.replace(/\.js$/, '.bundle.js')
  const start = launcher(basename(bundle))
  await mkdir(dirname(outfile), { recursive: true })
  await writeFile(outfile, start, { mode: 0o755 })
  const result = await build({
    entryPoints: [join(root, 'src/node.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Identifiers are not minified, so names stay as written, except where two modules' names collide (hono's `Node`
    // becomes `Node2`; no error class of ours is among them). esbuild's `keepNames` would restore even those by wrapping
    // every function and class in `__name(…)`, a property definition each time a closure is made, at start-up and
    // on every request.
    keepNames: false,
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
  return start.length + Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`dist/cli.js and dist/cli.bundle.js: ${Math.round((await buildCli()) / 1024)} KiB`)
}
