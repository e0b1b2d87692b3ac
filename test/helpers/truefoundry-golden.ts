// Golden transcripts of the TrueFoundry face: fixtures in test/fixtures/truefoundry, each a list of turns, each a
// request to a TrueFoundry path under `/truefoundry` and what it must give back — an SSE transcript (`stream`: a turn
// stream of Surface B, `POST …/turns` or `…/subscribe`, or Surface A's `POST /agent/responses`) or a JSON body
// (`response`: a session, a turn record, a list of a turn's events). Ids become placeholders in order of first
// appearance (`id1`, `msg_id2`, `bridge.uuid:id3`, …; a turn id `<session>.<6 hex>` becomes `idN.g.tK`, a later
// turn's path and request name earlier ids by placeholder) and ISO times become "T".
import { readdirSync, readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { specValidator } from './contract.js'
import { IdNormaliser } from './normalise.js'
import { readAll } from './sse.js'

export interface TfyTurn {
  /** The TrueFoundry path, under the face's `/truefoundry` base (`/v1/agents/sessions/id1.g/turns`, `/agent/responses`). */
  path: string
  /** POST unless said. */
  method?: 'GET' | 'POST'
  /** The JSON body of a POST. */
  request?: Record<string, unknown>
  /** The SSE payloads of a turn stream or a responses stream. */
  stream?: unknown[]
  /** The JSON body of any other answer. */
  response?: unknown
}

export interface TfyFixture {
  description: string
  turns: TfyTurn[]
}

const dir = new URL('../fixtures/truefoundry/', import.meta.url)
export const tfyFixtures: [string, TfyFixture][] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as TfyFixture])

export type TfyKind =
  | 'turn-stream'
  | 'subscribe'
  | 'response-stream'
  | 'session'
  | 'turn'
  | 'turns'
  | 'turn-events'
  | 'session-events'

/** What a turn's answer is, from its method and path. */
export function kindOf(turn: TfyTurn): TfyKind {
  const path = turn.path.replace(/\?.*$/, '')
  const get = turn.method === 'GET'
  if (path === '/agent/responses') return 'response-stream'
  if (/\/turns\/[^/]+\/subscribe$/.test(path)) return 'subscribe'
  if (/\/turns\/[^/]+\/events$/.test(path)) return 'turn-events'
  if (/\/sessions\/[^/]+\/events$/.test(path)) return 'session-events'
  if (/\/turns\/[^/]+$/.test(path)) return 'turn'
  if (/\/turns$/.test(path)) return get ? 'turns' : 'turn-stream'
  return 'session'
}

const streamed = (kind: TfyKind) => kind === 'turn-stream' || kind === 'subscribe' || kind === 'response-stream'

/**
 * Ids and times as placeholders. A turn id is its session's id and 6 random hex digits (`<32 hex>.g.<6 hex>`): the
 * 6 digits become `t1`, `t2`, … in order of first appearance, then every 32-hex id `idN` (IdNormaliser).
 */
export class TfyNormaliser {
  readonly ids = new IdNormaliser()
  readonly #forward = new Map<string, string>()
  readonly #back = new Map<string, string>()

  normalise<T>(value: T): T {
    const text = JSON.stringify(value).replace(/([0-9a-f]{32}\.g\.)([0-9a-f]{6})(?![0-9a-f])/g, (_, head, tail) => {
      let p = this.#forward.get(tail)
      if (!p) {
        p = `t${this.#forward.size + 1}`
        this.#forward.set(tail, p)
        this.#back.set(p, tail)
      }
      return `${head}${p}`
    })
    return this.ids.normalise(JSON.parse(text) as T)
  }

