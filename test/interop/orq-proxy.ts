// A proxy in front of the Orq test server. It notes when each stream event passed (so a test can tell when the
// upstream finished), and with `nulls` it sends every optional field the server leaves out as an explicit `null`,
// the way servers built on pydantic or on nullable OpenAPI schemas do: in each stream event (the envelope's data, the
// model's choice, changed messages, their parts, usage, tool execution contexts) and in agent manifests. Everything
// else goes through untouched and line by line; a stream that breaks off upstream breaks off here too.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

type Json = Record<string, unknown>

export interface OrqProxy {
  url: string
  /** Each stream event as it passed: its type (`[DONE]` for the sentinel) and when (ms since the epoch). */
  frames: { type: string; at: number }[]
  /** Where a null was put in (`<event type>: <path>`), each once. */
  nulled: Set<string>
  close(): Promise<void>
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Optional fields per stream event type, as paths into `data` (`*` walks every value of an object or array). */
const OPTIONAL: Record<string, string[]> = {
  'event.agents.started': [
    'integration_id',
    'settings',
    'agent_description',
    'agent_source',
    'variables',
    'tool_execution_id',
    'responseId',
    'inputMessage.metadata',
    'inputMessage.parts.*.metadata',
  ],
  'event.agents.thought': [
    'choiceIndex',
    'responseId',
    'usage',
    'choice.logprobs',
    'choice.message.content',
    'choice.message.refusal',
    'choice.message.tool_calls',
    'choice.message.reasoning',
    'choice.message.reasoning_signature',
    'choice.message.tool_calls.*.thought_signature',
    'message_difference.*.metadata',
    'message_difference.*.parts.*.metadata',
    'message_difference.*.parts.*.thought_signature',
  ],
  'event.agents.inactive': [
    'pending_tool_calls',
    'billing',
    'responseId',
    'usage.time_to_first_token',
    'usage.prompt_tokens_details',
    'usage.completion_tokens_details',
    'last_message_full.metadata',
    'last_message_full.parts.*.metadata',
    'last_message_full.parts.*.thought_signature',
  ],
  'event.agents.errored': ['responseId'],
  'event.agents.action_review_requested': [
    'responseId',
    'tool.display_name',
    'tool.description',
    'tool.tool_id',
    'tool.conditions',
    'tool.timeout',
  ],
  'event.agents.action_reviewed': ['mock_output'],
  'event.workflow_events.tool_execution_started': [
    'tool_description',
    'responseId',
    'stream',
    'tool_execution_context.memory',
    'tool_execution_context.parent_id',
    'tool_execution_context.variables',
    'tool_execution_context.secret_keys',
  ],
  'event.workflow_events.tool_execution_finished': [
    'responseId',
    'stream',
    'tool_execution_context.memory',
    'tool_execution_context.parent_id',
    'tool_execution_context.variables',
    'tool_execution_context.secret_keys',
  ],
  'event.workflow_events.tool_execution_failed': [
    'responseId',
    'stream',
    'error.stack',
    'tool_execution_context.memory',
    'tool_execution_context.parent_id',
    'tool_execution_context.variables',
    'tool_execution_context.secret_keys',
  ],
}

/** Optional manifest fields (`GET /v2/agents/{key}`); `display_name` stays, so a test can tell the manifest was read. */
const MANIFEST_OPTIONAL = [
  'workspace_id',
  'version',
  'source',
  'engine',
  'skills',
  'metrics',
  'memory_stores',
  'created',
  'updated',
  'settings.tools.*.configuration',
  'settings.tools.*.tool_id',
  'settings.tools.*.timeout',
]

/** Sets each absent field at `path` under `value` to null; notes where under `label`. */
function fill(value: unknown, path: string[], label: string, where: string, nulled: Set<string>) {
  const [head, ...rest] = path
  if (head === undefined) return
  if (head === '*') {
    const children = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : []
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

function nullEvent(envelope: unknown, nulled: Set<string>): unknown {
  if (!isObject(envelope) || typeof envelope.type !== 'string') return envelope
  for (const path of OPTIONAL[envelope.type] ?? []) fill(envelope.data, path.split('.'), envelope.type, path, nulled)
  return envelope
}

function nullManifest(manifest: unknown, nulled: Set<string>): unknown {
  for (const path of MANIFEST_OPTIONAL) fill(manifest, path.split('.'), 'manifest', path, nulled)
  return manifest
}

export async function startOrqProxy(target: string, options: { nulls?: boolean } = {}): Promise<OrqProxy> {
  const upstream = new URL(target)
  const nulled = new Set<string>()
  const frames: OrqProxy['frames'] = []
  /** One SSE line: a data line noted, and nulled when asked. */
  const line = (text: string): string => {
    if (!text.startsWith('data: ')) return text
    if (text === 'data: [DONE]') {
      frames.push({ type: '[DONE]', at: Date.now() })
      return text
    }
    const event = JSON.parse(text.slice(6)) as { type?: unknown }
    frames.push({ type: String(event.type), at: Date.now() })
    return options.nulls ? `data: ${JSON.stringify(nullEvent(event, nulled))}` : text
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
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
        answer.on('end', () => {
          const manifest = type.startsWith('application/json') && /^\/v2\/agents\/[^/]+$/.test(req.url ?? '')
          if (!options.nulls || !manifest) res.end(rest)
          else res.end(JSON.stringify(nullManifest(JSON.parse(rest), nulled)))
        })
        answer.on('aborted', () => res.destroy())
        answer.on('error', () => res.destroy())
      },
    )
    forward.on('error', () => res.destroy())
    res.on('close', () => forward.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    frames,
    nulled,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
