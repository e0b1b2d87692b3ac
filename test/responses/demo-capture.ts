// Drives every demo scenario through the Responses face and keeps everything the face sent: stream events and
// Response objects, streamed and not, with and without the optional request fields a Response echoes. Shared by the
// schema test here and by checks against OpenAI's own document (kept out of the repo).
import type { Scenario } from '../../src/demo/script.js'
import { scenarios } from '../../src/demo/script.js'
import { payloads, postJson, readAll } from '../helpers/sse.js'

export { scenarios }

export interface Captured {
  /** `<scenario> <variant>`, for messages. */
  label: string
  events: unknown[]
  responses: unknown[]
}

/** Next messages for scenarios that pause for free text (tool and approval pauses are answered from the output). */
const TEXT_FOLLOW_UPS: Record<string, string> = { input: 'Lisbon', remember: 'what is my name?' }

/** A tool declared without `strict` or `parameters`: the echo must fill both in. */
const WEATHER_TOOL = { type: 'function', name: 'get_weather', description: 'Current weather for a city' }

/** Every optional field a Response echoes, set. */
const CONFIGURED = {
  tools: [WEATHER_TOOL],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  instructions: 'Be brief.',
  metadata: { suite: 'conformance' },
  temperature: 0.5,
  top_p: 0.9,
}

export const VARIANTS = {
  'plain streamed': { stream: true },
  'plain non-streamed': { stream: false },
  'configured streamed': { stream: true, ...CONFIGURED },
  'configured non-streamed': { stream: false, ...CONFIGURED },
} as const

type Item = { type: string; id?: string; call_id?: string }
type ResponseLike = { id: string; status: string; output: Item[] }
type EventLike = { type?: string; response?: ResponseLike }

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete'])

/** The input answering what a turn paused on, or undefined when the conversation is over. */
function followUp(scenario: Scenario, response: ResponseLike, turn: number): unknown[] | string | undefined {
  const calls = response.output.filter((i) => i.type === 'function_call')
  if (calls.length) return calls.map((c) => ({ type: 'function_call_output', call_id: c.call_id, output: 'sunny' }))
  const approvals = response.output.filter((i) => i.type === 'mcp_approval_request')
  if (approvals.length) {
    return approvals.map((a) => ({ type: 'mcp_approval_response', approval_request_id: a.id, approve: true }))
  }
  return turn === 0 ? TEXT_FOLLOW_UPS[scenario.name] : undefined
}

/** Plays one scenario's conversation (its example, then the answers it asks for) in one variant. */
export async function capture(baseUrl: string, scenario: Scenario, variant: keyof typeof VARIANTS): Promise<Captured> {
  const options = VARIANTS[variant]
  const out: Captured = { label: `${scenario.name} ${variant}`, events: [], responses: [] }
  let input: unknown[] | string | undefined = scenario.example
  let previous: string | undefined
  for (let turn = 0; input !== undefined && turn < 3; turn++) {
    const res = await postJson(`${baseUrl}/v1/responses`, {
      model: 'demo',
      input,
      ...options,
      ...(previous ? { previous_response_id: previous } : {}),
    })
    if (res.status !== 200) throw new Error(`${out.label}: turn ${turn} answered ${res.status}: ${await res.text()}`)
    let response: ResponseLike
    if (options.stream) {
      const events = payloads(await readAll(res)).filter((e) => e !== '[DONE]') as EventLike[]
      out.events.push(...events)
      const last = events.findLast((e) => e.type !== undefined && TERMINAL.has(e.type))
      if (!last?.response) throw new Error(`${out.label}: turn ${turn} has no terminal event`)
      response = last.response
    } else {
      response = (await res.json()) as ResponseLike
    }
    out.responses.push(response)
    // The stored copy, as GET returns it.
    out.responses.push(await (await fetch(`${baseUrl}/v1/responses/${response.id}`)).json())
    previous = response.id
    input = followUp(scenario, response, turn)
  }
  return out
}

/** Background responses: queued on create, re-streamed (with `response.queued`), and cancelled on `slowModel`. */
export async function captureBackground(baseUrl: string, slowModel: string): Promise<Captured> {
  const out: Captured = { label: 'background', events: [], responses: [] }
  const created = (await (
    await postJson(`${baseUrl}/v1/responses`, { model: 'demo', input: 'hello', background: true, ...CONFIGURED })
  ).json()) as ResponseLike
  out.responses.push(created)
  const events = payloads(await readAll(await fetch(`${baseUrl}/v1/responses/${created.id}?stream=true`)))
  out.events.push(...events.filter((e) => e !== '[DONE]'))
  const slow = (await (
    await postJson(`${baseUrl}/v1/responses`, { model: slowModel, input: 'count to 300', background: true })
  ).json()) as ResponseLike
  out.responses.push(slow)
  out.responses.push(await (await fetch(`${baseUrl}/v1/responses/${slow.id}/cancel`, { method: 'POST' })).json())
  return out
}
