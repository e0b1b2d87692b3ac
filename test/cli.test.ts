// The `dialect-bridge` CLI as a real child process (banner, request log, SIGTERM, configuration errors), plus
// the configuration functions it is built from, tested directly.
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ConfigError, createBridge, DEMO_CONFIG, parseConfig, parseConfigText } from '../src/bridge/index.js'
import { loadConfig, substituteEnv } from '../src/node.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'dialect-bridge-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

let fileCount = 0
function tempFile(content: string, ext = '.json'): string {
  const path = join(tmp, `config-${++fileCount}${ext}`)
  writeFileSync(path, content)
  return path
}

/** The environment for a child: ours, minus anything that would change which configuration it loads. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const key of ['BRIDGE_CONFIG', 'PORT', 'HOST'] as const) if (!(key in extra)) delete env[key]
  return env
}

interface Cli {
  child: ChildProcessWithoutNullStreams
  stdout(): string
  stderr(): string
  /** Resolves with the exit code (or the signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: ChildProcessWithoutNullStreams[] = []

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGKILL')
    await gone
  }
})

/** Runs `src/node.ts` through tsx with the node that runs the tests. */
function cli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: 'pipe',
  })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return { child, stdout: () => out, stderr: () => err, exited }
}

/** Waits until `test` holds for the CLI's output, or fails with what the process printed. */
async function waitFor(c: Cli, test: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (c.child.exitCode !== null || c.child.signalCode !== null) {
      // One last look: output may land just before the exit event.
      if (test()) return
      throw new Error(
        `the CLI exited (${c.child.exitCode ?? c.child.signalCode}) before ${what}\nstdout:\n${c.stdout()}\nstderr:\n${c.stderr()}`,
      )
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\nstdout:\n${c.stdout()}\nstderr:\n${c.stderr()}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const BANNER = /^dialect-bridge listening on (http:\/\/127\.0\.0\.1:(\d+))$/m

/** Starts `serve --port 0` and waits for the whole banner; returns the URL it printed. */
async function serve(args: string[] = [], env: Record<string, string> = {}): Promise<Cli & { url: string }> {
  const c = cli(['serve', '--port', '0', ...args], env)
  // The banner ends with the last endpoint line of the last face.
  await waitFor(c, () => BANNER.test(c.stdout()) && /\/v1\/models\b.*\n/.test(c.stdout()), 'the start-up banner')
  const match = BANNER.exec(c.stdout())
  if (!match?.[1]) throw new Error(`no banner in:\n${c.stdout()}`)
  expect(Number(match[2])).toBeGreaterThan(0)
  return Object.assign(c, { url: match[1] })
}

const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(5000) })
const modelIds = async (url: string): Promise<string[]> => {
  const res = await get(`${url}/v1/models`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id)
}

/** Runs the CLI expecting it to fail at start-up; returns its exit code and stderr. */
async function failsToStart(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const c = cli(args, env)
  const timer = setTimeout(() => c.child.kill('SIGKILL'), 15_000)
  const { code } = await c.exited
  clearTimeout(timer)
  return { code, stderr: c.stderr(), stdout: c.stdout() }
}

