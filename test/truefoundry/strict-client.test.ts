// The strict TrueFoundry test clients are only worth their strictness if it is real: each bad case, fed as a crafted
// SSE body, must make them throw, and the good streams of the digest's own examples must pass and merge as the
// vendor's SDK merges them.
import { describe, expect, it } from 'vitest'
import { ResponseStream, StrictClientError, sseMessages, TurnStream } from './strict-client.js'

/** An SSE body from messages: `[id, event]` (id null = no `id:` line) for turns, bare events for responses. */
const turnBody = (messages: [number | string | null, unknown][], eol = '\n') =>
  messages
    .map(([id, event]) => `${id === null ? '' : `id: ${id}${eol}`}data: ${JSON.stringify(event)}${eol}${eol}`)
    .join('')
const responseBody = (events: unknown[]) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')

/** A body delivered in chunks of `size` characters (split anywhere, CRLF included). */
function chunked(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, at + size))
      at += size
    },
  })
}

// ── Surface B ─────────────────────────────────────────────────────────────────────────────────────────────────

const T = '2026-09-02T09:00:00Z'
const created = {
  type: 'turn.created',
  id: 'e1',
  turn_id: 's.g.t1',
  previous_turn_id: null,
  state: { status: 'running' },
  created_by: { subject_id: 'u', subject_type: 'user', subject_slug: 'u' },
  created_at: T,
  thread_id: null,
}
const base = { type: 'model.message', id: 'm1', thread_id: 'main', created_at: T, content: '' }
const delta = (fields: Record<string, unknown>, id = 'm1', thread = 'main') => ({
  type: 'model.message.delta',
  id,
  thread_id: thread,
  ...fields,
})
const done = (output: unknown = null) => ({
  type: 'turn.done',
  id: 'e9',
  state: { status: 'done', output, required_actions: [], completed_at: T },
  created_at: T,
  thread_id: null,
})

/** The digest's worked example: one turn with a sub-agent. */
const subAgentTurn: [number, unknown][] = [
  [1, created],
  [
    2,
    {
      type: 'model.message',
      id: 'm-main-1',
      thread_id: 'main',
      created_at: T,
      content: '',
      tool_calls: [
        {
          id: 'toolu_7Hq',
          type: 'function',
          function: { name: 'spawn_subagent', arguments: '{"name":"search-incidents"}' },
          tool_info: { type: 'truefoundry-system', name: 'spawn_subagent' },
        },
      ],
      finish_reason: 'tool_calls',
    },
  ],
  [
    3,
    {
      type: 'thread.created',
      id: 'e3',
      thread_id: 'th_5d2',
      title: 'search-incidents',
      parent: { thread_id: 'main', tool_call_id: 'toolu_7Hq' },
      agent_info: { type: 'dynamic', name: 'search-incidents', input: 'List open incidents.' },
      created_at: T,
    },
  ],
  [4, { type: 'model.message', id: 'm-sub', thread_id: 'th_5d2', created_at: T, content: '' }],
  [5, delta({ content: 'Search has 1 open incident (SEV3).' }, 'm-sub', 'th_5d2')],
  [6, delta({ finish_reason: 'stop', usage: { input_tokens: 8, output_tokens: 14 } }, 'm-sub', 'th_5d2')],
  [
    7,
    {
      type: 'thread.done',
      id: 'e7',
      thread_id: 'th_5d2',
      title: 'search-incidents',
      parent: { thread_id: 'main', tool_call_id: 'toolu_7Hq' },
      state: { status: 'done', output: { type: 'model.message', id: 'm-sub', thread_id: 'th_5d2', created_at: T } },
      created_at: T,
    },
  ],
  [
    8,
    {
      type: 'tool.response',
      id: 'e8',
      thread_id: 'main',
      tool_call_id: 'toolu_7Hq',
      content: 'Search has 1 open incident (SEV3).',
      created_at: T,
    },
  ],
  [
    9,
    {
      type: 'model.message',
      id: 'm-main-2',
      thread_id: 'main',
      created_at: T,
      content: 'Payments: none open. Search: 1 open (SEV3).',
      finish_reason: 'stop',
    },
  ],
  [10, done()],
]

