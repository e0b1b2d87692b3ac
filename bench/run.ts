// `npm run bench`: mapper throughput in process; then, with the upstream here and the bridge and a byte pass-through
// proxy each in a process of their own: one fast stream through every face against the proxy, heap per idle open
// stream, paced streams level by level (added latency, CPU per event, the most streams under a p99 budget, 1,000
// streams opening at once), the bridge's RSS once its runs expired, cold start (when dist/ is built) and the worker
// bundle. Rounds are interleaved; figures are medians with their spread. Prints figures; asserts nothing.
// BENCH_ONLY picks parts (mapper, throughput, heap, paced, rss, cold, bundle); BENCH_ROUNDS, BENCH_WARMUP and the
// other BENCH_* variables below size them. The bridge runs from dist/ (`npm run bench` builds first).
import { fork, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { RunEvent } from '../src/core/index.js'
import {
  createDecoder as createResponseDecoder,
  decode as decodeStreamEvent,
} from '../src/dialects/responses/decode.js'
import {
  createEncoder as createResponseEncoder,
  encode as encodeRunEvent,
  openResponse,
} from '../src/dialects/responses/encode.js'
import type { ResponseStreamEvent as WireEvent } from '../src/dialects/responses/wire.js'
import { ResponseStreamEvent } from '../src/dialects/responses/wire.js'
import { createDecoder as createA2ADecoder, decode as decodeStreamResponse } from '../src/dialects/a2a/decode.js'
import { createEncoder as createTaskEncoder, encode as encodeTaskEvent } from '../src/dialects/a2a/encode.js'
import { StreamResponse } from '../src/dialects/a2a/wire.js'
import { readSSE } from '../src/stream/index.js'
import { buildWorker } from '../scripts/worker-bundle.js'

const DELTAS = Number(process.env.BENCH_DELTAS ?? 20_000)
/** Paced streams: each sends PACED_EVENTS deltas at 1000 / PACE_MS events per second. */
const PACE_MS = 50
const PACED_EVENTS = Number(process.env.BENCH_PACED_EVENTS ?? 60)
/**
 * How many paced streams run at once, level by level; and how many open at once for the first-byte figure. Levels
 * about 1.5x apart, from where this 2-core machine's byte pipe still keeps its p99 under 10 ms: on a grid of
 * doublings the count ratio could only be 1, 0.5 or less.
 */
const PACED_LEVELS = (process.env.BENCH_PACED_LEVELS ?? '25,35,50,75,100,150,200,300,400').split(',').map(Number)
const FIRST_BYTE_STREAMS = Number(process.env.BENCH_FIRST_BYTE_STREAMS ?? 1000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
/** Unmeasured rounds first: the bridge's JIT reaches its steady state over a few streams (the byte pipe has none). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
/** A directory: the bridge and the proxy each write a CPU profile (`--cpu-prof`) there when the bench stops them. */
const PROF = process.env.BENCH_PROF
/** Which parts run (comma-separated): mapper, throughput, heap, paced, rss, cold, bundle. Default: all. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'mapper,throughput,heap,paced,rss,cold,bundle').split(','))

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000)
const fmt = (n: number) => n.toLocaleString('en-US')

function canonicalDeltas(n: number): RunEvent[] {
  const stamp = (i: number) => ({ runId: 'run', seq: i, time: 0 })
  const events: RunEvent[] = [{ type: 'run.status', status: 'working', ...stamp(1) }]
  events.push({ type: 'message.started', messageId: 'm', role: 'assistant', ...stamp(2) })
  for (let i = 0; i < n; i++)
    events.push({ type: 'message.delta', messageId: 'm', delta: ' word', channel: 'output', ...stamp(i + 3) })
  return events
}

function mapperThroughput() {
  const events = canonicalDeltas(DELTAS)
  const encodeMs: number[] = []
  const decodeMs: number[] = []
  let wire: WireEvent[] = []
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now()
    const encoder = createResponseEncoder({ responseId: 'resp', model: 'm', createdAt: 0 })
    wire = [...openResponse(encoder)]
    for (const e of events) wire.push(...encodeRunEvent(encoder, e))
    const lines = wire.map((w) => JSON.stringify(w))
    encodeMs.push(performance.now() - t)
    t = performance.now()
    const decoder = createResponseDecoder()
    for (const line of lines) decodeStreamEvent(decoder, ResponseStreamEvent.parse(JSON.parse(line)))
    decodeMs.push(performance.now() - t)
  }
  const enc = rate(wire.length, median(encodeMs))
  const dec = rate(wire.length, median(decodeMs))
  const both = rate(wire.length, median(encodeMs) + median(decodeMs))
  console.log(`mapper (in process, ${fmt(DELTAS)} text deltas, median of ${ROUNDS}):`)
  console.log(`  encode canonical → Responses SSE JSON      ${fmt(enc)} events/s`)
  console.log(`  decode Responses SSE JSON → canonical (zod) ${fmt(dec)} events/s`)
  console.log(`  encode + decode                            ${fmt(both)} events/s`)

  const a2aEncode: number[] = []
  const a2aDecode: number[] = []
  let count = 0
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now()
    const encoder = createTaskEncoder({ taskId: 'task', contextId: 'ctx' })
    const lines = events.flatMap((e) => encodeTaskEvent(encoder, e)).map((w) => JSON.stringify(w))
    a2aEncode.push(performance.now() - t)
    count = lines.length
    t = performance.now()
    const decoder = createA2ADecoder()
    for (const line of lines) decodeStreamResponse(decoder, StreamResponse.parse(JSON.parse(line)))
    a2aDecode.push(performance.now() - t)
  }
  console.log(`  A2A encode (artifact chunks)               ${fmt(rate(count, median(a2aEncode)))} events/s`)
  console.log(`  A2A decode (zod)                           ${fmt(rate(count, median(a2aDecode)))} events/s`)
}

/** The bench's Responses upstream: `/fast/…` writes one pre-rendered stream of DELTAS text deltas as fast as it can,
 * `/idle/…` opens a response and then stays silent until the client goes away. */
function upstreamServer() {
  const encoder = createResponseEncoder({ responseId: 'resp_bench', model: 'bench', createdAt: 0 })
  const wire = [...openResponse(encoder)]
  const opening = wire.map((w) => `event: ${w.type}\ndata: ${JSON.stringify(w)}\n\n`).join('')
  const events = canonicalDeltas(DELTAS)
  events.push({
    type: 'message.completed',
    message: { id: 'm', role: 'assistant', parts: [{ type: 'text', text: ' word'.repeat(DELTAS) }] },
    runId: 'run',
    seq: DELTAS + 3,
    time: 0,
  })
  events.push({ type: 'run.completed', runId: 'run', seq: DELTAS + 4, time: 0 })
  for (const e of events) wire.push(...encodeRunEvent(encoder, e))
  const body = Buffer.from(wire.map((w) => `event: ${w.type}\ndata: ${JSON.stringify(w)}\n\n`).join(''))
  // A paced answer: PACED_EVENTS text deltas, one every PACE_MS, each carrying the time it was sent as its text.
  const pacedWire = (() => {
    const e = createResponseEncoder({ responseId: 'resp_paced', model: 'bench', createdAt: 0 })
    const out = [...openResponse(e)]
    const evs = canonicalDeltas(PACED_EVENTS)
    evs.push({
      type: 'message.completed',
      message: { id: 'm', role: 'assistant', parts: [{ type: 'text', text: 'x' }] },
      runId: 'run',
      seq: PACED_EVENTS + 3,
      time: 0,
    })
    evs.push({ type: 'run.completed', runId: 'run', seq: PACED_EVENTS + 4, time: 0 })
    for (const ev of evs) out.push(...encodeRunEvent(e, ev))
    return out
  })()
  const sse = (w: WireEvent) => `event: ${w.type}\ndata: ${JSON.stringify(w)}\n\n`
  const paced = (res: import('node:http').ServerResponse) => {
    const deltas = pacedWire.filter((w) => w.type === 'response.output_text.delta')
    const first = pacedWire.indexOf(deltas[0] as WireEvent)
    const last = pacedWire.indexOf(deltas.at(-1) as WireEvent)
    res.write(pacedWire.slice(0, first).map(sse).join(''))
    let i = 0
    const timer = setInterval(() => {
      const w = deltas[i++] as WireEvent
      res.write(sse({ ...w, delta: String(performance.timeOrigin + performance.now()) } as WireEvent))
      if (i < deltas.length) return
      clearInterval(timer)
      res.end(
        pacedWire
          .slice(last + 1)
          .map(sse)
          .join(''),
      )
    }, PACE_MS)
    res.on('close', () => clearInterval(timer))
  }
  const idle = new Set<import('node:http').ServerResponse>()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      if (req.url?.startsWith('/idle/')) {
        if (idleOver) return void res.end() // a resume after `endIdle`: an answer that ends at once
        res.write(opening)
        idle.add(res)
        res.on('close', () => idle.delete(res))
        return // held open until the client closes it, or `endIdle` cuts it
      }
      if (req.url?.startsWith('/paced/')) {
        paced(res)
        return
      }
      // Write in 16 KiB chunks, as a real server flushing as it goes would.
      for (let at = 0; at < body.length; at += 16_384) res.write(body.subarray(at, at + 16_384))
      res.end()
    })
  })
  /** Cuts every idle answer still open: a run the bridge goes on with after its client left (the default) fails and
   * expires, instead of staying open through the parts measured after. */
  let idleOver = false
  const endIdle = () => {
    idleOver = true
    for (const res of idle) res.destroy()
  }
  return { server, events: wire.length, endIdle }
}

