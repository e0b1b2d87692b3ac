// `npm run bench`: mapper throughput in process, and one fast stream through the bridge against a byte
// pass-through proxy measured in the same run. Prints figures; asserts nothing.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
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
import { serveBridge } from '../src/node.js'
import { readSSE } from '../src/stream/index.js'
import { buildWorker } from '../scripts/worker-bundle.js'

const DELTAS = Number(process.env.BENCH_DELTAS ?? 20_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

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

/** A Responses upstream that writes one pre-rendered stream of DELTAS text deltas as fast as it can. */
function fastUpstream() {
  const encoder = createResponseEncoder({ responseId: 'resp_bench', model: 'bench', createdAt: 0 })
  const wire = [...openResponse(encoder)]
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
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      // Write in 16 KiB chunks, as a real server flushing as it goes would.
      for (let at = 0; at < body.length; at += 16_384) res.write(body.subarray(at, at + 16_384))
      res.end()
    })
  })
  return { server, events: wire.length }
}

/** Forwards the request and pipes the upstream bytes back untouched: the floor any proxy pays. */
function passThrough(upstream: string) {
  return createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const up = await fetch(`${upstream}${req.url}`, {
      method: req.method,
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
    })
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'text/event-stream' })
    if (up.body) for await (const chunk of up.body) res.write(chunk)
    res.end()
  })
}

const listen = (server: ReturnType<typeof createServer>) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  )

async function streamOnce(url: string): Promise<{ events: number; ms: number }> {
  const t = performance.now()
  const res = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench', input: 'go', stream: true }),
  })
  let events = 0
  if (res.body) for await (const e of readSSE(res.body)) if (e.data !== '[DONE]') events++
  return { events, ms: performance.now() - t }
}

async function throughBridge() {
  const upstream = fastUpstream()
  const upstreamUrl = await listen(upstream.server)
  const proxy = passThrough(upstreamUrl)
  const proxyUrl = await listen(proxy)
  const bridge = await serveBridge({
    port: 0,
    config: { agents: [{ id: 'bench', dialect: 'responses', url: `${upstreamUrl}/v1` }] },
  })

  const results: Record<string, number[]> = { direct: [], passThrough: [], bridge: [] }
  const counts: Record<string, number> = {}
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const [name, url] of [
      ['direct', upstreamUrl],
      ['passThrough', proxyUrl],
      ['bridge', bridge.url],
    ] as const) {
      const r = await streamOnce(url)
      counts[name] = r.events
      if (round > 0) results[name]?.push(rate(r.events, r.ms)) // round 0 warms up
    }
  }
  const direct = median(results.direct ?? [])
  const pass = median(results.passThrough ?? [])
  const viaBridge = median(results.bridge ?? [])
  console.log(`\none fast stream (${fmt(upstream.events)} upstream events, median of ${ROUNDS}, loopback):`)
  console.log(`  upstream direct                 ${fmt(direct)} events/s`)
  console.log(`  byte pass-through proxy          ${fmt(pass)} events/s`)
  console.log(`  bridge (decode → log → encode)   ${fmt(viaBridge)} events/s  (${counts.bridge} events out)`)
  console.log(`  ratio bridge / pass-through      ${(viaBridge / pass).toFixed(2)}`)

  await bridge.close()
  await new Promise((r) => proxy.close(r))
  await new Promise((r) => upstream.server.close(r))
}

console.log(`dialect-bridge bench — node ${process.version}\n`)
mapperThroughput()
await throughBridge()

const bundle = await buildWorker()
console.log(
  `\nworker bundle (wrangler deploy --dry-run): ${fmt(Math.round(bundle.bytes / 1024))} KiB, gzip ${fmt(Math.round(bundle.gzipBytes / 1024))} KiB`,
)
