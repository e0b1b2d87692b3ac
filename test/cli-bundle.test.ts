// The command as `npm run build` ships it: a launcher (dist/cli.js) and one bundled file beside it that starts the
// bridge and serves every face, so the bin works without the library's module tree.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli } from '../scripts/build-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'dialect-bridge-cli-bundle-'))
const cli = join(dir, 'cli.js')
beforeAll(async () => {
  await buildCli(cli)
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the bundled command', () => {
  it('serves the demo agent on its faces, then stops on SIGTERM', async () => {
    // The launcher's cache goes to the system's temporary directory; a fresh one shows it was written.
    const tmp = join(dir, 'tmp')
    mkdirSync(tmp)
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_COMPILE_CACHE: undefined, TMPDIR: tmp },
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
          if (m?.[1]) resolve(m[1])
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
      })
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      const res = await fetch(`${url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo', input: 'hello' }),
      })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { status: string }).status).toBe('completed')
      const card = await fetch(`${url}/a2a/demo/.well-known/agent-card.json`)
      expect(card.status).toBe(200)
      // A zod error still reads in English (the bundle keeps zod's English messages).
      const bad = await fetch(`${url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo', input: 42 }),
      })
      expect(bad.status).toBe(400)
      expect(JSON.stringify(await bad.json())).toMatch(/input/)
    } finally {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    // The launcher turned Node's compile cache on (Node 22.1 and later have it): the next start reads the bundle
    // compiled. The cache is written as the process exits.
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
    if (major > 22 || (major === 22 && minor >= 1))
      expect(readdirSync(join(tmp, 'node-compile-cache'), { recursive: true }).length).toBeGreaterThan(0)
  }, 30_000)
})
