// The command as `npm run build` ships it: one bundled file (dist/cli.js) that starts the bridge and serves every
// face, so the bin works without the library's module tree.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
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
  }, 30_000)
})
