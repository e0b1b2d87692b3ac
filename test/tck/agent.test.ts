// The TCK agent behind the bridge's A2A face acts as the conformance kit's scenario table says (v1.0/scenarios):
// what `npm run tck` measures is the bridge, so the agent must be right first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { readAll } from '../helpers/sse.js'
import { createTckAgent } from './agent.js'

let bridge: RunningBridge

beforeAll(async () => {
  bridge = await startBridge({
    agents: [
      { id: 'tck', backend: createTckAgent({ id: 'tck', longRunMs: 300 }) },
      { id: 'tck03', backend: createTckAgent({ id: 'tck03', otherwise: 'input-required' }) },
    ],
    log: () => {},
  })
})
afterAll(() => bridge.close())

interface Part {
  text?: string
  data?: unknown
  raw?: string
  url?: string
  filename?: string
  mediaType?: string
}
interface Task {
  id: string
  status: { state: string; message?: { parts: Part[] } }
  artifacts?: { artifactId: string; parts: Part[] }[]
}

interface ArtifactUpdate {
  append?: boolean
  lastChunk?: boolean
  artifact: { parts: Part[] }
}

const send = async (prefix: string, agent = 'tck') => {
  const res = await fetch(`${bridge.url}/a2a/${agent}/message:send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
    body: JSON.stringify({ message: { messageId: `${prefix}-1`, role: 'ROLE_USER', parts: [{ text: 'hi' }] } }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { task?: Task; message?: { parts: Part[] } }
}

const textOf = (parts: Part[] = []) => parts.map((p) => p.text ?? '').join('')

describe('the TCK agent, by messageId prefix', () => {
  it('tck-complete-task completes with "Hello from TCK"', async () => {
    const { task } = await send('tck-complete-task')
    expect(task?.status.state).toBe('TASK_STATE_COMPLETED')
    expect(textOf(task?.artifacts?.flatMap((a) => a.parts))).toBe('Hello from TCK')
  })

  it('tck-message-response answers with a Message, not a Task', async () => {
    const answer = await send('tck-message-response')
    expect(answer.task).toBeUndefined()
    expect(textOf(answer.message?.parts)).toBe('Direct message response')
  })

  it('tck-input-required pauses for input; tck-reject-task is rejected', async () => {
    expect((await send('tck-input-required')).task?.status.state).toBe('TASK_STATE_INPUT_REQUIRED')
    expect((await send('tck-reject-task')).task?.status.state).toBe('TASK_STATE_REJECTED')
  })

  it('tck-artifact-* give one artifact of each part kind', async () => {
    const parts = async (prefix: string) => (await send(prefix)).task?.artifacts?.[0]?.parts[0]
    expect(await parts('tck-artifact-text')).toEqual({ text: 'Generated text content' })
    expect(await parts('tck-artifact-data')).toMatchObject({ data: { key: 'value', count: 42 } })
    expect(await parts('tck-artifact-file-url')).toMatchObject({
      url: 'https://example.com/output.txt',
      mediaType: 'text/plain',
      filename: 'output.txt',
    })
    expect(await parts('tck-artifact-file')).toMatchObject({ raw: btoa('tck'), filename: 'output.txt' })
  })

  it('tck-stream-artifact-chunked streams two chunks of one artifact, the second appended and last', async () => {
    const res = await fetch(`${bridge.url}/a2a/tck/message:stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({
        message: { messageId: 'tck-stream-artifact-chunked-1', role: 'ROLE_USER', parts: [{ text: 'hi' }] },
      }),
    })
    const updates = (await readAll(res))
      .map((e) => JSON.parse(e.data) as { artifactUpdate?: ArtifactUpdate })
      .flatMap((e) => (e.artifactUpdate ? [e.artifactUpdate] : []))
    expect(updates.map((u) => [textOf(u.artifact.parts), u.append ?? false, u.lastChunk ?? false])).toEqual([
      ['chunk-1 ', false, false],
      ['chunk-2', true, true],
    ])
  })

  it('test-resubscribe-message-id keeps working for its long run, then completes', async () => {
    const res = await fetch(`${bridge.url}/a2a/tck/message:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({
        message: { messageId: 'test-resubscribe-message-id-1', role: 'ROLE_USER', parts: [{ text: 'hi' }] },
        configuration: { returnImmediately: true },
      }),
    })
    const { task } = (await res.json()) as { task: Task }
    expect(['TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING']).toContain(task.status.state)
    const later = async () =>
      (
        (await (
          await fetch(`${bridge.url}/a2a/tck/tasks/${task.id}`, { headers: { 'a2a-version': '1.0' } })
        ).json()) as Task
      ).status.state
    expect(await later()).toBe('TASK_STATE_WORKING')
    await new Promise((r) => setTimeout(r, 600))
    expect(await later()).toBe('TASK_STATE_COMPLETED')
  })

  it('any other id: the v1.0 agent completes naming it; the v0.3 one pauses for input', async () => {
    const { task } = await send('plain')
    expect(task?.status.state).toBe('TASK_STATE_COMPLETED')
    expect(textOf(task?.artifacts?.flatMap((a) => a.parts))).toBe('Unhandled messageId prefix: plain-1')
    expect((await send('plain', 'tck03')).task?.status.state).toBe('TASK_STATE_INPUT_REQUIRED')
  })
})