const listen = (server: ReturnType<typeof createServer>) =>
  new Promise<string>((resolve) =>
    // The bridge's backlog (see serveBridge): Node's default 511 drops connections when a thousand streams open at once.
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  )

/** A child process (the proxy, the bridge) that answers the parent's messages; `first` is its first message. */
async function child<T>(
  script: string,
  args: string[],
): Promise<{ first: T; ask: <A>(m: object) => Promise<A>; stop: () => void }> {
  const prof = PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROF}`] : []
  const proc = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv: script.endsWith('.ts') ? ['--import', 'tsx', '--expose-gc', ...prof] : ['--expose-gc', ...prof],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const next = <A>() => new Promise<A>((resolve) => proc.once('message', (m) => resolve(m as A)))
  const first = await next<T>()
  return {
    first,
    ask: <A>(m: object) => {
      const answer = next<A>()
      proc.send(m)
      return answer
    },
    stop: () => proc.kill(),
  }
}

type Target = 'proxy' | 'responses' | 'a2a' | 'acp custom' | 'acp values'

/** One streamed request to a target; the SSE events the client read, and how long it took. */
async function streamOnce(target: Target, proxy: string, bridge: string): Promise<{ events: number; ms: number }> {
  const t = performance.now()
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const acp = (mode: string) =>
    post(`${bridge}/acp/runs/stream`, {
      agent_id: 'fast',
      input: [{ role: 'user', parts: [{ content_type: 'text/plain', content: 'go' }] }],
      stream_mode: mode,
    })
  const res =
    target === 'proxy'
      ? await post(`${proxy}/fast/v1/responses`, { model: 'bench', input: 'go', stream: true })
      : target === 'responses'
        ? await post(`${bridge}/v1/responses`, { model: 'fast', input: 'go', stream: true })
        : target === 'a2a'
          ? await post(
              `${bridge}/a2a/fast/message:stream`,
              { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'go' }] } },
              { 'a2a-version': '1.0' },
            )
          : await acp(target === 'acp custom' ? 'custom' : 'values')
  let events = 0
  if (res.body) for await (const e of readSSE(res.body)) if (e.data !== '[DONE]') events++
  return { events, ms: performance.now() - t }
}

/** Median and spread (min–max) of a figure measured once per round. */
const spread = (xs: number[], digits = 2) =>
  xs.length
    ? `${median(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}]`
    : 'n/a'

/** Fast streams through each face and through the byte proxy, interleaved round by round. */
async function throughput(proxy: string, bridge: string, events: number) {
  const targets: Target[] = ['proxy', 'responses', 'a2a', 'acp custom', 'acp values']
  const rates = new Map<Target, number[]>(targets.map((t) => [t, []]))
  const ratios = new Map<Target, number[]>(targets.map((t) => [t, []]))
  const counts = new Map<Target, number>()
  for (let round = -WARMUP; round < ROUNDS; round++) {
    let proxyMs = 0
    for (const target of targets) {
      const r = await streamOnce(target, proxy, bridge)
      counts.set(target, r.events)
      if (round < 0) continue // warms up
      if (target === 'proxy') proxyMs = r.ms
      rates.get(target)?.push(rate(r.events, r.ms))
      // The same answer, start to end: how much of the proxy's speed the face keeps (ACP values sends fewer events).
      ratios.get(target)?.push(proxyMs / r.ms)
    }
  }
  console.log(`\none fast stream (${fmt(events)} upstream events; median [min–max] of ${ROUNDS} interleaved rounds):`)
  for (const target of targets) {
    const r = rates.get(target) ?? []
    const line = `  ${target.padEnd(12)} ${fmt(median(r)).padStart(9)} events/s [${fmt(Math.min(...r))}–${fmt(Math.max(...r))}]`
    console.log(
      target === 'proxy'
        ? `${line}  (byte pipe, own process)`
        : `${line}  ratio to the proxy ${spread(ratios.get(target) ?? [])}  (${fmt(counts.get(target) ?? 0)} events out)`,
    )
  }
}

/** Heap per idle open stream: STREAMS streams held open through each, heap measured (after GC) before and after. */
async function idleHeap(
  proxy: { url: string; heap: () => Promise<number> },
  bridge: { url: string; heap: () => Promise<number> },
) {
  const STREAMS = Number(process.env.BENCH_IDLE_STREAMS ?? 200)
  /** Opens `count` streams through `url`, each held until its first event is in; their controllers end them. */
  const open = async (url: string, body: unknown, count: number) => {
    const controllers: AbortController[] = []
    await Promise.all(
      Array.from({ length: count }, async () => {
        const controller = new AbortController()
        controllers.push(controller)
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: controller.signal,
        })
        // The stream is open once its first event is in.
        const reader = res.body?.getReader()
        await reader?.read()
      }),
    )
    return controllers
  }
  const close = async (controllers: AbortController[]) => {
    for (const c of controllers) c.abort()
    await new Promise((r) => setTimeout(r, 200))
  }
  const per = async (url: string, body: unknown, heap: () => Promise<number>) => {
    // A first round warms the server up: what its first streams build once (compiled code, feedback, lazily built
    // schemas) is not what each stream holds, and without it the figure depended on what the bench ran before.
    await close(await open(url, body, Math.min(STREAMS, 50)))
    const before = await heap()
    const controllers = await open(url, body, STREAMS)
    const after = await heap()
    await close(controllers)
    return (after - before) / STREAMS
  }
  const kb: Record<'proxy' | 'bridge', number[]> = { proxy: [], bridge: [] }
  for (let round = 0; round < 3; round++) {
    kb.proxy.push(
      (await per(`${proxy.url}/idle/v1/responses`, { model: 'b', input: 'go', stream: true }, proxy.heap)) / 1024,
    )
    kb.bridge.push(
      (await per(`${bridge.url}/v1/responses`, { model: 'idle', input: 'go', stream: true }, bridge.heap)) / 1024,
    )
  }
  console.log(
    `\nheap per idle open stream (${STREAMS} streams after a warm-up, after GC; median [min–max] of 3 rounds):`,
  )
  console.log(`  proxy        ${spread(kb.proxy, 1)} KB`)
  console.log(`  bridge       ${spread(kb.bridge, 1)} KB  (Responses face)`)
}

/** Milliseconds from spawning a server to its first answer on `path`. */
async function coldStart(command: string, args: string[], port: number, path: string): Promise<number> {
  const t = performance.now()
  const proc = spawn(command, args, { stdio: 'ignore' })
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`)
        if (res.ok) return performance.now() - t
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 2))
    }
  } finally {
    proc.kill()
    await new Promise((r) => proc.once('exit', r))
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  const url = await listen(server)
  await new Promise((r) => server.close(r))
  return Number(new URL(url).port)
}

