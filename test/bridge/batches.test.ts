// What a backend yields together (the events of one network chunk) is logged together: a live reader takes it in one
// step, in order, with the turn's rules (working first, nothing after the event that ends the turn) kept.
import { describe, expect, it } from 'vitest'
import { AgentRegistry, RunManager } from '../../src/bridge/index.js'
import type { AgentBackend, AgentEvent, AgentYield, RunEvent } from '../../src/core/index.js'
import { MemoryRunStore } from '../../src/store/index.js'

const delta = (text: string): AgentEvent => ({ type: 'message.delta', messageId: 'm', delta: text, channel: 'output' })

/** A backend that yields `first`, waits for `release`, then yields each of `then`. */
function gated(first: AgentYield[], then: AgentYield[]) {
  let release: () => void = () => {}
  const gate = new Promise<void>((r) => {
    release = r
  })
  const backend: AgentBackend = {
    info: () => ({
      id: 'batch',
      name: 'batch',
      capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
    }),
    async *run() {
      yield* first
      await gate
      yield* then
    },
  }
  return { backend, release }
}

async function play(first: AgentYield[], then: AgentYield[]) {
  const { backend, release } = gated(first, then)
  const runs = new RunManager(new MemoryRunStore(), new AgentRegistry([{ id: 'batch', backend }]))
  const input = [{ id: 'u', role: 'user' as const, parts: [{ type: 'text' as const, text: 'go' }] }]
  const { record, afterSeq } = await runs.start('batch', { input })
  const batches: RunEvent[][] = []
  // With nothing yielded first there is nothing to wait for.
  let released = first.length === 0
  if (released) release()
  for await (const batch of runs.events(record.runId, afterSeq)) {
    batches.push(batch)
    if (!released) {
      released = true
      release()
    }
  }
  return batches.map((b) => b.map((e) => (e.type === 'message.delta' ? `delta ${e.delta}` : e.type)))
}

describe('batches from a backend', () => {
  it('a batch reaches a live reader as one batch, in order', async () => {
    const batches = await play(
      [
        { type: 'run.status', status: 'working' },
        { type: 'message.started', messageId: 'm', role: 'assistant' },
      ],
      [[delta('a'), delta('b'), delta('c')], { type: 'run.completed' }],
    )
    expect(batches.at(-2)).toEqual(['delta a', 'delta b', 'delta c'])
    expect(batches.flat()).toEqual(['run.status', 'message.started', 'delta a', 'delta b', 'delta c', 'run.completed'])
  })

  it('a turn that starts with a batch gets its `run.status working` first, in the same batch', async () => {
    const batches = await play([], [[{ type: 'message.started', messageId: 'm', role: 'assistant' }, delta('a')]])
    expect(batches.flat().slice(0, 3)).toEqual(['run.status', 'message.started', 'delta a'])
    expect(batches.flat().at(-1)).toBe('run.completed')
  })

  it('nothing after the event that ends the turn is logged, within a batch too', async () => {
    const batches = await play(
      [{ type: 'run.status', status: 'working' }],
      [
        [
          delta('a'),
          { type: 'run.completed' },
          delta('late'),
          { type: 'run.failed', error: { code: 'x', message: 'x' } },
        ],
      ],
    )
    expect(batches.flat()).toEqual(['run.status', 'delta a', 'run.completed'])
  })
})