async function readTurn(
  body: string | ReadableStream<Uint8Array>,
  after = 0,
  stream = new TurnStream(),
  stopAfter?: number,
) {
  await stream.read(body, { after, ...(stopAfter ? { stopAfter } : {}) })
  return stream
}
/** The sub-agent turn read up to id 5, then the connection dropped. */
const firstFive = () => readTurn(turnBody(subAgentTurn.slice(0, 5)), 0, new TurnStream(), 5)

const rejects = (promise: Promise<unknown>, message: RegExp) => expect(promise).rejects.toThrow(message)

describe('strict SSE parsing', () => {
  it('reads ids, multi-line data, comments and every line ending, split anywhere', async () => {
    const text = ': keep-alive\r\nid: 1\r\ndata: {"a":\r\ndata: 1}\r\n\r\n:ping\r\rid: 2\rdata: x\r\rdata: y\n\n'
    for (const size of [1, 2, 3, 7, 1000]) {
      const got = []
      for await (const m of sseMessages(chunked(text, size))) got.push(m)
      expect(got).toEqual([{ id: '1', data: '{"a":\n1}' }, { id: '2', data: 'x' }, { data: 'y' }])
    }
  })
})

describe('strict turn stream reader (Surface B)', () => {
  it("accepts the digest's sub-agent turn and merges each thread's messages", async () => {
    for (const eol of ['\n', '\r\n']) {
      const stream = await readTurn(chunked(turnBody(subAgentTurn, eol), 5))
      expect(stream.texts('th_5d2')).toEqual(['Search has 1 open incident (SEV3).'])
      expect(stream.texts('main')).toEqual(['Payments: none open. Search: 1 open (SEV3).'])
      expect(stream.byThread().th_5d2?.[0]).toMatchObject({
        finish_reason: 'stop',
        usage: { input_tokens: 8, output_tokens: 14 },
      })
      expect(stream.toolCalls('main').map((c) => c.function.name)).toEqual(['spawn_subagent'])
      expect(stream.state.status).toBe('done')
      expect(stream.lastSeq).toBe(10)
    }
  })

  it('merges deltas as mergeEventDelta does: content, reasoning and refusal appended, tool calls by index, finish_reason and usage replaced', async () => {
    const info = { type: 'mcp', server_id: 's', server_name: 's', name: 'f' }
    const stream = await readTurn(
      turnBody([
        [1, created],
        [2, base],
        [3, delta({ reasoning_content: 'Let me ' })],
        [4, delta({ reasoning_content: 'think.', content: 'Hel' })],
        [5, delta({ content: 'lo', refusal: 'no' })],
        [6, delta({ tool_calls: [{ index: 1, id: 'c2', function: { name: 'g', arguments: '{"b"' } }] })],
        [
          7,
          delta({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f' }, tool_info: info }] }),
        ],
        [8, delta({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] })],
        [9, delta({ finish_reason: 'length', usage: { input_tokens: 1 } })],
        [10, delta({ finish_reason: 'tool_calls', usage: { input_tokens: 2 } })],
        [11, { ...base, id: 'm2', content: [{ type: 'text', text: 'a' }] }],
        [12, delta({ content: 'b' }, 'm2')],
        [13, { ...base, id: 'm3', content: [{ type: 'refusal', refusal: 'r' }] }],
        [14, delta({ content: 'c' }, 'm3')],
        [15, done()],
      ]),
    )
    const [m1, m2, m3] = stream.byThread().main ?? []
    expect(m1).toMatchObject({
      content: 'Hello',
      reasoning_content: 'Let me think.',
      refusal: 'no',
      finish_reason: 'tool_calls',
      usage: { input_tokens: 2 },
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'f', arguments: '' }, tool_info: info },
        { id: 'c2', type: 'function', function: { name: 'g', arguments: '{"b":2}' } },
      ],
    })
    expect(m2?.content).toEqual([{ type: 'text', text: 'ab' }])
    expect(m3?.content).toEqual([
      { type: 'refusal', refusal: 'r' },
      { type: 'text', text: 'c' },
    ])
  })

  it('accepts a null thread_id on turn.created, turn.done, mcp.auth_required and sandbox.created', async () => {
    const stream = await readTurn(
      turnBody([
        [1, created],
        [2, { type: 'sandbox.created', id: 'e2', sandbox_id: 'sb', created_at: T, thread_id: null }],
        [3, { type: 'mcp.auth_required', id: 'e3', mcp_servers: [], created_at: T, thread_id: null }],
        [4, done()],
      ]),
    )
    expect(stream.events.map((e) => e.event.type)).toEqual([
      'turn.created',
      'sandbox.created',
      'mcp.auth_required',
      'turn.done',
    ])
  })

  it('resumes across connections: the second starts after the last id, its deltas merge into earlier bases', async () => {
    const stream = await firstFive()
    expect(stream.lastSeq).toBe(5)
    await readTurn(turnBody(subAgentTurn.slice(5)), 5, stream)
    expect(stream.texts('th_5d2')).toEqual(['Search has 1 open incident (SEV3).'])
    expect(stream.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })

  describe('rejects', () => {
    it('a message without an id: line', async () => {
      await rejects(readTurn(turnBody([[null, created]])), /Missing SSE sequence number id/)
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [null, done()],
          ]),
        ),
        /Missing SSE sequence number id/,
      )
      await rejects(readTurn(`id:\ndata: ${JSON.stringify(created)}\n\n`), /Missing SSE sequence number id/)
    })

    it('an id that is not an integer', async () => {
      for (const id of ['abc', '1.5', '-1', '1e0', ' 1', '0x1']) {
        await rejects(readTurn(turnBody([[id, created]])), /Invalid SSE sequence number id/)
      }
    })

    it('ids that do not count up by one from 1', async () => {
      await rejects(readTurn(turnBody([[0, created]])), /expected 1/)
      await rejects(readTurn(turnBody([[2, created]])), /expected 1/)
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [3, done()],
          ]),
        ),
        /sequence number 3 after 1/,
      )
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, base],
            [2, done()],
          ]),
        ),
        /sequence number 2 after 2/,
      )
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, base],
            [1, done()],
          ]),
        ),
        /sequence number 1 after 2/,
      )
    })

    it('a resumed stream that does not start right after after_sequence_number', async () => {
      const first = firstFive
      // A gap (6 missing), a duplicate (5 again), a restart from 1.
      await rejects(
        first().then((s) => readTurn(turnBody(subAgentTurn.slice(6)), 5, s)),
        /expected 6/,
      )
      await rejects(
        first().then((s) => readTurn(turnBody(subAgentTurn.slice(4)), 5, s)),
        /expected 6/,
      )
      await rejects(
        first().then((s) => readTurn(turnBody(subAgentTurn), 5, s)),
        /expected 6/,
      )
      // A subscribe after 3 fed to a client that has read 5: the caller's overlap is refused too.
      await rejects(
        first().then((s) => readTurn(turnBody(subAgentTurn.slice(3)), 3, s)),
        /gap or an overlap/,
      )
    })

    it('an unknown event type', async () => {
      const odd = { type: 'model.thinking', id: 'x', thread_id: 'main', created_at: T }
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, odd],
            [3, done()],
          ]),
        ),
        /unknown type 'model.thinking'/,
      )
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, { id: 'x', thread_id: 'main' }],
          ]),
        ),
        /unknown type/,
      )
    })

    it('an event without a thread_id key, or a null thread_id on a content event', async () => {
      const { thread_id: _, ...noThread } = base
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, noThread],
          ]),
        ),
        /has no thread_id/,
      )
      const { thread_id: __, ...createdNoThread } = created
      await rejects(readTurn(turnBody([[1, createdNoThread]])), /has no thread_id/)
      const { thread_id: ___, ...doneNoThread } = done()
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, doneNoThread],
          ]),
        ),
        /has no thread_id/,
      )
      for (const event of [
        { ...base, thread_id: null },
        { type: 'tool.response', id: 'x', thread_id: null, tool_call_id: 'c', content: '', created_at: T },
        { type: 'tool.approval_required', id: 'x', thread_id: null, tool_calls: [], created_at: T },
        { type: 'tool.response_required', id: 'x', thread_id: null, tool_calls: [], created_at: T },
        { type: 'mcp.initialize', id: 'x', thread_id: null, mcp_servers: [], created_at: T },
      ]) {
        await rejects(
          readTurn(
            turnBody([
              [1, created],
              [2, event],
            ]),
          ),
          /null thread_id/,
        )
      }
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, { ...base, thread_id: 7 }],
          ]),
        ),
        /thread_id 7/,
      )
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, delta({ content: 'x' }, 'm1', '')],
          ]),
        ),
        /thread_id ""/,
      )
    })

    it('an event without an id', async () => {
      const { id: _, ...noId } = base
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, noId],
          ]),
        ),
        /has no id/,
      )
    })

    it('a tool call on a model.message without tool_info', async () => {
      const call = { id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, { ...base, tool_calls: [call] }],
            [3, done()],
          ]),
        ),
        /tool call without tool_info/,
      )
    })

    it('a model.message.delta with no model.message base before it', async () => {
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, delta({ content: 'x' })],
            [3, done()],
          ]),
        ),
        /no model.message base/,
      )
      // The base comes, but after its delta.
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, delta({ content: 'x' })],
            [3, base],
          ]),
        ),
        /no model.message base/,
      )
      // A base of another id.
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, base],
            [3, delta({ content: 'x' }, 'm2')],
          ]),
        ),
        /no model.message base/,
      )
    })

    it('a delta on another thread than its base, and a second base with the same id', async () => {
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, base],
            [3, delta({ content: 'x' }, 'm1', 'th')],
          ]),
        ),
        /thread th/,
      )
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, base],
            [3, base],
          ]),
        ),
        /second model.message/,
      )
    })

    it('a stream that does not start with turn.created', async () => {
      await rejects(
        readTurn(
          turnBody([
            [1, base],
            [2, done()],
          ]),
        ),
        /starts with model.message, not turn.created/,
      )
      await rejects(readTurn(turnBody([[1, done()]])), /starts with turn.done/)
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, created],
          ]),
        ),
        /second turn.created/,
      )
    })

    it('a stream that does not end with turn.done', async () => {
      await rejects(readTurn(''), /ended without turn.done/)
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, base],
          ]),
        ),
        /ended without turn.done/,
      )
      // An event after turn.done.
      await rejects(
        readTurn(
          turnBody([
            [1, created],
            [2, done()],
            [3, base],
          ]),
        ),
        /after turn.done/,
      )
      // A last message cut before its blank line is not a message.
      await rejects(readTurn(`${turnBody([[1, created]])}id: 2\ndata: ${JSON.stringify(done())}\n`), /ended without/)
    })

    it('data that is not a JSON object', async () => {
      await rejects(readTurn('id: 1\ndata: {nope\n\n'), /not JSON/)
      await rejects(readTurn('id: 1\ndata: [1]\n\n'), /not an object/)
    })
  })
})