/** Cold start of the built command (`dist/cli.js`) against a bare Hono server on @hono/node-server, interleaved. */
async function coldStarts() {
  const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
  if (!existsSync(built)) {
    console.log('\ncold start: skipped (no dist/; run `npm run build` first)')
    return
  }
  const bare = fileURLToPath(new URL('./bare-hono.mjs', import.meta.url))
  const ms: Record<'bridge' | 'bare', number[]> = { bridge: [], bare: [] }
  const ratios: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const port = await freePort()
    const b = await coldStart(process.execPath, [built, 'serve', '--port', String(port)], port, '/healthz')
    const h = await coldStart(process.execPath, [bare, String(port)], port, '/healthz')
    ms.bridge.push(b)
    ms.bare.push(h)
    ratios.push(b / h)
  }
  console.log(`\ncold start to the first /healthz (built, median [min–max] of ${ROUNDS}):`)
  console.log(`  bare Hono    ${spread(ms.bare, 0)} ms`)
  console.log(`  bridge       ${spread(ms.bridge, 0)} ms  ratio ${spread(ratios)}`)
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** Keeps the paced clients' connections, as a client library would, and lets a thousand streams open at once. */
const pacedAgent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
/** Requests sent again because the kept-alive socket they were given had been closed by the server (said at the end). */
let resent = 0

