// A proxy in front of the TrueFoundry test server (test/helpers/truefoundry-server.ts), for both agent surfaces. It
// notes when each stream event passed (so a test can tell when the upstream finished), and with `nulls` it sends
// every optional field the server leaves out as an explicit `null`, the way servers built on pydantic or on nullable
// OpenAPI schemas do: in the turn events of Surface B (`/v1/agents/sessions…`: model messages and their deltas, tool
// call chunks, thread and turn states) and the events of Surface A (`/agent/responses`: `agent.message` fragments,
// their tool calls and `tool_info` flags, sub-agent outputs). Everything else goes through untouched and line by
// line, `id:` lines included; a stream that breaks off upstream breaks off here too.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

type Json = Record<string, unknown>

export interface TrueFoundryProxy {
  /** The tenant base URL through the proxy (the same path as the server's). */
  url: string
  /** Each stream event as it passed: its type, its SSE id (Surface B) and when (ms since the epoch). */
  frames: { type: string; id?: number; at: number }[]
  /** Where a null was put in (`<event type>: <path>`), each once. */
  nulled: Set<string>
  close(): Promise<void>
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The optional fields of a model message as both surfaces' schemas declare them (`*` walks arrays). */
const MODEL_MESSAGE = [
  'name',
  'refusal',
  'reasoning_content',
  'thinking_blocks',
  'tool_calls',
  'function_call',
  'finish_reason',
  'usage',
  'tool_calls.*.provider_specific_fields',
  'usage.cache_read_tokens',
  'usage.cache_write_tokens',
]

/** Optional fields per Surface B (turn) event type. */
const TURN_OPTIONAL: Record<string, string[]> = {
  'model.message': MODEL_MESSAGE,
  'model.message.delta': [
    'content',
    'refusal',
    'reasoning_content',
    'thinking_blocks',
    'tool_calls',
    'function_call',
    'finish_reason',
    'usage',
    'tool_calls.*.id',
    'tool_calls.*.type',
    'tool_calls.*.function',
    'tool_calls.*.function.name',
    'tool_calls.*.tool_info',
    'tool_calls.*.provider_specific_fields',
  ],
  'thread.created': ['agent_info.model'],
  'thread.done': MODEL_MESSAGE.map((p) => `state.output.${p}`),
  'mcp.initialize': ['mcp_servers.*.session_id', 'mcp_servers.*.transport_type'],
  'turn.done': [
    'state.metrics',
    'state.metrics.total_cache_read_tokens',
    'state.metrics.total_reasoning_tokens',
    'state.metrics.total_cost_in_usd',
    ...MODEL_MESSAGE.map((p) => `state.output.${p}`),
  ],
}

/** Optional fields per Surface A (responses stream) event type; an assistant fragment's and a tool result's differ. */
const RESPONSE_OPTIONAL: Record<string, string[]> = {
  'agent.message': [
    'role',
    'content',
    'refusal',
    'reasoning_content',
    'thinking_blocks',
    'tool_calls',
    'function_call',
    'finish_reason',
    'created_at',
    'thinking_blocks.*.signature',
    'tool_calls.*.id',
    'tool_calls.*.type',
    'tool_calls.*.function',
    'tool_calls.*.function.name',
    'tool_calls.*.tool_info',
    'tool_calls.*.provider_specific_fields',
    'tool_calls.*.tool_info.is_approval_required',
    'tool_calls.*.tool_info.is_deferred',
    'tool_calls.*.tool_info.is_client_side',
  ],
  'agent.message:tool': ['created_at'],
  'agent.created': ['created_at'],
  'agent.done': ['parent', 'output.refusal', 'output.tool_calls', 'output.thinking_blocks', 'output.created_at'],
  'mcp.initialize': ['content.*.session_id'],
  'response.done': ['output'],
}

/** Sets each absent field at `path` under `value` to null; notes where under `label`. */
function fill(value: unknown, path: string[], label: string, where: string, nulled: Set<string>) {
  const [head, ...rest] = path
  if (head === undefined) return
  if (head === '*') {
    const children = Array.isArray(value) ? value : []
    for (const child of children) fill(child, rest, label, where, nulled)
    return
  }
  if (!isObject(value)) return
  if (rest.length) return fill(value[head], rest, label, where, nulled)
  if (value[head] === undefined) {
    value[head] = null
    nulled.add(`${label}: ${where}`)
  }
}

function nullEvent(event: Json, surface: 'A' | 'B', nulled: Set<string>): Json {
  const type = String(event.type)
  const key = surface === 'A' && type === 'agent.message' && event.role === 'tool' ? 'agent.message:tool' : type
  const table = surface === 'A' ? RESPONSE_OPTIONAL : TURN_OPTIONAL
  // A paused turn's `output` is null on purpose; its fields are not there to fill.
  for (const path of table[key] ?? []) fill(event, path.split('.'), `${surface} ${key}`, path, nulled)
  return event
}

export async function startTrueFoundryProxy(
  target: string,
  options: { nulls?: boolean } = {},
): Promise<TrueFoundryProxy> {
  const upstream = new URL(target)
  const nulled = new Set<string>()
  const frames: TrueFoundryProxy['frames'] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const surface = (req.url ?? '').includes('/agent/responses') ? 'A' : 'B'
    let lastId: number | undefined
    /** One SSE line: an `id:` noted, a data line noted and nulled when asked. */
    const line = (text: string): string => {
      if (text.startsWith('id: ')) lastId = Number(text.slice(4))
      if (!text.startsWith('data: ')) return text
      const event = JSON.parse(text.slice(6)) as Json
      frames.push({ type: String(event.type), ...(lastId !== undefined ? { id: lastId } : {}), at: Date.now() })
      lastId = undefined
      return options.nulls ? `data: ${JSON.stringify(nullEvent(event, surface, nulled))}` : text
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        const type = String(answer.headers['content-type'] ?? '')
        const headers = { ...answer.headers }
        delete headers['content-length']
        res.writeHead(answer.statusCode ?? 502, headers)
        res.flushHeaders()
        answer.setEncoding('utf8')
        let rest = ''
        if (type.startsWith('text/event-stream')) {
          // Whole lines go through as they come; a partial one waits for the rest.
          answer.on('data', (chunk: string) => {
            const lines = (rest + chunk).split('\n')
            rest = lines.pop() ?? ''
            if (lines.length) res.write(`${lines.map(line).join('\n')}\n`)
          })
        } else answer.on('data', (chunk: string) => (rest += chunk))
        answer.on('end', () => res.end(rest))
        answer.on('aborted', () => res.destroy())
        answer.on('error', () => res.destroy())
      },
    )
    forward.on('error', () => res.destroy())
    res.on('close', () => forward.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `${origin}${upstream.pathname.replace(/\/+$/, '')}`,
    frames,
    nulled,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