// ── Surface A ─────────────────────────────────────────────────────────────────────────────────────────────────

const EXEC = '6b0e5d2a-91c4-4f37-a2d8-0c7e9b41f5aa'
const responseCreated = (sequence_id = 1) => ({
  type: 'response.created',
  response_id: 'acme.3c1f0b7e',
  created_at: T,
  sequence_id,
})
const info = {
  mcp_server_id: 'k8s-prod',
  mcp_server_name: 'k8s',
  original_tool_name: 'scale',
  is_approval_required: true,
}

/** The digest's approval example: the stream ends with tool.approval_required, no response.done. */
const approvalStream = [
  responseCreated(),
  {
    type: 'mcp.initialize',
    execution_id: EXEC,
    content: [{ mcp_server_id: 'k8s-prod', mcp_server_name: 'k8s' }],
    sequence_id: 2,
  },
  {
    type: 'agent.message',
    role: 'assistant',
    execution_id: EXEC,
    tool_calls: [
      { index: 0, id: 'call_q81', type: 'function', function: { name: 'scale', arguments: '' }, tool_info: info },
    ],
    sequence_id: 3,
  },
  {
    type: 'agent.message',
    execution_id: EXEC,
    tool_calls: [{ index: 0, function: { arguments: '{"replicas":6}' } }],
    sequence_id: 4,
  },
  { type: 'agent.message', execution_id: EXEC, finish_reason: 'tool_calls', sequence_id: 5 },
  { type: 'tool.approval_required', execution_id: EXEC, tool_calls: [{ id: 'call_q81' }], sequence_id: 6 },
]

