// The worker's bundler: src/worker.ts → .wrangler/build/worker.js, which wrangler uploads as it is (wrangler.toml:
// `[build] command` runs this, `no_bundle = true`). esbuild with the options wrangler's own bundling uses, and:
//
// - zod tree-shaken. Our sources `import { z } from 'zod'`; zod exports that `z` as a namespace object, and esbuild
//   keeps a namespace imported by name whole: every schema type, JSON Schema conversion, the compiler and all 64
//   locales, two thirds of the bundle. In the bundle only, the import reads `import * as z from 'zod'` (the same
//   namespace object), so `z.object(…)` is a direct reference and the rest is left out.
// - zod's messages in English only. Should `z` ever be kept whole again, zod's locale index resolves here to
//   English alone.
// - zod's JSON Schema conversion left out: nothing in the worker converts a schema to JSON Schema
//   (`.toJSONSchema()`, `z.toJSONSchema`, `~standard.jsonSchema` throw in the worker, saying so).
// - zod's schema methods (`.pick()`, `.merge()`, `.readonly()`, `z.string().email()`, …) left out when src/ never calls
//   them by that name (a call throws, saying so), and the build fails should zod call one of them itself; `util`
//   imported as a module namespace (the same object) so its unused helpers go too.
// - zod's default memoizer not installed: it only acts on recursive schemas (`z.lazy`, getters in a shape), which src/
//   has none of (should it get one, the memoizer stays); on any other schema it takes itself out at the first parse.
// - the dialects' loss tables (src/dialects/*/loss.ts) left out: they document what each dialect carries (README, the
//   library's exports) and nothing in the worker reads them (a read throws, saying so).
// - zod's object parser without its code generator: it only runs where `eval` does, never in workerd (and zod
//   itself turns it off on Cloudflare); the parser it falls back to is the one in use there, as in zod/mini.
// - no `keepNames` (wrangler's default wraps every function and class in `__name(…)`; nothing in the worker reads a
//   minified name), and the result minified with oxc's minifier (rolldown/utils), a few per cent smaller than
//   esbuild's. The source map points into the readable bundle beside it (worker.bundle.js, `// src/…` comments).
//
// `node --import tsx scripts/worker-build.ts` builds; `buildWorkerScript()` does it from code. Its metafile
// (worker.js.meta.json) says which modules went in; `npm run build:worker -- --analyze` prints it by package.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { minifySync } from 'rolldown/utils'
import ts from 'typescript'

const root = fileURLToPath(new URL('../', import.meta.url))
const src = join(root, 'src')
const zodDir = /[\\/]node_modules[\\/]zod[\\/]/

/** Where wrangler.toml's `main` points. */
export const WORKER_SCRIPT = join(root, '.wrangler/build/worker.js')

export interface WorkerScript {
  /** The script written; beside it its source map (`.map`), the readable bundle that maps into, and the metafile. */
  file: string
  metafile: esbuild.Metafile
}

/** `import { z } from 'zod'` → `import * as z from 'zod'` (other names from zod stay a named import). */
export function namespaceZodImports(source: string): string {
  return source.replace(/import\s*\{([^}]*)\}\s*from\s*(['"])zod\2/g, (whole: string, names: string, quote: string) => {
    const specifiers = names
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const z = specifiers.find((s) => /^z(\s+as\s+[\w$]+)?$/.test(s))
    if (!z) return whole
    const local = z.split(/\s+as\s+/)[1] ?? 'z'
    const rest = specifiers.filter((s) => s !== z)
    const zod = `${quote}zod${quote}`
    const others = rest.length ? `; import { ${rest.join(', ')} } from ${zod}` : ''
    return `import * as ${local} from ${zod}${others}`
  })
}

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name))
  return Promise.all(files.map((f) => readFile(f, 'utf8')))
}

/**
 * A wire-schema module (src/dialects/<dialect>/wire.ts) with each top-level schema built inside an IIFE marked pure: zod's
 * constructors are calls, which a bundler must keep even when nothing reads the schema, and a pure mark on the outer
 * call alone would still keep its arguments (more calls). Wrapped, a schema nothing in the worker reads (an event
 * the bridge only writes, its type checked at compile time) is left out whole.
 */
