// ACP `values` streams at a bounded cadence: at most one snapshot per `faces.acp.valuesIntervalMs` (default 100 ms)
// while deltas arrive, stretched once the values are long, plus one at each boundary; so output grows with time, not
// with the square of the answer. A stream that cannot go on ends with an ACP `error` event, never silently. Runs
// longer than the bounded log can still be waited for and read.
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/bridge/index.js'
import type { AgentBackend, AgentEvent, RunRequest } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { MemoryRunStore } from '../../src/store/index.js'
import { startBridge } from '../helpers/bridge.js'
import { postJson, readAll } from '../helpers/sse.js'

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

interface Script {
  deltas: number
  /** Milliseconds between deltas (0: as fast as they go). */
  paceMs?: number
  /** After the deltas: a completed message the ACP face cannot write (JSON has no BigInt). */
  unwritable?: boolean
}

/** A canonical backend answering with `deltas` one-word deltas, as its input's first word says (`deltas paceMs`). */
function countingAgent(script: (request: RunRequest) => Script): AgentBackend {
  return {
    info: () => ({
      id: 'count',
      name: 'count',
      capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
    }),
    async *run(request: RunRequest): AsyncIterable<AgentEvent> {
      const { deltas, paceMs = 0, unwritable } = script(request)
      const id = `${request.runId}-answer`
      yield { type: 'message.started', messageId: id, role: 'assistant' }
      let text = ''
      for (let i = 0; i < deltas; i++) {
        if (paceMs) await tick(paceMs)
        text += `w${i} `
        yield { type: 'message.delta', messageId: id, delta: `w${i} `, channel: 'output' }
      }
      const parts = unwritable
        ? [{ type: 'data' as const, data: { n: 1n } as unknown as Record<string, unknown> }]
        : [{ type: 'text' as const, text }]
      yield { type: 'message.completed', message: { id, role: 'assistant', parts } }
      yield { type: 'run.completed' }
    },
  }
}

const answerOf = (deltas: number) => Array.from({ length: deltas }, (_, i) => `w${i} `).join('')

interface Frame {
  id: string
  data: { type: string; status?: string; values?: { text: string }; errcode?: number; description?: string }
  bytes: number
}

async function streamRun(bridge: RunningBridge, body: Record<string, unknown>) {
  const started = performance.now()
  const res = await postJson(`${bridge.url}/acp/runs/stream`, { agent_id: 'count', ...body })
  expect(res.status).toBe(200)
  const frames: Frame[] = (await readAll(res)).map((e) => ({
    id: e.id ?? '',
    data: JSON.parse(e.data) as Frame['data'],
    bytes: e.data.length,
  }))
  return { frames, ms: performance.now() - started }
}

let bridge: RunningBridge | undefined
afterEach(async () => {
  await bridge?.close()
  bridge = undefined
})

