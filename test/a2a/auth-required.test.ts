import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentBackend, AgentEvent } from '../../src/core/index.js'
import type { RunningBridge } from '../../src/node.js'
import { sleep } from '../../src/stream/index.js'
import { startBridge } from '../helpers/bridge.js'
import { readAll } from '../helpers/sse.js'

/** An agent that needs out-of-band authorization for a moment, then goes on by itself. */
const authAgent: AgentBackend = {
  info: () => ({
    id: 'auth',
    name: 'auth',
    capabilities: { streaming: true, threads: false, interrupts: true, clientTools: false, push: false },
  }),
  async *run(_request, signal): AsyncGenerator<AgentEvent> {
    yield { type: 'run.status', status: 'working' }
    yield {
      type: 'interrupt',
      interruptId: 'login',
      reason: 'auth',
      callIds: [],
      message: {
        id: 'auth-msg',
        role: 'assistant',
        parts: [{ type: 'text', text: 'Sign in at https://idp.example/login' }],
      },
    }
    yield { type: 'run.status', status: 'auth_required' }
    await sleep(150, signal)
    yield { type: 'run.status', status: 'working' }
    yield {
      type: 'message.completed',
      message: { id: 'done', role: 'assistant', parts: [{ type: 'text', text: 'Signed in, thanks.' }] },
    }
    yield { type: 'run.completed' }
  },
}

const send = (url: string, method: string, extra: object = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'hi' }] }, ...extra },
    }),
  })

describe('AUTH_REQUIRED over A2A', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge({ agents: [{ id: 'auth', backend: authAgent }] })
  })
  afterAll(() => bridge.close())

  it('a stream stays open through AUTH_REQUIRED and follows the task to the end', async () => {
    const events = (await readAll(await send(`${bridge.url}/a2a/auth`, 'SendStreamingMessage'))).map(
      (e) => JSON.parse(e.data).result,
    )
    const states = events.flatMap((e) => (e.statusUpdate ? [e.statusUpdate.status.state] : []))
    expect(states).toEqual([
      'TASK_STATE_WORKING',
      'TASK_STATE_AUTH_REQUIRED',
      'TASK_STATE_WORKING',
      'TASK_STATE_COMPLETED',
    ])
    const auth = events.find((e) => e.statusUpdate?.status.state === 'TASK_STATE_AUTH_REQUIRED')
    expect(auth.statusUpdate.status.message.parts[0].text).toBe('Sign in at https://idp.example/login')
  })

  it('a blocking SendMessage returns the task as soon as it waits for authorization', async () => {
    const body = (await (await send(`${bridge.url}/a2a/auth`, 'SendMessage')).json()) as {
      result: { task: { status: { state: string } } }
    }
    expect(body.result.task.status.state).toBe('TASK_STATE_AUTH_REQUIRED')
  })
})