export function pureSchemas(source: string, fileName = 'wire.ts'): string {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const spans: [number, number][] = []
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue
    for (const { initializer } of statement.declarationList.declarations) {
      if (initializer && ts.isCallExpression(initializer))
        spans.push([initializer.getStart(file), initializer.getEnd()])
    }
  }
  let out = source
  for (const [start, end] of spans.reverse()) {
    out = `${out.slice(0, start)}/* @__PURE__ */ (() => (${out.slice(start, end)}))()${out.slice(end)}`
  }
  return out
}

/**
 * `BRIDGE_DIALECTS=responses,a2a` at build time (`buildWorkerScript`'s `dialects`): a worker with only those wire dialects (and the demo agent), for a
 * smaller upload; a configuration naming another dialect is then refused at start-up like any unknown dialect.
 */
export function dialectList(names: string): string {
  const chosen = names
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
  for (const name of chosen) {
    if (!/^[a-z0-9]+$/.test(name)) throw new Error(`BRIDGE_DIALECTS: '${name}' is not a dialect folder name`)
  }
  const list = [...new Set([...chosen, 'demo'])]
  const path = (name: string) => (name === 'demo' ? '../demo/dialect.js' : `./${name}/dialect.js`)
  return [
    ...list.map((name) => `import { ${name} } from '${path(name)}'`),
    `export const dialects = [${list.join(', ')}] as const`,
  ].join('\n')
}

/** Source of a function `left(what)` returning a function that throws: what is left out of the bundle. */
const LEFT_OUT = `const left = (what) => () => { throw new Error(what + " is left out of the worker bundle (scripts/worker-build.ts)") };`

/** A dialect's loss table module (`export const xLoss: LossTable = […]` and nothing else), by the names it exports. */
function lossTables(source: string): string[] | undefined {
  const exports = [...source.matchAll(/^export\b.*$/gm)].map((m) => m[0])
  const names = exports.map((line) => line.match(/^export const ([\w$]+): LossTable = \[$/)?.[1])
  return names.length && names.every(Boolean) ? (names as string[]) : undefined
}

/**
 * zod's classic schema methods (the members each `$constructor(…, {…})` puts on a prototype) that `keep` rejects,
 * each replaced by `left(…)`: with the method goes whatever only it refers to (`util.pick`, `ZodReadonly`, …).
 */
function leaveOutMethods(code: string, keep: (name: string) => boolean): string {
  return code.replace(/^\}, \{\n[\s\S]*?^\}\);$/gm, (members: string) =>
    members.replace(
      /^( {4})(?:async )?([\w$]+)\([^)\n]*\) \{\n[\s\S]*?^\1\},?$/gm,
      (method: string, indent: string, name: string) => {
        if (keep(name)) return method
        return `${indent}${name}: left(".${name}()"),`
      },
    ),
  )
}

/** Objects whose functions are called as `X.name(…)` without being methods of a schema: modules, built-ins. */
const NOT_SCHEMAS = ['Reflect', 'Object', 'Array', 'JSON', 'Math', 'Number', 'String', 'Promise', 'Symbol', 'BigInt']

/** The names zod's code calls as methods (`x.name(…)`, on anything but a module namespace or a built-in). */
function methodCalls(code: string): Set<string> {
  const namespaces = new Set([
    ...NOT_SCHEMAS,
    ...[...code.matchAll(/^import \* as ([\w$]+) from/gm)].map((m) => m[1]!),
    ...[...code.matchAll(/^import \{([^}]*)\} from "[^"]*index\.js";$/gm)].flatMap((m) =>
      m[1]!.split(',').map((s) => s.trim()),
    ),
  ])
  // Comments and strings aside (`".pick() cannot be used…"` calls nothing).
  const text = code.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/gm, '""')
  return new Set(
    [...text.matchAll(/([\w$]*)\s*\??\.\s*([\w$]+)\s*\(/g)].filter((m) => !namespaces.has(m[1]!)).map((m) => m[2]!),
  )
}

