// `stream_timeout_seconds`: Orq ends a stream that outlives it with `agents.timeout` (then `[DONE]`); the task's turn
// goes on, so the task can be read (or continued) once it is inactive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { payloads, postJson, readAll } from '../helpers/sse.js'

describe('Orq face: stream_timeout_seconds', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    // 300 ms per word: "count to 10" takes seconds.
    bridge = await startBridge({ agents: [demoAgent(300)] })
  })
  afterAll(() => bridge.close())

  it('a stream past its timeout ends with agents.timeout and [DONE], and the turn still finishes', async () => {
    const started = Date.now()
    const res = await postJson(`${bridge.url}/orq/v2/agents/demo/stream-task`, {
      message: { role: 'user', parts: [{ kind: 'text', text: 'count to 10' }] },
      stream_timeout_seconds: 1,
    })
    expect(res.status).toBe(200)
    const events = await readAll(res)
    const elapsed = Date.now() - started
    expect(events.at(-1)?.data).toBe('[DONE]')
    const data = payloads(events.slice(0, -1)) as { type: string; data: Record<string, unknown> }[]
    const last = data.at(-1)
    expect(last?.type).toBe('agents.timeout')
    expect(last?.data.message).toMatch(/timed out after 1 seconds/)
    expect(data.some((e) => e.type === 'event.agents.inactive')).toBe(false)
    expect(elapsed).toBeGreaterThanOrEqual(1000)
    expect(elapsed).toBeLessThan(2500)

    // The task's turn went on without the stream: the task ends completed.
    const taskId = (data[0]?.data as { agent_task_id?: string } | undefined)?.agent_task_id
    let answer: { _id: string; status: string } | undefined
    for (let i = 0; i < 60 && answer?.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 200))
      answer = (await (await fetch(`${bridge.url}/orq/v2/agents/demo/responses/${taskId}`)).json()) as typeof answer
    }
    expect(answer?.status).toBe('completed')
  }, 20_000)

  it('a value out of range is refused with 400', async () => {
    const res = await postJson(`${bridge.url}/orq/v2/agents/demo/stream-task`, {
      message: { role: 'user', parts: [{ kind: 'text', text: 'hello' }] },
      stream_timeout_seconds: 0,
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/stream_timeout_seconds/)
  })
})
