// Where a turn's answer comes from, when agents answer in odd places: an ACP client reads it from the turn's
// artifacts when no message answered (progress text along the way does not start a new turn, an empty message is no
// answer); an A2A agent's final status message is the answer unless an artifact with text already was; an ACP
// snapshot whose messages hold only the user's says nothing about `text`.
import { describe, expect, it } from 'vitest'
import type { AgentEvent, RunEvent } from '../../src/core/index.js'
import { createDecoder, decode } from '../../src/dialects/a2a/decode.js'
import type { StreamResponse } from '../../src/dialects/a2a/wire.js'
import { createEncoder, encode } from '../../src/dialects/acp/encode.js'
import { DEFAULT_OUTPUT, readAnswer } from '../../src/dialects/acp/template.js'

/** The ACP `values` a turn of canonical events ends with. */
function acpValues(events: AgentEvent[]) {
  const encoder = createEncoder({ runId: 'r' })
  events.forEach((e, i) => encode(encoder, { ...e, runId: 'r', seq: i + 1, time: 0 } as RunEvent))
  return encoder.values
}

const report = { artifactId: 'a1', parts: [{ type: 'text' as const, text: 'Paris is sunny.' }] }

describe('the ACP face answers from artifacts', () => {
  it('when progress text came between the artifact and the end of the turn', () => {
    const values = acpValues([
      { type: 'run.status', status: 'working' },
      { type: 'artifact.completed', artifact: report },
      {
        type: 'run.status',
        status: 'working',
        message: { id: 'p1', role: 'assistant', parts: [{ type: 'text', text: 'Checking the sources…' }] },
      },
      { type: 'run.completed' },
    ])
    expect(values.text).toBe('Paris is sunny.')
    expect(values.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Paris is sunny.' })
  })

  it('when the only message of the turn was empty', () => {
    const values = acpValues([
      { type: 'run.status', status: 'working' },
      { type: 'message.completed', message: { id: 'm1', role: 'assistant', parts: [] } },
      { type: 'artifact.completed', artifact: report },
      { type: 'run.completed' },
    ])
    expect(values.text).toBe('Paris is sunny.')
  })

  it('but not when a message with text answered', () => {
    const values = acpValues([
      { type: 'run.status', status: 'working' },
      {
        type: 'message.completed',
        message: { id: 'm1', role: 'assistant', parts: [{ type: 'text', text: 'See the report.' }] },
      },
      { type: 'artifact.completed', artifact: report },
      { type: 'run.completed' },
    ])
    expect(values.text).toBe('See the report.')
  })
})

describe('an A2A agent’s final status message', () => {
  const task = { taskId: 't', contextId: 'c' }
  const completed: StreamResponse = {
    statusUpdate: {
      ...task,
      status: {
        state: 'TASK_STATE_COMPLETED',
        message: { messageId: 's1', role: 'ROLE_AGENT', parts: [{ text: 'Here is your chart.' }] },
      },
    },
  } as StreamResponse
  const answers = (artifactParts: unknown[]) => {
    const decoder = createDecoder()
    const events = [
      decode(decoder, { artifactUpdate: { ...task, artifact: { artifactId: 'a1', parts: artifactParts } } } as never),
      decode(decoder, completed),
    ].flat()
    return events
      .filter((e) => e.type === 'message.completed')
      .map((e) => (e.type === 'message.completed' ? e.message.id : ''))
  }

  it('is the answer when the turn’s artifacts had no text (a file)', () => {
    expect(answers([{ url: 'https://files.example/chart.png', mediaType: 'image/png' }])).toContain('s1')
  })

  it('is not repeated when an artifact with text already answered', () => {
    expect(answers([{ text: 'The chart shows growth.' }])).not.toContain('s1')
  })
})

describe('an ACP snapshot’s answer', () => {
  it('is `text` when the messages hold only the user’s', () => {
    const values = { messages: [{ role: 'user', content: 'hi' }], text: 'Hello!' }
    expect(readAnswer(DEFAULT_OUTPUT, values).text).toBe('Hello!')
  })

  it('is nothing yet when the only assistant message comes before the last user message (a stale answer)', () => {
    const values = {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'and?' },
      ],
      text: 'Hello!',
    }
    expect(readAnswer(DEFAULT_OUTPUT, values).text).toBe('')
  })
})