describe('ACP values cadence', () => {
  it('a fast 20k-delta answer: a few snapshots, output a small multiple of the answer, the last one whole', async () => {
    bridge = await startBridge({ agents: [{ id: 'count', backend: countingAgent(() => ({ deltas: 20_000 })) }] })
    const answer = answerOf(20_000)
    const { frames, ms } = await streamRun(bridge, { input: { messages: [{ role: 'user', content: 'go' }] } })
    const values = frames.filter((f) => f.data.type === 'values')
    expect(values).toHaveLength(frames.length)
    const last = values.at(-1)
    expect(last?.data.status).toBe('success')
    expect(last?.data.values?.text).toBe(answer)
    // At most one per 100 ms while the deltas came, plus the run's start, the message's end and the run's end.
    expect(values.length).toBeLessThanOrEqual(3 + Math.ceil(ms / 100))
    const bytes = frames.reduce((n, f) => n + f.bytes, 0)
    // Each snapshot holds the answer twice (the message and `text`); before the cadence this was 20k snapshots,
    // about 2.5 GB.
    expect(bytes).toBeLessThanOrEqual(2.2 * answer.length * values.length)
    // Output grows with time: snapshots between events carry at most about 64 Ki characters per 100 ms, and the three
    // boundaries (start, the message's end, the run's end) at most the answer twice each.
    expect(bytes).toBeLessThanOrEqual(65_536 * (Math.ceil(ms / 100) + 1) + 3 * (2 * answer.length + 500))
  })

  it('a paced answer: snapshots while it streams, each extending the last, at most one per interval', async () => {
    bridge = await startBridge({
      agents: [{ id: 'count', backend: countingAgent(() => ({ deltas: 120, paceMs: 5 })) }],
      faces: { acp: { valuesIntervalMs: 50 } },
    })
    const { frames, ms } = await streamRun(bridge, { input: { messages: [{ role: 'user', content: 'go' }] } })
    const texts = frames.map((f) => f.data.values?.text ?? '')
    expect(texts.at(-1)).toBe(answerOf(120))
    for (const [i, text] of texts.entries()) if (i) expect(text.startsWith(texts[i - 1] ?? '')).toBe(true)
    // The deltas took ≥ 600 ms: snapshots came while they did, not only at the end.
    const during = frames.filter((f) => f.data.status === 'pending' && f.data.values?.text)
    expect(during.length).toBeGreaterThanOrEqual(3)
    expect(frames.length).toBeLessThanOrEqual(4 + Math.ceil(ms / 50))
    // SSE ids still name the run's events, in order: a snapshot between events is the next frame of the last one.
    const seqs = frames.map((f) => Number(f.id.split('.')[0]))
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
  })

  it('Last-Event-ID after a snapshot taken between events resumes after it, to the whole answer', async () => {
    bridge = await startBridge({
      agents: [{ id: 'count', backend: countingAgent(() => ({ deltas: 60, paceMs: 5 })) }],
      faces: { acp: { valuesIntervalMs: 40 } },
    })
    const { frames } = await streamRun(bridge, { input: { messages: [{ role: 'user', content: 'go' }] } })
    const runId = (frames[0]?.data as { run_id?: string } | undefined)?.run_id
    const middle = frames.find((f) => f.data.status === 'pending' && f.data.values?.text)
    expect(middle).toBeDefined()
    const res = await fetch(`${bridge.url}/acp/runs/${runId}/stream`, {
      headers: { 'last-event-id': middle?.id ?? '' },
    })
    const replay = (await readAll(res)).map((e) => ({ id: e.id ?? '', data: JSON.parse(e.data) as Frame['data'] }))
    expect(replay.at(-1)?.data.values?.text).toBe(answerOf(60))
    for (const f of replay) expect(Number(f.id.split('.')[0])).toBeGreaterThan(Number(middle?.id.split('.')[0]))
  })

  it('valuesIntervalMs 0: a snapshot per change, as before', async () => {
    bridge = await startBridge({
      agents: [{ id: 'count', backend: countingAgent(() => ({ deltas: 50 })) }],
      faces: { acp: { valuesIntervalMs: 0 } },
    })
    const { frames } = await streamRun(bridge, { input: { messages: [{ role: 'user', content: 'go' }] } })
    // The run's start, one per delta, the run's end (the completed message changes nothing).
    expect(frames).toHaveLength(52)
    expect(frames.at(-1)?.data.values?.text).toBe(answerOf(50))
  })

  it('is configured per face: faces.acp.valuesIntervalMs, an integer from 0 to 60000', () => {
    const agents = [{ id: 'demo', dialect: 'demo' }]
    expect(parseConfig({ agents, faces: { acp: { valuesIntervalMs: 250 } } }).faces?.acp?.valuesIntervalMs).toBe(250)
    for (const bad of [-1, 1.5, 60_001, '100'])
      expect(() => parseConfig({ agents, faces: { acp: { valuesIntervalMs: bad } } })).toThrow(/valuesIntervalMs/)
  })

  it('custom mode is not paced: one update per event', async () => {
    bridge = await startBridge({ agents: [{ id: 'count', backend: countingAgent(() => ({ deltas: 500 })) }] })
    const { frames } = await streamRun(bridge, {
      input: { messages: [{ role: 'user', content: 'go' }] },
      stream_mode: 'custom',
    })
    const deltas = frames.filter(
      (f) => (f.data as { update?: { event: { type: string } } }).update?.event.type === 'message.delta',
    )
    expect(deltas).toHaveLength(500)
  })
})