function workerPlugin(chosen?: string): esbuild.Plugin {
  return {
    name: 'zod-for-the-worker',
    setup(build) {
      let used = new Set<string>()
      let recursive = true
      let called = new Set<string>()
      /** The methods left out, and the module they were left out of (classic/schemas.js). */
      const leftOut = new Set<string>()
      const patched = new Set<string>()
      build.onStart(async () => {
        const texts = await sources(src)
        // Every `.name(` in src/: a zod method under that name might be called, so it stays.
        used = new Set(texts.flatMap((text) => [...text.matchAll(/\.([A-Za-z_$][\w$]*)\s*\(/g)]).map((m) => m[1]!))
        // A recursive schema: `z.lazy(…)`, or a getter in a module that uses zod.
        recursive = texts.some(
          (text) => /\bz\.lazy\(/.test(text) || (/from ['"]zod['"]/.test(text) && /\bget\s+[\w$]+\s*\(\)/.test(text)),
        )
        const core = join(root, 'node_modules/zod/v4/core')
        const zod = [join(root, 'node_modules/zod/v4/classic/schemas.js')]
        for (const file of await readdir(core)) if (file.endsWith('.js')) zod.push(join(core, file))
        called = new Set((await Promise.all(zod.map((f) => readFile(f, 'utf8')))).flatMap((c) => [...methodCalls(c)]))
        leftOut.clear()
      })
      // Nor may any other module of zod in the bundle call a method left out: the build fails, naming it.
      build.onEnd(async (result) => {
        const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint)
        const inBundle = Object.entries(output?.inputs ?? {}).filter(([, i]) => i.bytesInOutput > 0)
        for (const [input] of inBundle) {
          const path = join(root, input)
          if (!zodDir.test(path) || patched.has(path) || input.includes(':')) continue
          const calls = [...methodCalls(await readFile(path, 'utf8'))].filter((name) => leftOut.has(name))
          if (calls.length) {
            throw new Error(`${input} calls ${calls.map((c) => `.${c}()`).join(', ')}, left out of the worker bundle`)
          }
        }
      })

      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (relative(src, args.path).startsWith('..')) return undefined
        if (chosen && relative(src, args.path) === join('dialects', 'index.ts')) {
          return { contents: dialectList(chosen), loader: 'ts', resolveDir: dirname(args.path) }
        }
        const source = await readFile(args.path, 'utf8')
        const tables = /[\\/]dialects[\\/][^\\/]+[\\/]loss\.ts$/.test(args.path) ? lossTables(source) : undefined
        if (tables) {
          // Any read of a table left out throws (a Proxy whose `get` is `left(…)`).
          const stub = (name: string) =>
            `export const ${name} = new Proxy([], { get: left(${JSON.stringify(`${name} (a loss table)`)}) })`
          return { contents: [LEFT_OUT, ...tables.map(stub)].join('\n'), loader: 'js' }
        }
        const wire = /[\\/]dialects[\\/][^\\/]+[\\/]wire\.ts$/.test(args.path)
        return { contents: namespaceZodImports(wire ? pureSchemas(source, args.path) : source), loader: 'ts' }
      })

      // Hono's smallest router (PatternRouter, the `hono/tiny` preset) rather than the default's RegExpRouter and
      // TrieRouter behind a SmartRouter: the same routes, a few KiB less; in a worker most requests are one route's.
      build.onResolve({ filter: /^hono$/ }, (args) =>
        relative(src, args.importer).startsWith('..')
          ? undefined
          : { path: join(root, 'node_modules/hono/dist/preset/tiny.js') },
      )
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        zodDir.test(args.importer) ? { path: 'zod-locales-en', namespace: 'zod-worker' } : undefined,
      )
      build.onResolve({ filter: /^\.\.\/core\/(json-schema-processors|to-json-schema)\.js$/ }, (args) =>
        zodDir.test(args.importer)
          ? { path: join(dirname(args.importer), args.path), namespace: 'zod-worker', pluginData: 'json-schema' }
          : undefined,
      )
      build.onLoad({ filter: /.*/, namespace: 'zod-worker' }, async (args) => {
        if (args.path === 'zod-locales-en') {
          return { contents: `export { default as en } from 'zod/v4/locales/en.js'`, resolveDir: root, loader: 'js' }
        }
        // The JSON Schema side of the module throws; anything else in it (`aggregateChecks`) is the real one.
        const real = await readFile(args.path, 'utf8')
        const names = new Set([
          ...[...real.matchAll(/^export (?:async )?(?:function\*?|const|let|class) ([\w$]+)/gm)].map((m) => m[1]!),
          ...[...real.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) =>
            m[1]!.split(',').map(
              (s) =>
                s
                  .trim()
                  .split(/\s+as\s+/)
                  .pop()!,
            ),
          ),
        ])
        const lines = [...names].filter(Boolean).map((name) => {
          if (/^create\w*JSONSchemaMethod$/.test(name)) return `export const ${name} = () => left("JSON Schema")`
          if (/Processor$|^toJSONSchema$/.test(name)) return `export const ${name} = left("JSON Schema")`
          return `export { ${name} } from ${JSON.stringify(`./${basename(args.path)}`)}`
        })
        return { contents: [LEFT_OUT, ...lines].join('\n'), resolveDir: dirname(args.path), loader: 'js' }
      })

      build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]classic[\\/]schemas\.js$/ }, async (args) => {
        let code = (await readFile(args.path, 'utf8'))
          .replace('import { util } from "../core/index.js";', 'import * as util from "../core/util.js";')
          .replaceAll('core.util.', 'util.')
          .replace('core.$ZodObjectJIT.init(inst, def);', 'core.$ZodObject.init(inst, def);')
        if (!recursive) code = code.replace('core.config({ memoizer: core.memoizer() });', '{}')
        // A method stays when src/ calls it by name, or zod's core or this module does (`this.check(…)`).
        code = leaveOutMethods(code, (name) => {
          const keep = used.has(name) || called.has(name)
          if (!keep) leftOut.add(name)
          return keep
        })
        patched.add(args.path)
        return { contents: `${LEFT_OUT}\n${code}`, loader: 'js' }
      })
    },
  }
}