/**
 * POSTs `body` to `url` and hands each SSE event (its name and its one data line, as both servers write them) to
 * `onEvent` as it arrives, until the answer ends. On node:http with no web stream or SSE library in between: the
 * clients share the bench's process with the upstream, and what they cost there would add to every latency measured.
 */
function readStream(url: string, body: string, onEvent: (event: string, data: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let answered = false
    const req = request(
      url,
      { method: 'POST', agent: pacedAgent, headers: { 'content-type': 'application/json' } },
      (res) => {
        answered = true
        let buffered = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffered += chunk
          let end = buffered.indexOf('\n\n')
          while (end >= 0) {
            let event = 'message'
            let data = ''
            for (const line of buffered.slice(0, end).split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7)
              else if (line.startsWith('data: ')) data = line.slice(6)
            }
            if (data) onEvent(event, data)
            buffered = buffered.slice(end + 2)
            end = buffered.indexOf('\n\n')
          }
        })
        res.on('end', resolve)
        res.on('error', reject)
      },
    )
    // A kept-alive socket the server closed (its idle timeout) just as it was reused: sent again on a fresh one, as
    // Node's documentation advises (`reusedSocket`), rather than ending the bench.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered && req.reusedSocket && error.code === 'ECONNRESET') {
        resent++
        resolve(readStream(url, body, onEvent))
      } else reject(error)
    })
    req.end(body)
  })
}

