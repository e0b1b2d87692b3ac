// The worker in workerd gives the same golden transcripts as the Node bridge, on every face.
import { afterAll, beforeAll, describe, it } from 'vitest'
import { a2aFixtures, BINDINGS, expectA2AGolden } from '../helpers/a2a.js'
import { acpFixtures, expectAcpGolden } from '../helpers/acp.js'
import { expectResponsesGolden, fixtures } from '../helpers/golden.js'
import { expectOrqGolden, orqFixtures } from '../helpers/orq-golden.js'
import { expectTfyGolden, tfyFixtures } from '../helpers/truefoundry-golden.js'
import type { RunningWorker } from '../helpers/worker.js'
import { FAST_DEMO, startWorker } from '../helpers/worker.js'

let worker: RunningWorker
beforeAll(async () => {
  worker = await startWorker({ BRIDGE_CONFIG: FAST_DEMO })
}, 60_000)
afterAll(() => worker?.close())

describe('worker: Responses golden transcripts', () => {
  it.each(fixtures)('%s', (_name, fixture) => expectResponsesGolden(worker.url, fixture))
})

describe('worker: A2A golden transcripts', () => {
  const cases = BINDINGS.flatMap((binding) => a2aFixtures.map(([name, fixture]) => [binding, name, fixture] as const))
  it.each(cases)('%s: %s', (binding, _name, fixture) => expectA2AGolden(`${worker.url}/a2a/demo`, fixture, binding))
})

describe('worker: ACP golden transcripts', () => {
  const cases = (['stateless', 'thread'] as const).flatMap((kind) =>
    acpFixtures.map(([name, fixture]) => [kind, name, fixture] as const),
  )
  it.each(cases)('%s, streamed: %s', (kind, _name, fixture) =>
    expectAcpGolden(worker.url, fixture, 'stream', kind === 'thread'),
  )
  it.each(cases)('%s, waited for: %s', (kind, _name, fixture) =>
    expectAcpGolden(worker.url, fixture, 'wait', kind === 'thread'),
  )
})

describe('worker: Orq golden transcripts', () => {
  // At the face's default thought cadence, as a deployment runs it (see test/orq/golden.test.ts).
  it.each(orqFixtures)('%s', (_name, fixture) => expectOrqGolden(worker.url, fixture, 'default'))
})

describe('worker: TrueFoundry golden transcripts', () => {
  it.each(tfyFixtures)('%s', (_name, fixture) => expectTfyGolden(worker.url, fixture))
})