/** The options wrangler 4 gives esbuild for a modules worker without nodejs_compat, plus the above. */
export function buildOptions(outfile = WORKER_SCRIPT, dialects?: string): esbuild.BuildOptions {
  const command = process.env.WRANGLER_COMMAND // set by wrangler when it runs `[build] command`
  return {
    absWorkingDir: root,
    entryPoints: [join(root, 'src/worker.ts')],
    outfile: outfile.replace(/\.js$/, '.bundle.js'),
    bundle: true,
    format: 'esm',
    target: 'es2024',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*'],
    define: {
      'navigator.userAgent': '"Cloudflare-Workers"',
      'process.env.NODE_ENV': JSON.stringify(command === 'dev' ? 'development' : 'production'),
    },
    keepNames: false,
    metafile: true,
    write: false,
    logLevel: 'warning',
    // A `z.name` the bundle cannot find fails the build instead of being `undefined` at run time.
    logOverride: { 'import-is-undefined': 'error' },
    plugins: [workerPlugin(dialects)],
  }
}

/** Bundles the worker to `outfile` (each file written whole, then renamed: concurrent builds never see half a file). */
export async function buildWorkerScript(
  outfile = WORKER_SCRIPT,
  dialects = process.env.BRIDGE_DIALECTS,
): Promise<WorkerScript> {
  const options = buildOptions(outfile, dialects)
  const result = await esbuild.build(options)
  const bundle = result.outputFiles?.find((f) => f.path.endsWith('.js'))
  if (!bundle) throw new Error('esbuild wrote no bundle')
  const minified = minifySync(basename(bundle.path), bundle.text, {
    module: true,
    compress: { target: 'es2024' },
    mangle: true,
    sourcemap: true,
  })
  if (minified.errors.length) throw new Error(`minify: ${minified.errors.map((e) => e.message).join('; ')}`)
  const map = { ...minified.map, file: basename(outfile), sources: [basename(bundle.path)] }
  const files: [string, string | Uint8Array][] = [
    [bundle.path, bundle.contents],
    [`${outfile}.map`, JSON.stringify(map)],
    [`${outfile}.meta.json`, JSON.stringify(result.metafile)],
    // The script last, so whoever sees the new script also finds its map and metafile.
    [outfile, `${minified.code}\n//# sourceMappingURL=${basename(outfile)}.map\n`],
  ]
  await mkdir(dirname(outfile), { recursive: true })
  for (const [path, contents] of files) {
    const tmp = `${path}.${process.pid}.tmp`
    await writeFile(tmp, contents)
    await rename(tmp, path)
  }
  return { file: outfile, metafile: result.metafile as esbuild.Metafile }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWorkerScript(process.argv[2] ? join(process.cwd(), process.argv[2]) : undefined)
}
