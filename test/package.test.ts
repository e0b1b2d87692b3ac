// The package as a user gets it: `npm pack`, installed into an empty project, every export imported in Node; and a
// bundle of an app that imports only `dialect-bridge/a2a` holds no other dialect's code.
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../', import.meta.url))
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }

let dir: string
let app: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialect-bridge-pack-'))
  // The package is built and packed in a staging folder, so the work tree's dist/ is left alone.
  const stage = join(dir, 'stage')
  await mkdir(stage)
  await run(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(stage, 'dist')],
    {
      cwd: root,
    },
  )
  for (const file of ['package.json', 'README.md', 'specs'])
    await cp(join(root, file), join(stage, file), { recursive: true })
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--silent', '--pack-destination', dir], {
    cwd: stage,
  })
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }]
  // Installed as npm lays it out, without the network: the tarball unpacked into node_modules, and each dependency
  // it declares (only those) linked from this checkout's node_modules, at the versions of its lockfile. None of
  // them has dependencies of its own, so a dependency the package forgot to declare fails the imports below.
  app = join(dir, 'app')
  const modules = join(app, 'node_modules')
  await mkdir(modules, { recursive: true })
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  await run('tar', ['-xzf', join(dir, filename), '-C', dir])
  await rename(join(dir, 'package'), join(modules, 'dialect-bridge'))
  const packed = JSON.parse(await readFile(join(modules, 'dialect-bridge/package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  for (const dependency of Object.keys(packed.dependencies)) {
    await mkdir(dirname(join(modules, dependency)), { recursive: true })
    await symlink(join(root, 'node_modules', dependency), join(modules, dependency), 'dir')
  }
}, 180_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs a module in the app with Node, and returns what it printed as JSON. */
async function inApp(code: string): Promise<unknown> {
  const file = join(app, `check-${Math.random().toString(36).slice(2)}.mjs`)
  await writeFile(file, code)
  const { stdout } = await run(process.execPath, [file], { cwd: app })
  return JSON.parse(stdout)
}

describe('the packed package', () => {
  it('exports the root and one subpath per dialect, and nothing else', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([
      '.',
      './a2a',
      './acp',
      './orq',
      './package.json',
      './responses',
      './truefoundry',
    ])
  })

  it('imports every subpath in Node, each with its curated names', async () => {
    const names = await inApp(`
      const out = {}
      for (const path of ['dialect-bridge', 'dialect-bridge/responses', 'dialect-bridge/a2a', 'dialect-bridge/acp', 'dialect-bridge/orq', 'dialect-bridge/truefoundry']) {
        out[path] = Object.keys(await import(path)).sort()
      }
      console.log(JSON.stringify(out))
    `)
    const exported = names as Record<string, string[]>
    expect(exported['dialect-bridge']).toEqual(
      expect.arrayContaining(['createBridge', 'dialects', 'defineDialect', 'parseConfig', 'createDemoAgent']),
    )
    expect(exported['dialect-bridge']).toEqual(expect.arrayContaining(['RunEvent', 'BridgeError', 'MemoryRunStore']))
    // Internals stay inside.
    for (const internal of ['readJsonBody', 'RunManager', 'checkWebhookUrl', 'AgentRegistry', 'limitBody']) {
      expect(exported['dialect-bridge']).not.toContain(internal)
    }
    // Every dialect has the same mapper names and its own descriptor, face, client and loss table.
    const shared = ['createEncoder', 'encode', 'createDecoder', 'decode', 'encodeRequest', 'decodeRequest', 'wire']
    expect(exported['dialect-bridge/responses']).toEqual(
      expect.arrayContaining([...shared, 'responses', 'responsesFace', 'createResponsesClient', 'responsesLoss']),
    )
    expect(exported['dialect-bridge/a2a']).toEqual(
      expect.arrayContaining([...shared, 'a2a', 'a2aFace', 'createA2AClient', 'a2aLoss', 'agentCard']),
    )
    expect(exported['dialect-bridge/acp']).toEqual(
      expect.arrayContaining([...shared, 'acp', 'acpFace', 'createAcpClient', 'acpLoss', 'descriptor']),
    )
    expect(exported['dialect-bridge/orq']).toEqual(
      expect.arrayContaining([...shared, 'orq', 'orqFace', 'createOrqClient', 'orqLoss', 'agentManifest']),
    )
    expect(exported['dialect-bridge/truefoundry']).toEqual(
      expect.arrayContaining([
        ...shared,
        'truefoundry',
        'trueFoundryFace',
        'createTrueFoundryClient',
        'trueFoundryLoss',
      ]),
    )
  })

  it('works from the installed package: a bridge answers, and the mappers map', async () => {
    const result = await inApp(`
      import { createBridge } from 'dialect-bridge'
      import { createEncoder, encode } from 'dialect-bridge/a2a'
      const bridge = createBridge({ agents: [{ id: 'demo', dialect: 'demo', delayMs: 0 }] })
      const res = await bridge.request('/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo', input: 'hello' }),
      })
      const body = await res.json()
      const state = createEncoder({ taskId: 't', contextId: 'c' })
      const events = encode(state, { type: 'run.status', status: 'working', runId: 't', seq: 1, time: 0 })
      console.log(JSON.stringify({ status: body.status, text: body.output?.[0]?.content?.[0]?.text, events }))
      await bridge.close()
    `)
    expect(result).toMatchObject({
      status: 'completed',
      text: expect.stringContaining('Hello'),
      events: [{ statusUpdate: { taskId: 't', contextId: 'c', status: { state: 'TASK_STATE_WORKING' } } }],
    })
  })

  it('a bundle that imports only dialect-bridge/a2a holds no other dialect', async () => {
    const entry = join(app, 'a2a-only.mjs')
    await writeFile(
      entry,
      `import { a2a, createEncoder, encode, agentCard } from 'dialect-bridge/a2a'\nconsole.log(a2a.name, createEncoder, encode, agentCard)\n`,
    )
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: app,
    })
    const inputs = Object.keys(result.metafile.inputs)
    const ours = inputs.filter((p) => p.includes('node_modules/dialect-bridge/'))
    expect(ours.some((p) => p.includes('/dist/dialects/a2a/'))).toBe(true)
    // Not a line of another dialect, not the dialect list, not the bridge app or the demo agent.
    expect(ours.filter((p) => /\/dist\/dialects\/(responses|acp|orq|truefoundry)\//.test(p))).toEqual([])
    expect(ours.filter((p) => /\/dist\/(dialects\/index|bridge\/app|bridge\/config|demo\/)/.test(p))).toEqual([])
  }, 60_000)
})