/**
 * STREAMS paced streams through `url`, opened over one pace period: every delta's added latency (received − sent, one
 * clock, since the upstream and the client are this process), each stream's first-byte time, and the CPU the
 * process in between spent per event delivered.
 */
async function pacedRun(url: string, body: unknown, streams: number, cpu: () => Promise<number>) {
  const latencies: number[] = []
  const firstBytes: number[] = []
  let events = 0
  const cpuBefore = await cpu()
  await Promise.all(
    Array.from({ length: streams }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * PACE_MS) / streams))
      const t = performance.now()
      let first = true
      await readStream(url, JSON.stringify(body), (event, data) => {
        if (first) {
          firstBytes.push(performance.now() - t)
          first = false
        }
        if (event !== 'response.output_text.delta') return
        const sent = Number((JSON.parse(data) as { delta: string }).delta)
        latencies.push(performance.timeOrigin + performance.now() - sent)
        events++
      })
    }),
  )
  const cpuMs = (await cpu()) - cpuBefore
  return { latencies, firstBytes, events, cpuPerEventUs: (cpuMs * 1000) / Math.max(events, 1) }
}

/**
 * Paced load, level by level, through the proxy and the bridge's Responses face, PACED_ROUNDS times interleaved; then
 * many streams opening at once, as often. Each figure is a median with its spread over the rounds.
 */