describe('dialect-bridge serve (child process)', () => {
  it('prints the banner with the real port, and it lists every Responses endpoint', async () => {
    const c = await serve()
    const out = c.stdout()
    expect(out).toMatch(/^agents:\n {2}demo \(demo\)$/m)
    for (const [method, path] of [
      ['POST', '/v1/responses'],
      ['GET', '/v1/responses/{id}'],
      ['POST', '/v1/responses/{id}/cancel'],
      ['DELETE', '/v1/responses/{id}'],
      ['GET', '/v1/models'],
    ] as const) {
      expect(out).toMatch(
        new RegExp(`^ +${method} +${(c.url + path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(\\s|$)`, 'm'),
      )
    }
    // …and exactly the endpoints the face itself declares.
    const bridge = createBridge({ agents: DEMO_CONFIG.agents })
    const responses = bridge.faces.find((f) => f.name === 'responses')
    expect(responses).toBeDefined()
    for (const line of responses?.endpoints ?? []) {
      const [method, path] = line.split(/\s+/)
      expect(out).toContain(`${method}`)
      expect(out).toContain(`${c.url}${path}`)
    }
    await bridge.close()
    // The URL in the banner is the one it serves on.
    expect((await get(`${c.url}/healthz`)).status).toBe(200)
  })

  it('GET /v1/models lists demo', async () => {
    const c = await serve()
    expect(await modelIds(c.url)).toEqual(['demo'])
  })

  it('logs one line per request: method, path, agent, status, ms', async () => {
    const c = await serve()
    const before = c.stdout().length
    const res = await fetch(`${c.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', input: 'hello' }),
      signal: AbortSignal.timeout(5000),
    })
    expect(res.status).toBe(200)
    await res.json()
    const logged = () =>
      c
        .stdout()
        .slice(before)
        .split('\n')
        .filter((l) => l.includes('/v1/responses'))
    await waitFor(c, () => logged().length > 0, 'the request log line')
    // Give a duplicate line a moment to show up, if there were one.
    await new Promise((r) => setTimeout(r, 100))
    expect(logged()).toHaveLength(1)
    expect(logged()[0]).toMatch(/^POST \/v1\/responses demo 200 \d+(\.\d+)?ms$/)

    // A request that fails is logged with its status, and without an agent when it named none that exists.
    const before2 = c.stdout().length
    expect((await get(`${c.url}/v1/responses/resp_nope`)).status).toBe(404)
    await waitFor(c, () => c.stdout().slice(before2).includes('resp_nope'), 'the 404 log line')
    expect(c.stdout().slice(before2)).toMatch(/^GET \/v1\/responses\/resp_nope - 404 \d+(\.\d+)?ms$/m)
  })

  it('exits with code 0 promptly on SIGTERM', async () => {
    const c = await serve()
    const started = Date.now()
    c.child.kill('SIGTERM')
    const timer = setTimeout(() => c.child.kill('SIGKILL'), 5000)
    const { code, signal } = await c.exited
    clearTimeout(timer)
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(c.stdout()).toContain('SIGTERM: shutting down')
  })

  it('exits with code 0 on SIGTERM while a response is streaming', async () => {
    // A slow demo agent, so the stream is still open when the signal arrives.
    const config = JSON.stringify({ agents: [{ id: 'slow', dialect: 'demo', delayMs: 500 }] })
    const c = await serve([], { BRIDGE_CONFIG: config })
    const res = await fetch(`${c.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'tell me a long story about the sea and the wind', stream: true }),
      signal: AbortSignal.timeout(10_000),
    })
    expect(res.status).toBe(200)
    const reader = res.body?.getReader()
    await reader?.read()
    const started = Date.now()
    c.child.kill('SIGTERM')
    const timer = setTimeout(() => c.child.kill('SIGKILL'), 5000)
    const { code } = await c.exited
    clearTimeout(timer)
    await reader?.cancel().catch(() => {})
    expect(code).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('BRIDGE_CONFIG with inline JSON serves its agents', async () => {
    const config = JSON.stringify({
      agents: [
        { id: 'a', dialect: 'demo' },
        { id: 'b', dialect: 'demo' },
      ],
    })
    const c = await serve([], { BRIDGE_CONFIG: config })
    expect(await modelIds(c.url)).toEqual(['a', 'b'])
    expect(c.stdout()).toMatch(/^ {2}a \(demo\)\n {2}b \(demo\)$/m)
  })

  it('BRIDGE_CONFIG with a path serves the file', async () => {
    const path = tempFile(JSON.stringify({ agents: [{ id: 'from-file', dialect: 'demo' }] }))
    const c = await serve([], { BRIDGE_CONFIG: path })
    expect(await modelIds(c.url)).toEqual(['from-file'])
  })

  it('--config wins over BRIDGE_CONFIG', async () => {
    const path = tempFile(JSON.stringify({ agents: [{ id: 'flag', dialect: 'demo' }] }))
    const c = await serve(['--config', path], {
      BRIDGE_CONFIG: JSON.stringify({ agents: [{ id: 'env', dialect: 'demo' }] }),
    })
    expect(await modelIds(c.url)).toEqual(['flag'])
  })

  it('substitutes ${VAR} in the config file from the environment', async () => {
    const path = tempFile('{"agents":[{"id":"${AGENT_ID}","dialect":"demo","description":"${AGENT_NOTE}"}]}')
    const c = await serve(['--config', path], { AGENT_ID: 'from-env', AGENT_NOTE: 'says "hi"\nand more' })
    expect(await modelIds(c.url)).toEqual(['from-env'])
  })

  describe('configuration errors exit non-zero with a clear message', () => {
    it('a responses agent without url names agents[0].url', async () => {
      const path = tempFile('{"agents":[{"id":"x","dialect":"responses"}]}')
      const { code, stderr, stdout } = await failsToStart(['serve', '--port', '0', '--config', path])
      expect(code).not.toBe(0)
      expect(stderr).toContain('agents[0].url')
      expect(stderr).toContain(path)
      expect(stdout).not.toMatch(BANNER)
    })

    it('a bad --max-runs or BRIDGE_TTL_SECONDS is named', async () => {
      const flag = await failsToStart(['serve', '--port', '0', '--max-runs', 'many'])
      expect(flag.code).not.toBe(0)
      expect(flag.stderr).toContain('--max-runs must be a positive whole number, not "many"')
      const env = await failsToStart(['serve', '--port', '0'], { BRIDGE_TTL_SECONDS: '-5' })
      expect(env.stderr).toContain('BRIDGE_TTL_SECONDS must be a positive whole number, not "-5"')
    })

    it('a bad dialect names agents[0].dialect', async () => {
      const path = tempFile('{"agents":[{"id":"x","dialect":"klingon"}]}')
      const { code, stderr } = await failsToStart(['serve', '--port', '0', '--config', path])
      expect(code).not.toBe(0)
      expect(stderr).toContain('agents[0].dialect')
    })

    it('a missing file says it cannot read it', async () => {
      const path = join(tmp, 'does-not-exist.json')
      const { code, stderr } = await failsToStart(['serve', '--port', '0', '--config', path])
      expect(code).not.toBe(0)
      expect(stderr).toContain(`Cannot read the configuration file ${path}`)
      // A clear message, not a stack trace.
      expect(stderr).not.toMatch(/^\s+at /m)
    })

    it('a file that is not JSON says so', async () => {
      const path = tempFile('agents: [demo]', '.yaml')
      const { code, stderr } = await failsToStart(['serve', '--port', '0', '--config', path])
      expect(code).not.toBe(0)
      expect(stderr).toMatch(/not JSON/)
    })

    it('a missing ${VAR} names the variable', async () => {
      const path = tempFile('{"agents":[{"id":"${NO_SUCH_BRIDGE_VAR}","dialect":"demo"}]}')
      const { code, stderr } = await failsToStart(['serve', '--port', '0', '--config', path])
      expect(code).not.toBe(0)
      expect(stderr).toContain('${NO_SUCH_BRIDGE_VAR}')
      expect(stderr).toMatch(/not set/)
      expect(stderr).not.toMatch(/^\s+at /m)
    })

    it('invalid inline BRIDGE_CONFIG names the source and the field', async () => {
      const { code, stderr } = await failsToStart(['serve', '--port', '0'], { BRIDGE_CONFIG: '{"agents":[]}' })
      expect(code).not.toBe(0)
      expect(stderr).toContain('BRIDGE_CONFIG')
      expect(stderr).toContain('agents')
    })

    it('a bad --port is refused', async () => {
      const { code, stderr } = await failsToStart(['serve', '--port', 'eighty'])
      expect(code).not.toBe(0)
      expect(stderr).toContain('--port')
    })
  })

  it('--help prints the usage and exits 0; an unknown command exits 2', async () => {
    const help = await failsToStart(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: dialect-bridge serve/)
    const unknown = await failsToStart(['frobnicate'])
    expect(unknown.code).toBe(2)
  })
})

