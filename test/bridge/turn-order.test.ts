// Every turn opens with `run.status working`, whatever the backend yields first: a face never shows part of a turn
// (a function_call item, an artifact) before the turn's in_progress / WORKING.
import { describe, expect, it, vi } from 'vitest'
import { createBridge } from '../../src/bridge/index.js'
import type { AgentBackend, AgentEvent } from '../../src/core/index.js'
import { readAll } from '../helpers/sse.js'

/** An agent that starts its turn with a client tool call and pauses, saying nothing of working (as ACP upstreams do). */
const eager: AgentBackend = {
  info: () => ({
    id: 'eager',
    name: 'eager',
    capabilities: { streaming: true, threads: false, interrupts: true, clientTools: true, push: false },
  }),
  async *run(): AsyncGenerator<AgentEvent> {
    const tool = { clientSide: true }
    yield { type: 'tool.call.started', callId: 'c1', name: 'get_weather', tool }
    yield { type: 'tool.call.completed', callId: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}', tool }
    yield { type: 'interrupt', interruptId: 'i1', reason: 'client_tool', callIds: ['c1'] }
    yield { type: 'run.status', status: 'input_required' }
  },
}

describe('turn order', () => {
  const app = createBridge({ agents: [{ id: 'eager', backend: eager }] })

  it('the run log has run.status working before the first event of the turn', async () => {
    await app.request('/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'eager', input: 'weather?' }),
    })
    const [record] = await app.runtime.store.listRuns({})
    const types: string[] = []
    for await (const batch of app.runtime.store.read(record?.runId ?? '', 0)) types.push(...batch.map((e) => e.type))
    expect(types.slice(0, 4)).toEqual(['run.created', 'message.completed', 'run.status', 'tool.call.started'])
  })

  it('on the Responses face, response.in_progress comes before the function_call item', async () => {
    const res = await app.request('/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'eager', input: 'weather?', stream: true }),
    })
    const events = (await readAll(res)).map((e) => e.event)
    const inProgress = events.indexOf('response.in_progress')
    const item = events.indexOf('response.output_item.added')
    expect(inProgress).toBeGreaterThan(-1)
    expect(item).toBeGreaterThan(inProgress)
  })
})

/** An agent whose turn opens with `first` and then completes. */
const opensWith = (first: AgentEvent): AgentBackend => ({
  info: () => ({
    id: 'a',
    name: 'a',
    capabilities: { streaming: true, threads: false, interrupts: true, clientTools: false, push: false },
  }),
  async *run(): AsyncGenerator<AgentEvent> {
    yield first
    if (first.type !== 'run.status' || first.status === 'working') yield { type: 'run.completed' }
  },
})

describe('a plain working opens the turn, whatever status the agent says first', () => {
  const progress = { id: 'p1', role: 'assistant' as const, parts: [{ type: 'text' as const, text: 'Looking…' }] }
  it.each([
    ['progress text', { type: 'run.status', status: 'working', message: progress }],
    ['a pause for input', { type: 'run.status', status: 'input_required' }],
    ['a pause for auth', { type: 'run.status', status: 'auth_required' }],
  ] as const)('%s gets a plain run.status working before it', async (_what, first) => {
    const app = createBridge({ agents: [{ id: 'a', backend: opensWith(first as AgentEvent) }] })
    const { record } = await app.runtime.runs.start('a', { input: [] })
    const events: AgentEvent[] = []
    await vi.waitFor(async () => {
      events.length = 0
      for await (const batch of app.runtime.store.read(record.runId, 0)) events.push(...batch)
      expect(events).toContainEqual(expect.objectContaining(first))
    })
    const at = events.findIndex((e) => e.type === 'run.status')
    expect(events[at]).toMatchObject({ type: 'run.status', status: 'working' })
    expect(events[at]).not.toHaveProperty('message')
    expect(events[at + 1]).toMatchObject(first)
  })
})