async function pacedLoad(
  proxy: { url: string; cpu: () => Promise<number> },
  bridge: { url: string; cpu: () => Promise<number>; firstWrites: () => Promise<number[]> },
) {
  const rounds = Number(process.env.BENCH_PACED_ROUNDS ?? Math.min(ROUNDS, 3))
  console.log(
    `\npaced streams (${1000 / PACE_MS} events/s each, ${PACED_EVENTS} events; added latency = received − sent, ms; ` +
      `median [min–max] of ${rounds} interleaved rounds):`,
  )
  type Figures = { p50: number[]; p99: number[]; cpu: number[] }
  const at = new Map<string, Figures>()
  const figures = (key: string) => at.get(key) ?? (at.set(key, { p50: [], p99: [], cpu: [] }).get(key) as Figures)
  const best: Record<'proxy' | 'bridge', number[]> = { proxy: [], bridge: [] }
  const ratios: number[] = []
  for (let round = 0; round < rounds; round++) {
    // The count is the last level of an unbroken run from the first: a level that passes after one that failed is luck.
    const most = { proxy: 0, bridge: 0 }
    const missed = { proxy: false, bridge: false }
    for (const streams of PACED_LEVELS) {
      const cpu: Record<string, number> = {}
      for (const [name, target, body] of [
        ['proxy', `${proxy.url}/paced/v1/responses`, { model: 'b', input: 'go', stream: true }],
        ['bridge', `${bridge.url}/v1/responses`, { model: 'paced', input: 'go', stream: true }],
      ] as const) {
        const r = await pacedRun(target, body, streams, name === 'proxy' ? proxy.cpu : bridge.cpu)
        const p99 = percentile(r.latencies, 99)
        if (p99 >= 10) missed[name] = true
        else if (!missed[name]) most[name] = streams
        const f = figures(`${streams} ${name}`)
        f.p50.push(percentile(r.latencies, 50))
        f.p99.push(p99)
        f.cpu.push(r.cpuPerEventUs)
        cpu[name] = r.cpuPerEventUs
      }
      ratios.push((cpu.bridge ?? 0) / (cpu.proxy ?? 1))
    }
    best.proxy.push(most.proxy)
    best.bridge.push(most.bridge)
  }
  for (const streams of PACED_LEVELS) {
    for (const name of ['proxy', 'bridge']) {
      const f = figures(`${streams} ${name}`)
      console.log(
        `  ${String(streams).padStart(5)} streams  ${name.padEnd(7)} p50 ${spread(f.p50, 1)}  p99 ${spread(f.p99, 1)}  ` +
          `CPU ${spread(f.cpu, 0)} µs/event`,
      )
    }
  }
  console.log(`  CPU per event, bridge / proxy (every level and round): ${spread(ratios)}`)
  // Rounds where even the proxy missed the budget at the lowest level have no ratio.
  const countRatios = best.bridge.flatMap((b, i) => (best.proxy[i] ? [b / (best.proxy[i] as number)] : []))
  console.log(
    `  most streams with p99 < 10 ms at that level and every one below (0: not even ${PACED_LEVELS[0]}): proxy ${spread(best.proxy, 0)}, ` +
      `bridge ${spread(best.bridge, 0)}, ratio ${spread(countRatios)}`,
  )
  // The same opening through the byte proxy too, interleaved: the upstream and the clients share the bench's process,
  // and when it is saturated their own waiting is in every first byte measured, the proxy's as much as the bridge's.
  type Opening = Record<'p50' | 'max' | 'p50Latency' | 'p99Latency', number[]>
  const opening = (): Opening => ({ p50: [], max: [], p50Latency: [], p99Latency: [] })
  const first: Record<'proxy' | 'bridge', Opening> = { proxy: opening(), bridge: opening() }
  // The bridge's own part of each first byte (its request event to its first write), apart from the wait before it.
  const own: Record<'p50' | 'max', number[]> = { p50: [], max: [] }
  for (let round = 0; round < rounds; round++) {
    for (const [name, url, body, cpu] of [
      ['proxy', `${proxy.url}/paced/v1/responses`, { model: 'b', input: 'go', stream: true }, proxy.cpu],
      ['bridge', `${bridge.url}/v1/responses`, { model: 'paced', input: 'go', stream: true }, bridge.cpu],
    ] as const) {
      if (name === 'bridge') await bridge.firstWrites()
      const many = await pacedRun(url, body, FIRST_BYTE_STREAMS, cpu)
      if (name === 'bridge') {
        const writes = await bridge.firstWrites()
        own.p50.push(percentile(writes, 50))
        own.max.push(Math.max(...writes))
      }
      const f = first[name]
      f.p50.push(percentile(many.firstBytes, 50))
      f.max.push(Math.max(...many.firstBytes))
      f.p50Latency.push(percentile(many.latencies, 50))
      f.p99Latency.push(percentile(many.latencies, 99))
    }
  }
  console.log(`  ${fmt(FIRST_BYTE_STREAMS)} streams opening within ${PACE_MS} ms:`)
  for (const name of ['proxy', 'bridge'] as const) {
    const f = first[name]
    console.log(
      `    ${name.padEnd(7)} first byte p50 ${spread(f.p50, 0)} ms, max ${spread(f.max, 0)} ms; added latency p50 ` +
        `${spread(f.p50Latency, 1)}, p99 ${spread(f.p99Latency, 1)} ms`,
    )
  }
  console.log(
    `    of which the bridge's own (Node's request event to its first write): p50 ${spread(own.p50, 1)} ms, max ` +
      `${spread(own.max, 0)} ms; the rest is before the request is read`,
  )
  if (resent)
    console.log(`  (${resent} requests sent again: the kept-alive socket they were given had just been closed)`)
}

