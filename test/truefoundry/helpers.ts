// Shared bits of the TrueFoundry face tests: the demo agent's exact texts, spec checks, error checks.
import { expect } from 'vitest'
import { specValidator } from '../helpers/contract.js'
import type { ResponseEvent, TurnEvent } from './strict-client.js'
import { HttpError } from './strict-client.js'

/** What the demo agent says (src/demo/script.ts). */
export const SAYS = {
  hello: 'Hello! I am the demo agent.',
  echo: (text: string) => `You said: ${text}`,
  weather: (result: string) => `Weather in Paris: ${result}`,
  deployed: 'Deployed to production.',
  deployFinished: 'Deployment finished.',
  deployCancelled: 'Deployment cancelled.',
  failing: 'Working on it.',
  failure: 'The demo agent failed on purpose.',
  report: 'Here is your report.',
  reportFile: '# Report\nAll systems nominal.\n',
  finding: 'Found 3 facts about cats.',
  researched: 'The researcher found 3 facts about cats.',
  reasoning: 'Let me think this through.',
  answer: 'The answer is 42.',
  tripQuestion: 'Where would you like to go?',
  booked: (where: string) => `Booking a trip to ${where}.`,
  nice: 'Nice to meet you, Ada.',
  name: 'Your name is Ada.',
  count: (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(' '),
}

export const sessionsSpec = specValidator('truefoundry-sessions')
export const responsesSpec = specValidator('truefoundry-responses')

/** Throws (failing the strict read) when a turn event is not a `TurnStreamingEvent` of the spec. */
export function checkTurnEvent(event: TurnEvent, seq: number) {
  const errors = sessionsSpec.errors('TurnStreamingEvent', event)
  if (errors)
    throw new Error(`event ${seq} (${event.type}) is not a TurnStreamingEvent: ${errors}\n${JSON.stringify(event)}`)
}

/** Throws when a response event is not an `AgentResponseStreamEvent` of the spec. */
export function checkResponseEvent(event: ResponseEvent) {
  const errors = responsesSpec.errors('AgentResponseStreamEvent', event)
  if (errors) {
    throw new Error(
      `${event.type} ${event.sequence_id} is not an AgentResponseStreamEvent: ${errors}\n${JSON.stringify(event)}`,
    )
  }
}

/** A value valid against a schema of the sessions spec. */
export function expectSessionsSchema(schema: string, value: unknown) {
  expect(sessionsSpec.errors(schema, value), `${schema}: ${JSON.stringify(value)}`).toBe('')
}

/** A TrueFoundry error: this status and `{"error": {message, type, code}}`. */
export async function expectError(call: Promise<unknown> | Response, status: number, message?: RegExp) {
  let error: HttpError
  if (!(call instanceof Promise)) {
    const text = await call.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {}
    error = new HttpError(call.status, body, call.headers.get('content-type'))
  } else {
    const caught = await call.then(
      (value) => new Error(`expected HTTP ${status}, got success: ${JSON.stringify(value)}`),
      (e: unknown) => e,
    )
    if (!(caught instanceof HttpError)) throw caught
    error = caught
  }
  expect(error.status, JSON.stringify(error.body)).toBe(status)
  expect(error.contentType).toMatch(/^application\/json/)
  const body = error.body as { error?: { message?: unknown; type?: unknown; code?: unknown } }
  expect(typeof body.error?.message, JSON.stringify(body)).toBe('string')
  expect(typeof body.error?.type, JSON.stringify(body)).toBe('string')
  expect(typeof body.error?.code, JSON.stringify(body)).toBe('string')
  expect(sessionsSpec.errors('RequestErrorResponse', body)).toBe('')
  if (message) expect(body.error?.message).toMatch(message)
  return body.error as { message: string; type: string; code: string; param?: string }
}

/** Waits until a condition holds (polling), failing after a while. */
export async function until(condition: () => boolean, what = 'the condition', ms = 5000) {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
