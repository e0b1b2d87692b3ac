import { readdirSync, readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { specValidator } from './contract.js'
import { IdNormaliser } from './normalise.js'
import { postJson, readAll } from './sse.js'

export interface AcpFixture {
  description: string
  turns: { request?: unknown; resume?: unknown; stream: unknown[]; wait: { run: string; output: unknown } }[]
}

const dir = new URL('../fixtures/acp/', import.meta.url)
export const acpFixtures: [string, AcpFixture][] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as AcpFixture])

export type Variant = 'stream' | 'wait'
const NO_THREAD = '00000000-0000-8000-8000-000000000000'

const json = async (res: Response) => {
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

/**
 * Plays a fixture on a bridge: each turn streamed (POST …/stream, or after a resume a join with Last-Event-ID)
 * or waited for (POST …/wait, or GET …/wait after a resume), stateless or on a thread. Ids are normalised with
 * the run as id1, the agent as id2 and the thread as id3, so fixtures read the same in every variant.
 */
export async function playAcp(base: string, fixture: AcpFixture, variant: Variant, thread: boolean) {
  const ids = new IdNormaliser()
  const agentId =
    (
      (await json(await postJson(`${base}/acp/agents/search`, { name: 'demo' }))) as unknown as { agent_id: string }[]
    )[0]?.agent_id ?? ''
  const threadId = thread ? String((await json(await postJson(`${base}/acp/threads`, {}))).thread_id) : undefined
  const runs = threadId ? `${base}/acp/threads/${threadId}/runs` : `${base}/acp/runs`
  let runId = ''
  let lastEventId = ''
  const raw: unknown[] = []
  const normalised: unknown[] = []
  const learn = (id: string) => {
    if (runId) return
    runId = id
    ids.normalise([runId, agentId, threadId ?? NO_THREAD])
  }
  for (const turn of fixture.turns) {
    if (turn.resume !== undefined) {
      const resumed = await json(await postJson(`${runs}/${runId}`, turn.resume))
      expect(resumed.status).toBe('pending')
    }
    if (variant === 'stream') {
      const res =
        turn.request !== undefined
          ? await postJson(`${runs}/stream`, turn.request)
          : await fetch(`${runs}/${runId}/stream`, { headers: { 'last-event-id': lastEventId } })
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const events = (await readAll(res)).map((e) => ({
        id: e.id,
        event: e.event,
        data: JSON.parse(e.data) as { run_id?: string },
      }))
      if (events[0]?.data.run_id) learn(events[0].data.run_id)
      lastEventId = events.at(-1)?.id ?? lastEventId
      raw.push(events)
      normalised.push(ids.normalise(events))
    } else {
      const body =
        turn.request !== undefined
          ? await json(await postJson(`${runs}/wait`, turn.request))
          : await json(await fetch(`${runs}/${runId}/wait`))
      learn(String((body.run as { run_id: string }).run_id))
      raw.push(body)
      normalised.push(ids.normalise(body))
    }
  }
  return { raw, normalised }
}

/** What /wait gives for a turn: the run (status from the fixture, creation = the first request) and the output. */
export function expectedWait(fixture: AcpFixture, i: number, thread: boolean) {
  const turn = fixture.turns[i]
  return {
    run: {
      run_id: 'uuid:id1',
      ...(thread ? { thread_id: 'uuid:id3' } : {}),
      agent_id: 'uuid:id2',
      created_at: 'T',
      updated_at: 'T',
      status: turn?.wait.run,
      creation: fixture.turns[0]?.request,
    },
    output: turn?.wait.output,
  }
}

type Frame = { id: string; event: string; data: { type?: string } }

/**
 * A stream at a `values` cadence against the per-change transcript: the same frames but fewer snapshots. Every frame
 * is one of the transcript's, in its order (a snapshot at a message's end shows what the transcript's snapshot after
 * its last delta did); the interrupts and errors are all there with their ids, the last frame is the transcript's,
 * and the SSE ids keep the run's order.
 */
function expectPaced(actual: Frame[], transcript: Frame[], turn: number) {
  // Key order is no part of the data.
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v
  const key = (f: Frame) => JSON.stringify(sorted(f.data))
  let at = 0
  for (const frame of actual) {
    while (at < transcript.length && key(transcript[at] as Frame) !== key(frame)) at += 1
    expect(at, `turn ${turn}: ${key(frame)} is not in the transcript after the frames before it`).toBeLessThan(
      transcript.length,
    )
    at += 1
  }
  const news = (frames: Frame[]) => frames.filter((f) => f.data.type !== 'values')
  expect(news(actual)).toEqual(news(transcript))
  expect(actual.at(-1)?.data).toEqual(transcript.at(-1)?.data)
  const seqs = actual.map((f) => Number(f.id.split('.')[0]))
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
}

/**
 * The fixture, streamed or waited for, stateless or on a thread, equals its transcripts and validates against the spec.
 * The transcripts are per change (`faces.acp.valuesIntervalMs: 0`); a bridge at a `values` cadence (`paced`, the
 * default) streams a subsequence of them (see `expectPaced`).
 */
export async function expectAcpGolden(
  base: string,
  fixture: AcpFixture,
  variant: Variant,
  thread: boolean,
  cadence: 'per-change' | 'paced' = 'paced',
): Promise<void> {
  const spec = specValidator('acp')
  const { raw, normalised } = await playAcp(base, fixture, variant, thread)
  if (variant === 'stream' && cadence === 'paced') {
    fixture.turns.forEach((t, i) => expectPaced(normalised[i] as Frame[], t.stream as Frame[], i))
    for (const events of raw as { data: unknown }[][])
      for (const e of events) expect(spec.errors('RunOutputStreamData', e.data)).toBe('')
  } else if (variant === 'stream') {
    expect(normalised).toEqual(fixture.turns.map((t) => t.stream))
    for (const events of raw as { data: unknown }[][])
      for (const e of events) expect(spec.errors('RunOutputStreamData', e.data)).toBe('')
  } else {
    expect(normalised).toEqual(fixture.turns.map((_, i) => expectedWait(fixture, i, thread)))
    const schema = thread ? 'RunWaitResponseStateful' : 'RunWaitResponseStateless'
    for (const body of raw) expect(spec.errors(schema, body)).toBe('')
  }
}