describe('an ACP stream that cannot go on', () => {
  it('ends with an error event naming the run, not silently', async () => {
    bridge = await startBridge({
      agents: [{ id: 'count', backend: countingAgent(() => ({ deltas: 3, unwritable: true })) }],
      log: () => {},
    })
    const { frames } = await streamRun(bridge, { input: { messages: [{ role: 'user', content: 'go' }] } })
    const last = frames.at(-1)
    expect(last?.data).toMatchObject({ type: 'error', status: 'error', errcode: 500 })
    const runOf = (f: Frame | undefined) => (f?.data as { run_id?: string } | undefined)?.run_id
    expect(runOf(last)).toBe(runOf(frames[0]))
    expect(last?.data.description).toMatch(/Internal error/)
  })
})

describe('a run longer than its bounded log, through ACP', () => {
  const longBridge = () =>
    startBridge({
      agents: [{ id: 'count', backend: countingAgent(() => ({ deltas: 500 })) }],
      store: new MemoryRunStore({ maxEventsPerRun: 100 }),
    })

  it('is waited for: the whole answer (the completed message), not a 409', async () => {
    bridge = await longBridge()
    const res = await postJson(`${bridge.url}/acp/runs/wait`, {
      agent_id: 'count',
      input: { messages: [{ role: 'user', content: 'go' }] },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { run: { run_id: string; status: string }; output: { values: { text: string } } }
    expect(body.run.status).toBe('success')
    expect(body.output.values.text).toBe(answerOf(500))
    const run = await fetch(`${bridge.url}/acp/runs/${body.run.run_id}`)
    expect(run.status).toBe(200)
    expect(((await run.json()) as { status: string }).status).toBe('success')
  })

  it('a join that needs its dropped start ends with an error event (410), not silently', async () => {
    bridge = await longBridge()
    const res = await postJson(`${bridge.url}/acp/runs`, {
      agent_id: 'count',
      input: { messages: [{ role: 'user', content: 'go' }] },
    })
    const { run_id } = (await res.json()) as { run_id: string }
    await fetch(`${bridge.url}/acp/runs/${run_id}/wait`)
    const joined = await fetch(`${bridge.url}/acp/runs/${run_id}/stream`, { headers: { 'last-event-id': '3' } })
    expect(joined.status).toBe(200)
    const frames = (await readAll(joined)).map((e) => JSON.parse(e.data) as Frame['data'])
    expect(frames.at(-1)).toMatchObject({ type: 'error', run_id, status: 'error', errcode: 410 })
    expect(frames.at(-1)?.description).toMatch(/keeps only its last 100 events/)
  })

  it('is streamed whole; its thread keeps the history', async () => {
    bridge = await longBridge()
    const thread = (await (await postJson(`${bridge.url}/acp/threads`, {})).json()) as { thread_id: string }
    const res = await postJson(`${bridge.url}/acp/threads/${thread.thread_id}/runs/stream`, {
      agent_id: 'count',
      input: { messages: [{ role: 'user', content: 'go' }] },
    })
    const frames = (await readAll(res)).map((e) => JSON.parse(e.data) as Frame['data'])
    expect(frames.at(-1)?.values?.text).toBe(answerOf(500))
    const got = (await (await fetch(`${bridge.url}/acp/threads/${thread.thread_id}`)).json()) as {
      status: string
      messages: { role: string; content: string }[]
    }
    expect(got.status).toBe('idle')
    expect(got.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'go'],
      ['assistant', answerOf(500)],
    ])
  })
})
