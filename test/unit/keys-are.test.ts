// keysAre / keysWithin: the checks that let hot paths write an event from a template. A key the object only inherits
// must not pass for its own: a template would then write what JSON.stringify leaves out.
import { describe, expect, it } from 'vitest'
import { keysAre, keysWithin } from '../../src/core/json.js'

const inheriting = (inherited: Record<string, unknown>, own: Record<string, unknown>) =>
  Object.assign(Object.create(inherited) as object, own)

describe('keysAre', () => {
  it('is true for exactly these own keys in this order', () => {
    expect(keysAre({ a: 1, b: 2, c: 3 }, ['a', 'b', 'c'])).toBe(true)
    expect(keysAre({}, [])).toBe(true)
  })

  it('is false for another order, a missing key or one more', () => {
    expect(keysAre({ b: 2, a: 1, c: 3 }, ['a', 'b', 'c'])).toBe(false)
    expect(keysAre({ a: 1, b: 2 }, ['a', 'b', 'c'])).toBe(false)
    expect(keysAre({ a: 1, b: 2, c: 3, d: 4 }, ['a', 'b', 'c'])).toBe(false)
    expect(keysAre({ a: 1 }, [])).toBe(false)
  })

  it('is false when the last keys are only inherited, one or several', () => {
    expect(keysAre(inheriting({ c: 3 }, { a: 1, b: 2 }), ['a', 'b', 'c'])).toBe(false)
    expect(keysAre(inheriting({ b: 2, c: 3 }, { a: 1 }), ['a', 'b', 'c'])).toBe(false)
    expect(keysAre(inheriting({ a: 1 }, {}), ['a'])).toBe(false)
  })
})

describe('keysWithin', () => {
  const allowed = new Set(['a', 'b', 'c'])
  it('is true when every own key is allowed, in any order, or there is none', () => {
    expect(keysWithin({ c: 3, a: 1 }, allowed)).toBe(true)
    expect(keysWithin({}, allowed)).toBe(true)
  })

  it('is false for a key not allowed, own or inherited', () => {
    expect(keysWithin({ a: 1, d: 4 }, allowed)).toBe(false)
    expect(keysWithin(inheriting({ d: 4 }, { a: 1 }), allowed)).toBe(false)
  })

  it('is false when an allowed key is only inherited', () => {
    expect(keysWithin(inheriting({ b: 2 }, { a: 1 }), allowed)).toBe(false)
    expect(keysWithin(inheriting({ b: 2, c: 3 }, {}), allowed)).toBe(false)
  })
})
