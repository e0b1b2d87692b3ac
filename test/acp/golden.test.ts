import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { acpFixtures, expectedWait, playAcp } from '../helpers/acp.js'
import { startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'

const spec = specValidator('acp')
const cases = (['stateless', 'thread'] as const).flatMap((kind) => acpFixtures.map(([name, fixture]) => [kind, name, fixture] as const))

describe('ACP golden transcripts of the demo scenarios', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge()
  })
  afterAll(() => bridge.close())

  it.each(cases)('%s, streamed: %s', async (kind, _name, fixture) => {
    const { raw, normalised } = await playAcp(bridge.url, fixture, 'stream', kind === 'thread')
    expect(normalised).toEqual(fixture.turns.map((t) => t.stream))
    for (const events of raw as { data: unknown }[][]) for (const e of events) expect(spec.errors('RunOutputStreamData', e.data)).toBe('')
  })

  it.each(cases)('%s, waited for: %s', async (kind, _name, fixture) => {
    const { raw, normalised } = await playAcp(bridge.url, fixture, 'wait', kind === 'thread')
    expect(normalised).toEqual(fixture.turns.map((_, i) => expectedWait(fixture, i, kind === 'thread')))
    const schema = kind === 'thread' ? 'RunWaitResponseStateful' : 'RunWaitResponseStateless'
    for (const body of raw) expect(spec.errors(schema, body)).toBe('')
  })
})
