// An upstream event of a type the bridge does not know (servers add event types: hosted tools, vendor progress) is
// neither fatal nor silently dropped: it goes on as the canonical `upstream.event` with its data in `ext` under the
// upstream's dialect, the answer around it is untouched, the log says so once per type, and a Responses stream that
// is resumed does not repeat it. An ACP client in `custom` mode sees it through the bridge.
import { createServer } from 'node:http'
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AgentEvent } from '../../src/core/index.js'
import { createAcpClient } from '../../src/dialects/acp/client.js'
import { createResponsesClient } from '../../src/dialects/responses/client.js'
import { MemoryRunStore } from '../../src/store/index.js'
import { startBridge } from '../helpers/bridge.js'
import { payloads, readAll } from '../helpers/sse.js'
import { acpDescriptor, answerText, responsesAnswer, runRequest, runToEnd, values } from '../helpers/upstreams.js'

let server: Server
let base = ''
let answer: (path: string, headers: Record<string, string | string[] | undefined>, res: ServerResponse) => void
const paths: string[] = []

/** The frames as an event stream that ends, or that breaks off (the connection reset) once they are on the wire. */
const sse = (res: ServerResponse, frames: string[], drop = false) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  res.flushHeaders()
  if (drop) res.write(frames.join(''), () => setTimeout(() => res.socket?.destroy(), 30))
  else res.end(frames.join(''))
}
const frame = (data: unknown, event?: string, id?: string) =>
  `${id ? `id: ${id}\n` : ''}${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      paths.push(`${req.method} ${req.url}`)
      if (req.url === '/acp/agents/up/descriptor') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(acpDescriptor('vendor data')))
        return
      }
      answer(req.url ?? '', req.headers, res)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))
beforeEach(() => {
  paths.length = 0
})

const request = () => runRequest({ runId: 'run_1', contextId: 'ctx_1', messageId: 'm1' })

// A hosted tool's item and its progress event: real OpenAI event types this bridge has no row for.
const searching = { type: 'response.web_search_call.searching', sequence_number: 2, output_index: 1, item_id: 'ws_1' }
const searchItem = {
  type: 'response.output_item.added',
  sequence_number: 3,
  output_index: 1,
  item: { type: 'web_search_call', id: 'ws_1', status: 'in_progress' },
}
/** The answer "Hello" with the two unknown events after its first item; sequence numbers follow on. */
const withUnknown = () => {
  const known = responsesAnswer(['Hel', 'lo'])
  const shifted = known.slice(2).map((e) => ({ ...e, sequence_number: e.sequence_number + 2 }))
  return [...known.slice(0, 2), searching, searchItem, ...shifted]
}

describe('a Responses upstream', () => {
  it('an unknown event type and an unknown item type go on as upstream.event, the answer untouched', async () => {
    answer = (_path, _headers, res) =>
      sse(
        res,
        withUnknown().map((e) => frame(e, e.type)),
      )
    const lines: string[] = []
    const client = createResponsesClient({
      id: 'up',
      url: base,
      store: new MemoryRunStore(),
      log: (l) => lines.push(l),
    })
    const run = await runToEnd(client, request())
    expect(run.error).toBeUndefined()
    const unknown = run.events.filter((e) => e.type === 'upstream.event')
    expect(unknown).toEqual([
      { type: 'upstream.event', name: 'response.web_search_call.searching', ext: { responses: searching } },
      { type: 'upstream.event', name: 'response.output_item.added', ext: { responses: searchItem } },
    ])
    expect(answerText(run.events)).toBe('Hello')
    expect(run.events.at(-1)?.type).toBe('run.completed')
    expect(lines.filter((l) => l.includes('goes on as upstream.event'))).toHaveLength(2)
  })

  it('a stream resumed after an unknown event does not repeat it', async () => {
    const events = withUnknown()
    answer = (path, _headers, res) => {
      // The first stream breaks off right after the two unknown events; the resumed one sends what follows the cursor.
      if (!path.includes('starting_after'))
        return sse(
          res,
          events.slice(0, 4).map((e) => frame(e, e.type)),
          true,
        )
      const after = Number(new URL(path, base).searchParams.get('starting_after'))
      sse(
        res,
        events.filter((e) => e.sequence_number > after).map((e) => frame(e, e.type)),
      )
    }
    const client = createResponsesClient({ id: 'up', url: base, store: new MemoryRunStore() })
    const run = await runToEnd(client, request())
    expect(run.error).toBeUndefined()
    expect(paths.at(-1)).toBe('GET /responses/resp_1?stream=true&starting_after=3')
    expect(run.events.filter((e) => e.type === 'upstream.event')).toHaveLength(2)
    expect(answerText(run.events)).toBe('Hello')
  })
})

describe('an ACP upstream', () => {
  const progress = { type: 'vendor_progress', run_id: 'run-1', step: 'retrieving', percent: 40 }
  const stream = () => [
    frame(values('pending', 'Hel'), 'agent_event', '1'),
    frame(progress, 'agent_event', '2'),
    frame(values('success', 'Hello'), 'agent_event', '3'),
  ]

  it('stream data of an unknown type goes on as upstream.event, the answer untouched', async () => {
    answer = (_path, _headers, res) => sse(res, stream())
    const client = createAcpClient({ id: 'up', url: `${base}/acp`, store: new MemoryRunStore(), agentId: 'up' })
    const run = await runToEnd(client, request())
    expect(run.error).toBeUndefined()
    expect(run.events.filter((e) => e.type === 'upstream.event')).toEqual([
      { type: 'upstream.event', name: 'vendor_progress', ext: { acp: progress } },
    ])
    expect(answerText(run.events)).toBe('Hello')
  })

  it('an ACP client of the bridge in custom mode sees it as a canonical event', async () => {
    answer = (_path, _headers, res) => sse(res, stream())
    const bridge = await startBridge({
      agents: [{ id: 'up', dialect: 'acp', url: `${base}/acp`, acp: { agentId: 'up' } }],
    })
    try {
      const res = await fetch(`${bridge.url}/acp/runs/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          agent_id: 'up',
          input: { messages: [{ role: 'user', content: 'hi' }] },
          stream_mode: 'custom',
        }),
      })
      const custom = (payloads(await readAll(res)) as { type?: string; update?: { event?: AgentEvent } }[])
        .filter((d) => d.type === 'custom')
        .map((d) => d.update?.event)
      expect(custom).toContainEqual({ type: 'upstream.event', name: 'vendor_progress', ext: { acp: progress } })
    } finally {
      await bridge.close()
    }
  })
})