const readResponse = async (body: string | ReadableStream<Uint8Array>) => {
  const stream = new ResponseStream()
  await stream.read(body)
  return stream
}

describe('strict response stream reader (Surface A)', () => {
  it("accepts the digest's approval pause as the end of the turn, no response.done after it", async () => {
    const stream = await readResponse(chunked(responseBody(approvalStream), 4))
    expect(stream.paused).toBe(true)
    expect(stream.end?.type).toBe('tool.approval_required')
    expect(stream.responseId).toBe('acme.3c1f0b7e')
    expect(stream.messages).toHaveLength(1)
    expect(stream.messages[0]).toMatchObject({
      role: 'assistant',
      execution_id: EXEC,
      finish_reason: 'tool_calls',
      fragments: 3,
      roles: 1,
      tool_calls: [{ id: 'call_q81', function: { name: 'scale', arguments: '{"replicas":6}' }, tool_info: info }],
    })
  })

  it('keeps reading after a pause, but only as trailing events', async () => {
    const stream = await readResponse(
      responseBody([...approvalStream, { type: 'response.done', status: 'done', sequence_id: 7 }]),
    )
    expect(stream.end?.type).toBe('tool.approval_required')
    expect(stream.trailing.map((e) => e.type)).toEqual(['response.done'])
  })

  it('folds fragments per execution_id as mergeAssistantMessage does; finish_reason ends a message; ids may skip', async () => {
    const sub = 'exec-sub'
    const stream = await readResponse(
      responseBody([
        responseCreated(1),
        { type: 'agent.message', role: 'assistant', execution_id: EXEC, content: 'Pay', sequence_id: 2 },
        { type: 'agent.message', role: 'assistant', execution_id: sub, content: 'Sea', sequence_id: 3 },
        { type: 'agent.message', execution_id: EXEC, content: 'ments', refusal: 'x', sequence_id: 5 },
        { type: 'agent.message', role: 'tool', execution_id: EXEC, tool_call_id: 'c', content: 'ok', sequence_id: 6 },
        { type: 'agent.message', execution_id: sub, content: 'rch', finish_reason: 'stop', sequence_id: 9 },
        {
          type: 'agent.message',
          execution_id: EXEC,
          tool_calls: [
            { index: 1, id: 'b', function: { name: 'g', arguments: '{' }, tool_info: info },
            { index: 0, id: 'a', function: { name: 'f', arguments: '' } },
          ],
          sequence_id: 10,
        },
        {
          type: 'agent.message',
          execution_id: EXEC,
          tool_calls: [{ index: 1, function: { arguments: '}' }, tool_info: { ...info, mcp_server_id: 'later' } }],
          finish_reason: 'tool_calls',
          sequence_id: 11,
        },
        { type: 'agent.message', role: 'assistant', execution_id: EXEC, content: 'again', sequence_id: 12 },
        { type: 'agent.message', execution_id: EXEC, finish_reason: 'stop', sequence_id: 13 },
        { type: 'response.done', status: 'done', sequence_id: 14 },
      ]),
    )
    expect(stream.end?.type).toBe('response.done')
    expect(stream.texts(sub)).toEqual(['Search'])
    expect(stream.of(EXEC)).toHaveLength(2)
    expect(stream.of(EXEC)[0]).toMatchObject({
      role: 'assistant',
      content: 'Payments',
      refusal: 'x',
      finish_reason: 'tool_calls',
      tool_calls: [
        { id: 'a', function: { name: 'f', arguments: '' } },
        // The first tool_info wins.
        { id: 'b', function: { name: 'g', arguments: '{}' }, tool_info: info },
      ],
    })
    expect(stream.of(EXEC)[1]).toMatchObject({ content: 'again', finish_reason: 'stop' })
    expect(stream.toolResults.map((e) => e.content)).toEqual(['ok'])
    expect(stream.open.size).toBe(0)
  })

  it('takes mcp.auth_required and tool.response_required as ends of the turn too', async () => {
    for (const end of [
      { type: 'mcp.auth_required', servers: [], sequence_id: 2 },
      { type: 'tool.response_required', execution_id: EXEC, tool_calls: [{ id: 'c' }], sequence_id: 2 },
    ]) {
      const stream = await readResponse(responseBody([responseCreated(), end]))
      expect(stream.paused).toBe(true)
    }
  })

  describe('rejects', () => {
    it('an unknown event type', async () => {
      await rejects(
        readResponse(responseBody([responseCreated(), { type: 'response.error', message: 'x', sequence_id: 2 }])),
        /unknown type 'response.error'/,
      )
      await rejects(readResponse(responseBody([responseCreated(), { sequence_id: 2 }])), /unknown type/)
    })

    it('a missing sequence_id', async () => {
      const { sequence_id: _, ...created } = responseCreated()
      await rejects(readResponse(responseBody([created])), /no sequence_id/)
      await rejects(
        readResponse(responseBody([responseCreated(), { type: 'response.done', status: 'done' }])),
        /no sequence_id/,
      )
    })

    it('a sequence_id that is not a growing positive integer', async () => {
      const doneAt = (sequence_id: unknown) => ({ type: 'response.done', status: 'done', sequence_id })
      await rejects(readResponse(responseBody([responseCreated(2), doneAt(2)])), /not after 2/)
      await rejects(readResponse(responseBody([responseCreated(3), doneAt(2)])), /not after 3/)
      for (const bad of ['2', 1.5, 0, -1, null]) {
        await rejects(readResponse(responseBody([responseCreated(), doneAt(bad)])), /has sequence_id/)
      }
    })

    it('a stream that does not start with response.created, or has two', async () => {
      await rejects(
        readResponse(responseBody([{ type: 'response.done', status: 'done', sequence_id: 1 }])),
        /not response.created/,
      )
      await rejects(readResponse(responseBody(approvalStream.slice(1))), /starts with mcp.initialize/)
      await rejects(readResponse(responseBody([responseCreated(1), responseCreated(2)])), /second response.created/)
    })

    it('a stream with no end, or events after response.done', async () => {
      await rejects(readResponse(responseBody(approvalStream.slice(0, 5))), /without response.done or a pause/)
      await rejects(readResponse(''), /without response.done/)
      await rejects(
        readResponse(
          responseBody([
            responseCreated(),
            { type: 'response.done', status: 'done', sequence_id: 2 },
            { type: 'agent.message', execution_id: EXEC, content: 'late', sequence_id: 3 },
          ]),
        ),
        /after response.done/,
      )
    })

    it('an agent.message without an execution_id', async () => {
      await rejects(
        readResponse(responseBody([responseCreated(), { type: 'agent.message', content: 'x', sequence_id: 2 }])),
        /without an execution_id/,
      )
    })
  })

  it('throws StrictClientError, not something else', async () => {
    await expect(readResponse('')).rejects.toBeInstanceOf(StrictClientError)
    await expect(readTurn('')).rejects.toBeInstanceOf(StrictClientError)
  })
})