/**
 * The bridge's RSS and V8 heap (committed) before the load, right after it, and once every run of it has expired
 * (BENCH_TTL_SECONDS). Nothing is collected by force: V8 hands pooled pages back once the process has been idle for a
 * while (its memory reducer), so RSS is read every 2 s until it is back within 20 MiB of the start, for at most 120 s.
 */
async function rssAfterExpiry(baseline: Memory, memory: () => Promise<Memory>) {
  const peak = await memory()
  const ttl = Number(process.env.BENCH_TTL_SECONDS ?? 10)
  // A TTL for the runs to expire, and as long again for the sweep that drops them.
  await new Promise((r) => setTimeout(r, 2 * ttl * 1000 + 500))
  const expired = performance.now()
  let after = await memory()
  while (after.rss - baseline.rss > 20 * 2 ** 20 && performance.now() - expired < 120_000) {
    await new Promise((r) => setTimeout(r, 2_000))
    after = await memory()
  }
  const waited = (performance.now() - expired) / 1000
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
  console.log(
    `\nbridge memory (as it stands, nothing collected by force; runs expire ${ttl} s after their last event):`,
  )
  for (const [name, m] of [
    ['before the load', baseline],
    ['right after it', peak],
    [`${waited.toFixed(0)} s after expiry`, after],
  ] as const)
    console.log(`  ${name.padEnd(22)} RSS ${mib(m.rss).padStart(10)}  V8 heap ${mib(m.heap).padStart(10)}`)
  console.log(`  RSS above the start once runs expired: ${mib(after.rss - baseline.rss)}`)
}

type Memory = { rss: number; heap: number }

async function throughBridge() {
  const upstream = upstreamServer()
  const upstreamUrl = await listen(upstream.server)
  const proxy = await child<{ port: number }>('./proxy.ts', [upstreamUrl])
  const bridge = await child<{ url: string }>('./bridge.mjs', [upstreamUrl])
  const proxyUrl = `http://127.0.0.1:${proxy.first.port}`
  try {
    const rss = async () => bridge.ask<Memory>({ rss: true })
    const baseline = await rss()
    if (ONLY.has('throughput')) await throughput(proxyUrl, bridge.first.url, upstream.events)
    const heap = (c: typeof proxy | typeof bridge) => async () => (await c.ask<{ heap: number }>({ heap: true })).heap
    if (ONLY.has('heap'))
      await idleHeap({ url: proxyUrl, heap: heap(proxy) }, { url: bridge.first.url, heap: heap(bridge) })
    upstream.endIdle()
    const cpu = (c: typeof proxy | typeof bridge) => async () => {
      const { cpu: used } = await c.ask<{ cpu: { user: number; system: number } }>({ cpu: true })
      return (used.user + used.system) / 1000
    }
    if (ONLY.has('paced'))
      await pacedLoad(
        { url: proxyUrl, cpu: cpu(proxy) },
        {
          url: bridge.first.url,
          cpu: cpu(bridge),
          firstWrites: async () => (await bridge.ask<{ firstWrites: number[] }>({ firstWrites: true })).firstWrites,
        },
      )
    if (ONLY.has('rss')) await rssAfterExpiry(baseline, rss)
  } finally {
    proxy.stop()
    bridge.stop()
    upstream.server.closeAllConnections()
    await new Promise((r) => upstream.server.close(r))
  }
}

console.log(`dialect-bridge bench — node ${process.version}\n`)
if (!existsSync(fileURLToPath(new URL('../dist/node.js', import.meta.url)))) {
  console.error('The bench runs the built bridge: `npm run build` first (`npm run bench` does).')
  process.exit(1)
}
if (ONLY.has('mapper')) mapperThroughput()
if (['throughput', 'heap', 'paced', 'rss'].some((part) => ONLY.has(part))) await throughBridge()
if (ONLY.has('cold')) await coldStarts()

const bundle = ONLY.has('bundle') ? await buildWorker() : undefined
if (bundle)
  console.log(
    `\nworker bundle (wrangler deploy --dry-run): ${fmt(Math.round(bundle.bytes / 1024))} KiB, gzip ${fmt(Math.round(bundle.gzipBytes / 1024))} KiB`,
  )