describe('configuration functions', () => {
  describe('substituteEnv', () => {
    it('replaces ${NAME} with the variable, escaped for a JSON string', () => {
      const text = substituteEnv('{"a":"${A}","b":"x-${B_2}-y"}', {
        A: 'plain',
        B_2: 'quote " backslash \\ newline \n',
      })
      expect(JSON.parse(text)).toEqual({ a: 'plain', b: 'x-quote " backslash \\ newline \n-y' })
    })

    it('replaces every occurrence, and an empty value counts as set', () => {
      expect(substituteEnv('${A}/${A}/${E}', { A: 'x', E: '' })).toBe('x/x/')
    })

    it('leaves text without ${NAME} alone (lower-case names and bare $NAME are not substituted)', () => {
      const text = '{"a":"$HOME","b":"${lower}","c":"$"}'
      expect(substituteEnv(text, {})).toBe(text)
    })

    it('throws a ConfigError naming a missing variable', () => {
      expect(() => substituteEnv('{"key":"${MISSING_KEY}"}', {})).toThrow(ConfigError)
      expect(() => substituteEnv('{"key":"${MISSING_KEY}"}', {})).toThrow(/\$\{MISSING_KEY\}.*not set/)
    })
  })

  describe('parseConfig / parseConfigText', () => {
    const message = (f: () => unknown): string => {
      try {
        f()
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError)
        return (e as Error).message
      }
      throw new Error('expected a ConfigError')
    }

    it('accepts the demo configuration and a responses agent with a url', () => {
      expect(parseConfig(DEMO_CONFIG)).toEqual(DEMO_CONFIG)
      const config = {
        agents: [
          { id: 'up', dialect: 'responses', url: 'https://example.com/v1', headers: { authorization: 'Bearer k' } },
        ],
      }
      expect(parseConfig(config)).toEqual(config)
    })

    it('names agents[0].url when a responses agent has none', () => {
      expect(message(() => parseConfig({ agents: [{ id: 'x', dialect: 'responses' }] }, 'my.json'))).toMatch(
        /^Invalid my\.json:\n {2}agents\[0\]\.url: /,
      )
    })

    it('names agents[0].dialect for an unknown dialect', () => {
      expect(message(() => parseConfig({ agents: [{ id: 'x', dialect: 'klingon' }] }))).toContain('agents[0].dialect')
    })

    it('names every bad field at once', () => {
      const text = message(() =>
        parseConfig({
          agents: [
            { id: 'ok', dialect: 'demo' },
            { id: 'bad id', dialect: 'demo', delayMs: -1 },
            { id: 'u', dialect: 'responses', url: 'ftp://x' },
          ],
        }),
      )
      expect(text).toContain('agents[1].id')
      expect(text).toContain('agents[1].delayMs')
      expect(text).toContain('agents[2].url')
    })

    it('refuses duplicate ids, unknown keys and an empty agent list', () => {
      expect(
        message(() =>
          parseConfig({
            agents: [
              { id: 'a', dialect: 'demo' },
              { id: 'a', dialect: 'demo' },
            ],
          }),
        ),
      ).toMatch(/agents\[1\]\.id: "a" is used twice/)
      expect(message(() => parseConfig({ agents: [{ id: 'a', dialect: 'demo', colour: 'red' }] }))).toContain('colour')
      expect(message(() => parseConfig({ agents: [] }))).toMatch(/agents: must list at least one agent/)
      expect(message(() => parseConfig({ agents: [{ id: 'a', dialect: 'demo' }], extra: 1 }))).toContain('extra')
      expect(message(() => parseConfig(null))).toContain('(root)')
    })

    it('parseConfigText says when the text is not JSON', () => {
      expect(message(() => parseConfigText('{agents:', 'cfg.json'))).toMatch(/^Invalid cfg\.json: not JSON/)
    })
  })

  describe('loadConfig', () => {
    it('with neither --config nor BRIDGE_CONFIG, serves the demo agent', async () => {
      expect(await loadConfig(undefined, {})).toEqual(DEMO_CONFIG)
      expect(await loadConfig(undefined, { BRIDGE_CONFIG: '   ' })).toEqual(DEMO_CONFIG)
    })

    it('reads inline JSON from BRIDGE_CONFIG, with ${VAR} substitution', async () => {
      const env = { BRIDGE_CONFIG: ' {"agents":[{"id":"${WHO}","dialect":"demo"}]} ', WHO: 'inline' }
      expect(await loadConfig(undefined, env)).toEqual({ agents: [{ id: 'inline', dialect: 'demo' }] })
    })

    it('reads a file from BRIDGE_CONFIG or --config; --config wins', async () => {
      const a = tempFile('{"agents":[{"id":"a","dialect":"demo"}]}')
      const b = tempFile('{"agents":[{"id":"b","dialect":"demo"}]}')
      expect(await loadConfig(undefined, { BRIDGE_CONFIG: a })).toEqual({ agents: [{ id: 'a', dialect: 'demo' }] })
      expect(await loadConfig(b, { BRIDGE_CONFIG: a })).toEqual({ agents: [{ id: 'b', dialect: 'demo' }] })
      expect(await loadConfig(b, { BRIDGE_CONFIG: '{"agents":[{"id":"inline","dialect":"demo"}]}' })).toEqual({
        agents: [{ id: 'b', dialect: 'demo' }],
      })
    })

    it('substitutes ${VAR} in a file, and a missing one is a ConfigError', async () => {
      const path = tempFile(
        '{"agents":[{"id":"up","dialect":"responses","url":"${UP_URL}","headers":{"authorization":"Bearer ${UP_KEY}"}}]}',
      )
      const config = await loadConfig(path, { UP_URL: 'https://example.com/v1', UP_KEY: 'sk-"x"' })
      expect(config.agents[0]).toMatchObject({
        url: 'https://example.com/v1',
        headers: { authorization: 'Bearer sk-"x"' },
      })
      await expect(loadConfig(path, { UP_URL: 'https://example.com/v1' })).rejects.toThrow(ConfigError)
      await expect(loadConfig(path, { UP_URL: 'https://example.com/v1' })).rejects.toThrow(/\$\{UP_KEY\}/)
    })

    it('a missing file is a ConfigError that names the path', async () => {
      const path = join(tmp, 'nope', 'missing.json')
      await expect(loadConfig(path, {})).rejects.toThrow(ConfigError)
      await expect(loadConfig(path, {})).rejects.toThrow(`Cannot read the configuration file ${path}`)
    })

    it('validation errors name the file', async () => {
      const path = tempFile('{"agents":[{"id":"x","dialect":"responses"}]}')
      await expect(loadConfig(path, {})).rejects.toThrow(`Invalid ${path}:`)
      await expect(loadConfig(path, {})).rejects.toThrow('agents[0].url')
    })
  })
})
