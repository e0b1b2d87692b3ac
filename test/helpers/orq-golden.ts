// Golden transcripts of the Orq face: fixtures in test/fixtures/orq, each a list of turns, each a request to an Orq
// path under `/orq` and what it must give back — an SSE transcript (`stream`, `[DONE]` kept as a string) or a JSON
// body (`response`). Ids become placeholders in order of first appearance (`id1`, `call_msg_id3`, …; a later turn's
// request names earlier ids by placeholder), ISO times become "T" and `accumulated_execution_time` (wall clock) 0.
import { readdirSync, readFileSync } from 'node:fs'
import {
  CreateAgentResponse$inboundSchema,
  ResponseStreamingEvent$inboundSchema,
} from '@orq-ai/node/models/components/index.js'
import { InvokeAgentA2ATaskResponse$inboundSchema } from '@orq-ai/node/models/operations/invokeagent.js'
import { StreamAgentResponseBody$inboundSchema } from '@orq-ai/node/models/operations/streamagent.js'
import { expect } from 'vitest'
import { specValidator } from './contract.js'
import { IdNormaliser } from './normalise.js'
import { payloads, postJson, readAll } from './sse.js'

export interface OrqTurn {
  /** The Orq path, under the face's `/orq` base: `/v2/agents/demo/stream-task`, `…/task`, `…/responses`. */
  path: string
  request: Record<string, unknown>
  /** The SSE payloads (stream-task, or /responses with `stream: true`). */
  stream?: unknown[]
  /** The JSON body (blocking task, /responses without `stream`). */
  response?: unknown
}

export interface OrqFixture {
  description: string
  turns: OrqTurn[]
}

const dir = new URL('../fixtures/orq/', import.meta.url)
export const orqFixtures: [string, OrqFixture][] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as OrqFixture])

type Kind = 'task-stream' | 'response-stream' | 'task' | 'response'

/** What a turn's answer is, from its path and request. */
export function kindOf(turn: OrqTurn): Kind {
  if (/\/stream-(task|run)$/.test(turn.path)) return 'task-stream'
  if (/\/responses$/.test(turn.path)) return turn.request.stream === true ? 'response-stream' : 'response'
  return 'task'
}

/** Ids and ISO times as placeholders; `accumulated_execution_time`, a wall-clock number, as 0. */
export function normaliseOrq<T>(ids: IdNormaliser, value: T): T {
  return JSON.parse(
    JSON.stringify(ids.normalise(value), (key, v) =>
      key === 'accumulated_execution_time' && typeof v === 'number' ? 0 : v,
    ),
  ) as T
}

const spec = specValidator('orq')
const SPEC_SCHEMA: Record<Kind, string> = {
  'task-stream': 'AgentStreamEvent',
  'response-stream': 'ResponseStreamEvent',
  task: 'Task',
  response: 'AgentResponse',
}

/** Errors of the official SDK's own zod schema for one event or body (as the SDK reads it off the wire); '' when valid. */
export function sdkErrors(kind: Kind, value: unknown): string {
  const result =
    kind === 'task-stream'
      ? StreamAgentResponseBody$inboundSchema.safeParse({ data: JSON.stringify(value) })
      : kind === 'response-stream'
        ? ResponseStreamingEvent$inboundSchema.safeParse(value)
        : kind === 'task'
          ? InvokeAgentA2ATaskResponse$inboundSchema.safeParse(value)
          : CreateAgentResponse$inboundSchema.safeParse(value)
  return result.success ? '' : JSON.stringify(result.error.issues)
}

/** Every payload of a turn (events, or the body) validates against specs/orq.yaml and against the SDK's schemas. */
export function expectValid(turn: OrqTurn, values: unknown[], where: string): void {
  const kind = kindOf(turn)
  for (const [i, value] of values.entries()) {
    if (value === '[DONE]') continue
    const at = `${where} ${turn.path} #${i} ${(value as { type?: string }).type ?? ''}`
    expect(spec.errors(SPEC_SCHEMA[kind], value), `spec ${SPEC_SCHEMA[kind]}: ${at}`).toBe('')
    expect(sdkErrors(kind, value), `SDK: ${at}`).toBe('')
  }
}