  /** A fixture's path or request with the real ids seen so far. */
  restore<T>(value: T): T {
    const text = JSON.stringify(this.ids.restore(value)).replace(
      /([0-9a-f]{32}\.g\.)(t\d+)(?![0-9])/g,
      (whole, head, p) => (this.#back.has(p) ? `${head}${this.#back.get(p)}` : whole),
    )
    return JSON.parse(text) as T
  }
}

const sessions = specValidator('truefoundry-sessions')
const responses = specValidator('truefoundry-responses')

/** The spec schema one payload of each kind must validate against (per event for streams). */
const PAYLOAD_SCHEMA: Record<TfyKind, [typeof sessions, string]> = {
  'turn-stream': [sessions, 'TurnStreamingEvent'],
  subscribe: [sessions, 'TurnStreamingEvent'],
  'response-stream': [responses, 'AgentResponseStreamEvent'],
  session: [sessions, 'SessionResponse'],
  turn: [sessions, 'TurnResponse'],
  turns: [sessions, 'ListTurnsResponse'],
  'turn-events': [sessions, 'ListTurnEventsResponse'],
  'session-events': [sessions, 'ListSessionEventsResponse'],
}

/** The spec schema of a POST's body. */
const REQUEST_SCHEMA: Partial<Record<TfyKind, [typeof sessions, string]>> = {
  'turn-stream': [sessions, 'CreateTurnRequest'],
  subscribe: [sessions, 'SubscribeTurnRequest'],
  'response-stream': [responses, 'AgentResponsesRequest'],
  session: [sessions, 'CreateSessionRequest'],
}

/** Every payload of a turn (events, or the body) validates against its spec (specs/truefoundry-*.yaml). */
export function expectValid(turn: TfyTurn, values: unknown[], where: string): void {
  const kind = kindOf(turn)
  const [spec, schema] = PAYLOAD_SCHEMA[kind]
  for (const [i, value] of values.entries()) {
    const at = `${where} ${turn.path} #${i} ${(value as { type?: string }).type ?? ''}`
    expect(spec.errors(schema, value), `spec ${schema}: ${at}`).toBe('')
  }
}

/** What ends a stream: `turn.done` (Surface B), `response.done` or a pause's event (Surface A). */
function expectEnds(kind: TfyKind, values: unknown[], where: string): void {
  const last = (values.at(-1) ?? {}) as { type?: string }
  const types = values.map((v) => (v as { type?: string }).type)
  if (kind === 'response-stream') {
    expect(types[0], `${where}: response.created first`).toBe('response.created')
    expect(
      ['response.done', 'tool.approval_required', 'tool.response_required', 'mcp.auth_required'],
      `${where}: ends with ${last.type}`,
    ).toContain(last.type)
    // `sequence_id` grows from 1 (Surface A "Events").
    const seqs = values.map((v) => (v as { sequence_id?: number }).sequence_id ?? 0)
    expect(seqs[0], `${where}: sequence_id starts at 1`).toBe(1)
    seqs.forEach((s, i) => i && expect(s, `${where}: sequence_id grows`).toBeGreaterThan(seqs[i - 1] ?? 0))
  } else {
    if (kind === 'turn-stream') expect(types[0], `${where}: turn.created first`).toBe('turn.created')
    expect(last.type, `${where}: turn.done last`).toBe('turn.done')
    expect(types.filter((t) => t === 'turn.done').length, `${where}: one turn.done`).toBe(1)
    expect(types.filter((t) => t === 'turn.created').length, `${where}: turn.created once, first`).toBe(
      types[0] === 'turn.created' ? 1 : 0,
    )
  }
}

/** A fixture's own content: requests valid for the spec, every expected payload valid for the spec, streams ended. */
export function expectFixtureValid(name: string, fixture: TfyFixture): void {
  for (const turn of fixture.turns) {
    const kind = kindOf(turn)
    const requestSchema = REQUEST_SCHEMA[kind]
    if (turn.method === 'GET') expect(turn.request, `${name}: a GET has no body`).toBeUndefined()
    else if (requestSchema) {
      const [spec, schema] = requestSchema
      expect(spec.errors(schema, turn.request), `${name}: request to ${turn.path}`).toBe('')
    }
    const values = streamed(kind) ? turn.stream : [turn.response]
    expect(
      streamed(kind) ? turn.stream : turn.response,
      `${name}: ${turn.path} needs ${streamed(kind) ? 'stream' : 'response'}`,
    ).toBeDefined()
    expectValid(turn, values ?? [], `fixture ${name}`)
    if (streamed(kind)) expectEnds(kind, values ?? [], `fixture ${name} ${turn.path}`)
  }
}

/**
 * Plays a fixture's turns against a bridge (`base` = the bridge's origin): each path and request with the earlier
 * turns' ids restored. Turn streams must be framed `id: <n>` + `data:` with no `event:` line, the ids 1…N (a
 * subscribe: after_sequence_number + 1…N); the responses stream data-only frames. Returns each turn's payloads, raw
 * and normalised.
 */
export async function playTfy(
  base: string,
  fixture: TfyFixture,
): Promise<{ raw: unknown[][]; normalised: unknown[][] }> {
  const ids = new TfyNormaliser()
  const raw: unknown[][] = []
  const normalised: unknown[][] = []
  for (const turn of fixture.turns) {
    const kind = kindOf(turn)
    const method = turn.method ?? 'POST'
    const path = ids.restore(turn.path)
    const res = await fetch(`${base}/truefoundry${path}`, {
      method,
      ...(method === 'POST'
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.restore(turn.request ?? {})) }
        : {}),
    })
    const where = `${method} ${turn.path}`
    if (res.status !== 200) expect(`${res.status} ${await res.text()}`, where).toBe('200')
    let values: unknown[]
    if (streamed(kind)) {
      expect(res.headers.get('content-type'), where).toMatch(/^text\/event-stream/)
      const events = await readAll(res)
      for (const e of events) expect(e.event, `${where}: no event: line`).toBeUndefined()
      if (kind === 'response-stream') {
        for (const e of events) expect(e.id, `${where}: data-only frames`).toBeUndefined()
      } else {
        // Surface B framing: `id: <sequence number>`, contiguous per turn (digest: "SSE framing and resume").
        const after = kind === 'subscribe' ? Number(turn.request?.after_sequence_number ?? 0) : 0
        expect(
          events.map((e) => e.id),
          `${where}: SSE ids`,
        ).toEqual(events.map((_, i) => String(after + i + 1)))
      }
      values = events.map((e) => JSON.parse(e.data))
      expectEnds(kind, values, where)
    } else {
      expect(res.headers.get('content-type'), where).toMatch(/^application\/json/)
      values = [await res.json()]
    }
    raw.push(values)
    normalised.push(ids.normalise(values))
  }
  return { raw, normalised }
}

const expected = (turn: TfyTurn): unknown[] => (turn.stream ? turn.stream : [turn.response])

/** The fixture, played, equals its transcripts, and every live payload validates against the spec. */
export async function expectTfyGolden(base: string, fixture: TfyFixture): Promise<void> {
  const { raw, normalised } = await playTfy(base, fixture)
  fixture.turns.forEach((turn, i) => expectValid(turn, raw[i] ?? [], `live turn ${i + 1}`))
  // All turns at once, so a diff shows every turn.
  expect(normalised).toEqual(fixture.turns.map(expected))
}
