// A 100k-delta answer through every face: it arrives whole (Responses and A2A streamed, ACP in `values` and `custom`
// stream modes), and the conversation keeps the turn (a second turn's request carries the first turn's input and
// answer), although the run's log keeps only its last 10 000 events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentBackend, AgentEvent, Message, RunRequest } from '../../src/core/index.js'
import { textOf } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { payloads, postJson, readAll } from '../helpers/sse.js'

const DELTAS = 100_000
const words = Array.from({ length: DELTAS }, (_, i) => `w${i} `)
const ANSWER = words.join('')

/**
 * A canonical backend: `long` is answered with DELTAS one-word deltas (then the whole message), anything else with a
 * short text; every request is kept, so the test can see the history each turn was given.
 */
function longAgent(requests: RunRequest[]): AgentBackend {
  return {
    info: () => ({
      id: 'long',
      name: 'long',
      capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
    }),
    async *run(request: RunRequest): AsyncIterable<AgentEvent> {
      requests.push(request)
      const id = `${request.runId}-answer-${requests.length}`
      const long = textOf(request.input.at(-1)?.parts ?? []) === 'long'
      yield { type: 'run.status', status: 'working' }
      yield { type: 'message.started', messageId: id, role: 'assistant' }
      if (long) for (const delta of words) yield { type: 'message.delta', messageId: id, delta, channel: 'output' }
      else yield { type: 'message.delta', messageId: id, delta: 'ok', channel: 'output' }
      const text = long ? ANSWER : 'ok'
      yield { type: 'message.completed', message: { id, role: 'assistant', parts: [{ type: 'text', text }] } }
      yield { type: 'run.completed' }
    },
  }
}

/** The history the last request was given, as role and text. */
const historyOf = (requests: RunRequest[]) =>
  (requests.at(-1)?.history ?? []).map((m: Message) => ({ role: m.role, text: textOf(m.parts) }))

const firstTurn = [
  { role: 'user', text: 'long' },
  { role: 'assistant', text: ANSWER },
]

describe(`a ${DELTAS}-delta answer on every face`, () => {
  let bridge: RunningBridge
  const requests: RunRequest[] = []
  beforeAll(async () => {
    bridge = await startBridge({ agents: [{ id: 'long', backend: longAgent(requests) }] })
  })
  afterAll(() => bridge.close())

  it('Responses, streamed: every delta, the whole text at the end; the next turn has the history', async () => {
    const started = performance.now()
    const res = await postJson(`${bridge.url}/v1/responses`, { model: 'long', input: 'long', stream: true })
    expect(res.status).toBe(200)
    const events = payloads(await readAll(res)) as { type?: string; delta?: string; response?: unknown }[]
    const deltas = events.filter((e) => e.type === 'response.output_text.delta')
    expect(deltas).toHaveLength(DELTAS)
    expect(deltas.map((e) => e.delta).join('')).toBe(ANSWER)
    const done = events.find((e) => e.type === 'response.completed')?.response as {
      id: string
      output: { content: { text: string }[] }[]
    }
    expect(done.output[0]?.content[0]?.text).toBe(ANSWER)
    console.log(`Responses: ${Math.round(performance.now() - started)} ms`)

    const next = await postJson(`${bridge.url}/v1/responses`, {
      model: 'long',
      input: 'again',
      previous_response_id: done.id,
    })
    expect(next.status).toBe(200)
    expect(historyOf(requests)).toEqual(firstTurn)
  })

  it('A2A, streamed: every chunk, appended to one artifact; the next message in the context has the history', async () => {
    const started = performance.now()
    const send = (text: string, contextId?: string) =>
      postJson(
        `${bridge.url}/a2a/long`,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'SendStreamingMessage',
          params: {
            message: {
              messageId: crypto.randomUUID(),
              role: 'ROLE_USER',
              parts: [{ text }],
              ...(contextId ? { contextId } : {}),
            },
          },
        },
        { 'a2a-version': '1.0' },
      )
    const res = await send('long')
    expect(res.status).toBe(200)
    const events = (payloads(await readAll(res)) as { result: Record<string, Record<string, unknown>> }[]).map(
      (e) => e.result,
    )
    const chunks = events.flatMap((e) =>
      e.artifactUpdate ? ((e.artifactUpdate.artifact as { parts: { text?: string }[] }).parts ?? []) : [],
    )
    expect(chunks.map((p) => p.text ?? '').join('')).toBe(ANSWER)
    const last = events.at(-1)?.statusUpdate as { status: { state: string }; contextId: string }
    expect(last.status.state).toBe('TASK_STATE_COMPLETED')
    console.log(`A2A: ${Math.round(performance.now() - started)} ms`)

    const next = await send('again', last.contextId)
    expect(next.status).toBe(200)
    await readAll(next)
    expect(historyOf(requests)).toEqual(firstTurn)
  })

  for (const mode of ['values', 'custom'] as const) {
    it(`ACP, stream_mode ${mode}: the whole answer; the thread's next run has the history`, async () => {
      const started = performance.now()
      const thread = (await (await postJson(`${bridge.url}/acp/threads`, {})).json()) as { thread_id: string }
      const run = (content: string) =>
        postJson(`${bridge.url}/acp/threads/${thread.thread_id}/runs/stream`, {
          agent_id: 'long',
          input: { messages: [{ role: 'user', content }] },
          stream_mode: mode,
        })
      const res = await run('long')
      expect(res.status).toBe(200)
      const events = await readAll(res)
      const data = events.map((e) => JSON.parse(e.data) as Record<string, unknown>)
      expect(data.some((d) => d.type === 'error')).toBe(false)
      if (mode === 'values') {
        const last = data.at(-1) as { type: string; status: string; values: { text: string } }
        expect(last.type).toBe('values')
        expect(last.status).toBe('success')
        expect(last.values.text).toBe(ANSWER)
        // Snapshots at a bounded cadence: a handful for the whole answer, not one per delta.
        expect(data.length).toBeLessThan(50)
        const bytes = events.reduce((n, e) => n + e.data.length, 0)
        console.log(`ACP values: ${data.length} snapshots, ${bytes} bytes`)
      } else {
        const canonical = data.map((d) => (d.update as { event: AgentEvent }).event)
        const deltas = canonical.filter((e) => e.type === 'message.delta')
        expect(deltas).toHaveLength(DELTAS)
        expect(deltas.map((e) => e.delta).join('')).toBe(ANSWER)
        expect(canonical.at(-1)?.type).toBe('run.completed')
      }
      console.log(`ACP ${mode}: ${Math.round(performance.now() - started)} ms`)

      const next = await run('again')
      expect(next.status).toBe(200)
      await readAll(next)
      expect(historyOf(requests)).toEqual(firstTurn)
    })
  }
})