/** A fixture's own content: requests valid for the spec, every expected payload valid for the spec and the SDK. */
export function expectFixtureValid(name: string, fixture: OrqFixture): void {
  for (const turn of fixture.turns) {
    const kind = kindOf(turn)
    const requestSchema = /\/responses$/.test(turn.path) ? 'AgentResponseRequest' : 'InvokeRequest'
    expect(spec.errors(requestSchema, turn.request), `${name}: request to ${turn.path}`).toBe('')
    const streamed = kind === 'task-stream' || kind === 'response-stream'
    expect(
      streamed ? turn.stream : turn.response,
      `${name}: ${turn.path} needs ${streamed ? 'stream' : 'response'}`,
    ).toBeDefined()
    const values = streamed ? (turn.stream ?? []) : [turn.response]
    if (streamed) expect(values.at(-1), `${name}: a stream ends with [DONE]`).toBe('[DONE]')
    expectValid(turn, values, `fixture ${name}`)
  }
}

/**
 * Plays a fixture's turns against a bridge (`base` = the bridge's origin): each request with the earlier turns' ids
 * restored. SSE answers are checked for Orq's framing (200, text/event-stream, data-only frames, `[DONE]` last).
 * Returns each turn's payloads, raw and normalised.
 */
export async function playOrq(
  base: string,
  fixture: OrqFixture,
): Promise<{ raw: unknown[][]; normalised: unknown[][] }> {
  const ids = new IdNormaliser()
  const raw: unknown[][] = []
  const normalised: unknown[][] = []
  for (const turn of fixture.turns) {
    const res = await postJson(`${base}/orq${turn.path}`, ids.restore(turn.request))
    expect(res.status, `${turn.path}: ${res.status}`).toBe(200)
    let values: unknown[]
    if (turn.stream) {
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const events = await readAll(res)
      // Data-only framing: no `event:` or `id:` lines (digest: Streaming, "Framing").
      for (const e of events) {
        expect(e.event).toBeUndefined()
        expect(e.id).toBeUndefined()
      }
      values = payloads(events)
      expect(values.at(-1)).toBe('[DONE]')
    } else {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      values = [await res.json()]
    }
    raw.push(values)
    normalised.push(normaliseOrq(ids, values))
  }
  return { raw, normalised }
}

const expected = (turn: OrqTurn): unknown[] => (turn.stream ? turn.stream : [turn.response])

type Thought = { type?: string; data?: { message_difference?: object; choice?: { finish_reason?: unknown } } }
const isThought = (e: unknown): e is Thought => (e as Thought).type === 'event.agents.thought'

/** A thought that ends no iteration and is followed at once by a thought of the same messages, which supersedes it. */
const superseded = (e: unknown, next: unknown) =>
  isThought(e) &&
  e.data?.choice?.finish_reason === null &&
  isThought(next) &&
  Object.keys(e.data?.message_difference ?? {}).every((k) => k in (next.data?.message_difference ?? {}))

/** A task stream without its superseded thoughts: what is left whatever the cadence took on its timer. */
const settled = (events: unknown[]) => events.filter((e, j) => !superseded(e, events[j + 1]))

/**
 * The fixture, played, equals its transcripts, and every live payload validates against the spec and the SDK.
 * `boundary`: the bridge takes thoughts only at boundaries (a cadence too long to fire), so the transcript is exact.
 * `default`: the face's default cadence (100 ms); at delay 0 it takes no thought on the timer unless the machine stalls,
 * so a stream may hold extra thoughts, each ending no iteration and superseded at once by a thought of the same
 * messages (the next timer's or the boundary's); without those it is the fixture's.
 */
export async function expectOrqGolden(
  base: string,
  fixture: OrqFixture,
  cadence: 'boundary' | 'default' = 'boundary',
): Promise<void> {
  const { raw, normalised } = await playOrq(base, fixture)
  // At the default cadence, both sides without their superseded thoughts (the exact run checks those).
  const paced = (turn: OrqTurn, events: unknown[]) =>
    cadence === 'default' && kindOf(turn) === 'task-stream' ? settled(events) : events
  const got = fixture.turns.map((turn, i) => paced(turn, normalised[i] ?? []))
  const want = fixture.turns.map((turn) => paced(turn, expected(turn)))
  fixture.turns.forEach((turn, i) => expectValid(turn, raw[i] ?? [], `live turn ${i + 1}`))
  // All turns at once, so a diff shows every turn.
  expect(got).toEqual(want)
}
