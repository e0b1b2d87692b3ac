// A finished run's log is kept compacted (its stretches of text deltas folded): every read gives back the very events
// that were logged, so every face replays and resumes a finished run exactly as before, from far less memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentBackend, AgentEvent, RunEvent, RunRequest } from '../../src/core/index.js'
import { initialRunState } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { CompactLog } from '../../src/store/compact.js'
import { MemoryRunStore } from '../../src/store/index.js'
import { startBridge } from '../helpers/bridge.js'
import { payloads, postJson, readAll } from '../helpers/sse.js'

/** A turn with stretches that fold and events that must stay as they are between and inside them. */
function mixedTurn(): AgentEvent[] {
  const out: AgentEvent[] = [{ type: 'run.status', status: 'working' }]
  out.push({ type: 'message.started', messageId: 'a', role: 'assistant' })
  for (let i = 0; i < 30; i++) out.push({ type: 'message.delta', messageId: 'a', delta: `a${i} `, channel: 'output' })
  // Another message, a reasoning channel, a sub-agent's, fields in another order, an ext, an empty delta: each its
  // own stretch or none.
  for (let i = 0; i < 10; i++) out.push({ type: 'message.delta', messageId: 'b', delta: `b${i}`, channel: 'output' })
  for (let i = 0; i < 9; i++) out.push({ type: 'message.delta', messageId: 'a', delta: `r${i}`, channel: 'reasoning' })
  for (let i = 0; i < 12; i++)
    out.push({ type: 'message.delta', messageId: 'c', delta: `c${i}`, channel: 'output', executionId: 'sub' })
  for (let i = 0; i < 10; i++) out.push({ type: 'message.delta', channel: 'output', delta: `d${i}`, messageId: 'a' })
  out.push({ type: 'message.delta', messageId: 'a', delta: 'x', channel: 'output', ext: { k: { v: 1 } } })
  for (let i = 0; i < 3; i++) out.push({ type: 'message.delta', messageId: 'a', delta: `s${i}`, channel: 'output' })
  for (let i = 0; i < 20; i++)
    out.push({ type: 'message.delta', messageId: 'a', delta: i % 5 ? `é${i}😀` : '', channel: 'output' })
  out.push({ type: 'tool.call.delta', callId: 't', delta: '{"a":' })
  out.push({
    type: 'message.completed',
    message: { id: 'a', role: 'assistant', parts: [{ type: 'text', text: 'whole' }] },
  })
  out.push({ type: 'run.completed' })
  return out
}

const asLogged = (events: readonly RunEvent[]) => events.map((e) => JSON.stringify(e))

describe('CompactLog', () => {
  it('gives back every slice of the log as it was, fields in their order', () => {
    let seq = 0
    const log = mixedTurn().map((e) => ({ ...e, runId: 'r', seq: ++seq, time: 1000 + Math.floor(seq / 3) }) as RunEvent)
    const compact = CompactLog.of(log)
    expect(compact).toBeDefined()
    for (let from = 0; from <= seq + 1; from++)
      for (let to = from - 1; to <= seq + 1; to++)
        expect(asLogged(compact?.slice(from, to) ?? []), `${from}..${to}`).toEqual(
          asLogged(log.filter((e) => e.seq >= from && e.seq <= to)),
        )
  })

  it('leaves a log with no long stretch alone', () => {
    const log = mixedTurn()
      .slice(0, 5)
      .map((e, i) => ({ ...e, runId: 'r', seq: i + 1, time: 0 }) as RunEvent)
    expect(CompactLog.of(log)).toBeUndefined()
  })
})

describe('a finished run in the memory store', () => {
  it('reads the same from every position once sealed and compacted, and follows end at once', async () => {
    const store = new MemoryRunStore()
    await store.createRun({
      runId: 'r',
      agentId: 'a',
      contextId: 'c',
      createdAt: 0,
      updatedAt: 0,
      background: false,
      state: initialRunState(),
    })
    const logged: RunEvent[] = []
    for (const e of mixedTurn()) logged.push(await store.append('r', e))
    for (let after = 0; after <= logged.length; after++) {
      const read: RunEvent[] = []
      for await (const batch of store.read('r', after, { follow: true })) read.push(...batch)
      expect(asLogged(read), `after ${after}`).toEqual(asLogged(logged.slice(after)))
    }
  })
})

describe('a finished long answer re-streamed through the faces', () => {
  const DELTAS = 200
  const agent: AgentBackend = {
    info: () => ({
      id: 'words',
      name: 'words',
      capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
    }),
    async *run(request: RunRequest): AsyncIterable<AgentEvent> {
      const id = `${request.runId}-m`
      let text = ''
      yield { type: 'message.started', messageId: id, role: 'assistant' }
      for (let i = 0; i < DELTAS; i++) {
        text += `w${i} `
        yield { type: 'message.delta', messageId: id, delta: `w${i} `, channel: 'output' }
      }
      yield { type: 'message.completed', message: { id, role: 'assistant', parts: [{ type: 'text', text }] } }
      yield { type: 'run.completed' }
    },
  }
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge({ agents: [{ id: 'words', backend: agent }], faces: { acp: { valuesIntervalMs: 0 } } })
  })
  afterAll(() => bridge.close())

  it('Responses: starting_after anywhere gives the live stream from there', async () => {
    const live = payloads(
      await readAll(await postJson(`${bridge.url}/v1/responses`, { model: 'words', input: 'go', stream: true })),
    ).filter((e) => e !== '[DONE]') as { sequence_number: number; response?: { id: string } }[]
    const id = live[0]?.response?.id
    for (const after of [0, 1, 5, 50, 150, live.length - 3]) {
      const res = await fetch(`${bridge.url}/v1/responses/${id}?stream=true&starting_after=${after}`)
      const replay = payloads(await readAll(res)).filter((e) => e !== '[DONE]')
      expect(replay, `after ${after}`).toEqual(live.filter((e) => e.sequence_number > after))
    }
  })

  it('ACP: Last-Event-ID anywhere gives the live stream from there', async () => {
    const read = async (res: Response) => (await readAll(res)).map((e) => ({ id: e.id, data: JSON.parse(e.data) }))
    const live = await read(
      await postJson(`${bridge.url}/acp/runs/stream`, {
        agent_id: 'words',
        input: { messages: [{ role: 'user', content: 'go' }] },
      }),
    )
    const runId = (live[0]?.data as { run_id: string } | undefined)?.run_id
    for (const k of [0, 1, 10, 100, live.length - 2]) {
      const res = await fetch(`${bridge.url}/acp/runs/${runId}/stream`, {
        headers: { 'last-event-id': live[k]?.id ?? '' },
      })
      expect(await read(res), `after ${live[k]?.id}`).toEqual(live.slice(k + 1))
    }
  })
})
