// The same answer to an interrupt, sent twice (a retried request, a double click), is a conflict in every dialect
// and never runs anything again: the run goes on once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { postJson } from '../helpers/sse.js'

let bridge: RunningBridge
beforeAll(async () => {
  bridge = await startBridge()
})
afterAll(() => bridge.close())

const runCount = async () => (await bridge.bridge.runtime.store.listRuns({})).length

describe('answering the same interrupt twice', () => {
  it('Responses: the second function_call_output to the same response → 409, no new run', async () => {
    const first = (await (
      await postJson(`${bridge.url}/v1/responses`, {
        model: 'demo',
        input: 'What is the weather in Paris?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
      })
    ).json()) as {
      id: string
      output: { type: string; call_id?: string }[]
    }
    const call = first.output.find((i) => i.type === 'function_call')
    expect(call?.call_id).toBeTruthy()
    const answer = {
      model: 'demo',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call?.call_id, output: '{"temperature": 21}' }],
    }
    const runs = await runCount()
    const once = await postJson(`${bridge.url}/v1/responses`, answer)
    expect(once.status).toBe(200)
    expect(((await once.json()) as { status: string }).status).toBe('completed')
    const twice = await postJson(`${bridge.url}/v1/responses`, answer)
    expect(twice.status).toBe(409)
    expect(await twice.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'response_already_answered', param: 'previous_response_id' },
    })
    expect(await runCount()).toBe(runs)
  })

  it('Responses: an answer sent first with store: false still makes the second one a 409', async () => {
    const first = (await (
      await postJson(`${bridge.url}/v1/responses`, {
        model: 'demo',
        input: 'What is the weather in Paris?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
      })
    ).json()) as { id: string; output: { type: string; call_id?: string }[] }
    const call = first.output.find((i) => i.type === 'function_call')
    const answer = {
      model: 'demo',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call?.call_id, output: '{"temperature": 21}' }],
    }
    const runs = await runCount()
    expect((await postJson(`${bridge.url}/v1/responses`, { ...answer, store: false })).status).toBe(200)
    expect((await postJson(`${bridge.url}/v1/responses`, answer)).status).toBe(409)
    expect(await runCount()).toBe(runs)
  })

  it('ACP: resuming an interrupted run a second time → 409', async () => {
    const created = (await (
      await postJson(`${bridge.url}/acp/runs/wait`, {
        agent_id: 'demo',
        input: { messages: [{ role: 'user', content: 'deploy to production' }] },
      })
    ).json()) as { run: { run_id: string; status: string } }
    expect(created.run.status).toBe('interrupted')
    const resume = () => postJson(`${bridge.url}/acp/runs/${created.run.run_id}`, { approved: true })
    expect((await resume()).status).toBe(200)
    const again = await resume()
    expect(again.status).toBe(409)
    expect(typeof (await again.json())).toBe('string')
  })

  it('A2A: a second answer to a task that is no longer waiting → an error, the task goes on once', async () => {
    const rpc = (method: string, params: unknown) =>
      postJson(`${bridge.url}/a2a/demo`, { jsonrpc: '2.0', id: 1, method, params }, { 'a2a-version': '1.0' }).then(
        (r) =>
          r.json() as Promise<{
            result?: { task: { id: string; status: { state: string } } }
            error?: { code: number }
          }>,
      )
    const sent = await rpc('SendMessage', {
      message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'deploy to production' }] },
    })
    const task = sent.result?.task
    expect(task?.status.state).toBe('TASK_STATE_INPUT_REQUIRED')
    const answer = { message: { messageId: 'm2', taskId: task?.id, role: 'ROLE_USER', parts: [{ text: 'yes' }] } }
    const once = await rpc('SendMessage', answer)
    expect(once.result?.task.status.state).toBe('TASK_STATE_COMPLETED')
    const twice = await rpc('SendMessage', { ...answer, message: { ...answer.message, messageId: 'm3' } })
    expect(twice.error?.code).toBe(-32004)
  })

  // Found by the TrueFoundry goldens: two answers sent at the same moment both resumed the run (the approved deploy
  // ran twice), since the run was only claimed once the first answer was logged.
  it('two answers sent at once: one resumes the run, the other is refused; the tool runs once', async () => {
    const { runs } = bridge.bridge.runtime
    const { record } = await runs.start('demo', {
      input: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'deploy to production' }] }],
    })
    let paused = await runs.get(record.runId)
    for (let i = 0; i < 50 && paused.state.status !== 'input_required'; i++) {
      await new Promise((r) => setTimeout(r, 20))
      paused = await runs.get(record.runId)
    }
    const callId = paused.state.pending?.callIds[0] ?? ''
    const answer = { input: [], decisions: [{ callId, approved: true }] }
    const outcomes = await Promise.allSettled([runs.resume(record.runId, answer), runs.resume(record.runId, answer)])
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toMatchObject({ code: 'conflict' })
    let done = await runs.get(record.runId)
    for (let i = 0; i < 50 && done.state.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 20))
      done = await runs.get(record.runId)
    }
    const results: string[] = []
    for await (const batch of bridge.bridge.runtime.store.read(record.runId, 0)) {
      for (const e of batch) if (e.type === 'tool.result') results.push(e.callId)
    }
    expect(results).toEqual([callId])
  })
})
