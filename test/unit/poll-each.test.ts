// pollEach: the run's producer reads its backend with it. It must do what `for await … if (step(v)) break` does (every
// value in order, a stop or a throw in the step returning the source, a failing source not returned, a step's promise
// waited for), over a source that can be polled and over one that cannot, and take no promise per value when polling.
import { createHook } from 'node:async_hooks'
import { describe, expect, it } from 'vitest'
import { type Pollable, pollEach } from '../../src/stream/poll.js'
import { flush, handFed, within } from '../helpers/poll.js'

/** The same values from a source that cannot be polled (an async generator), its return counted. */
function generated(values: number[], fail?: Error) {
  let returned = 0
  async function* gen() {
    try {
      for (const v of values) yield v
      if (fail) throw fail
    } finally {
      returned += 1
    }
  }
  return { source: gen(), returned: () => returned }
}

/** A pollable source that already holds `values`, then ends (or fails). */
function fed(values: number[], fail?: Error) {
  const f = handFed<number>()
  for (const v of values) f.feed(v)
  if (fail) f.fail(fail)
  else f.end()
  return f
}

const kinds = {
  polled: (values: number[], fail?: Error) => {
    const f = fed(values, fail)
    return { source: { [Symbol.asyncIterator]: () => f.source }, returned: f.returned, stepsAfterFail: true }
  },
  generated: (values: number[], fail?: Error) => ({ ...generated(values, fail), stepsAfterFail: false }),
}

describe('pollEach', () => {
  for (const [kind, make] of Object.entries(kinds)) {
    describe(`over a source that is ${kind}`, () => {
      it('steps through every value in order, then resolves; an ended source is not returned', async () => {
        const { source, returned } = make([1, 2, 3])
        const seen: number[] = []
        await pollEach(source, (v) => {
          seen.push(v)
          return false
        })
        expect(seen).toEqual([1, 2, 3])
        expect(returned()).toBe(kind === 'generated' ? 1 : 0) // a generator's own finally runs as it ends
      })

      it('a step that says stop ends the loop and returns the source', async () => {
        const { source, returned } = make([1, 2, 3])
        const seen: number[] = []
        await pollEach(source, (v) => {
          seen.push(v)
          return v === 2
        })
        expect(seen).toEqual([1, 2])
        expect(returned()).toBe(1)
      })

      it("a step's promise is waited for before the next value; its true stops", async () => {
        const { source } = make([1, 2, 3])
        const seen: string[] = []
        await pollEach(source, async (v) => {
          seen.push(`start ${v}`)
          await flush()
          seen.push(`end ${v}`)
          return v === 2
        })
        expect(seen).toEqual(['start 1', 'end 1', 'start 2', 'end 2'])
      })

      it('a throw in the step returns the source and rejects with it', async () => {
        const { source, returned } = make([1, 2, 3])
        const boom = new Error('step broke')
        await expect(
          pollEach(source, (v) => {
            if (v === 2) throw boom
            return false
          }),
        ).rejects.toBe(boom)
        expect(returned()).toBe(1)
      })

      it('a failing source rejects with its failure, after the values before it', async () => {
        const boom = new Error('source broke')
        const { source } = make([1], boom)
        const seen: number[] = []
        await expect(
          pollEach(source, (v) => {
            seen.push(v)
            return false
          }),
        ).rejects.toBe(boom)
        expect(seen).toEqual([1])
      })
    })
  }

  it('waits on a pollable source with a callback, no promise per value', async () => {
    const f = handFed<number>()
    const source: AsyncIterable<number> = { [Symbol.asyncIterator]: () => f.source as Pollable<number> }
    let stepped = 0
    const done = pollEach(source, () => {
      stepped += 1
      return false
    })
    await flush()
    let promises = 0
    const hook = createHook({
      init(_id, type) {
        if (type === 'PROMISE') promises += 1
      },
    }).enable()
    for (let i = 0; i < 100; i++) {
      f.feed(i)
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    hook.disable()
    // The test's own awaits make a few promises per value; the loop must add none of its own.
    const perValue = promises / 100
    f.end()
    await within(done, 'the loop to end')
    expect(stepped).toBe(100)
    expect(perValue).toBeLessThanOrEqual(3)
  })
})
