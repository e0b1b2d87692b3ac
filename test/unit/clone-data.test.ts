// cloneData: the copy every store and encoder snapshot makes, instead of Node's much slower structuredClone. It must
// give what structuredClone gives for the JSON-shaped values the bridge copies, and share nothing that can change.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cloneData } from '../../src/core/index.js'

describe('cloneData', () => {
  it('equals structuredClone for any JSON value, and shares no object or array with it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = cloneData(value)
        expect(copy).toStrictEqual(structuredClone(value))
        const shared = (a: unknown, b: unknown): boolean => {
          if (typeof a !== 'object' || a === null) return false
          if (a === b) return true
          return Object.keys(a).some((k) => shared((a as never)[k], (b as never)[k]))
        }
        expect(shared(value, copy)).toBe(false)
      }),
    )
  })

  it('a change to the copy leaves the original as it was, and the other way round', () => {
    const original = { list: [1, { deep: 'x' }], nested: { a: null, b: undefined } }
    const copy = cloneData(original)
    ;(copy.list[1] as { deep: string }).deep = 'changed'
    copy.list.push(3)
    copy.nested.a = 'set' as never
    expect(original).toStrictEqual({ list: [1, { deep: 'x' }], nested: { a: null, b: undefined } })
    original.list.length = 0
    expect(copy.list).toHaveLength(3)
  })

  it('keeps an own __proto__ key a key, as structuredClone does (and does not set the prototype)', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')
    const copy = cloneData(value)
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(copy)).toEqual(['__proto__', 'a'])
    expect(copy).toStrictEqual(structuredClone(value))
  })

  it('leaves what is not plain data to structuredClone (a Date stays a Date, a copy of it)', () => {
    const when = new Date(0)
    const bytes = new Uint8Array([1, 2])
    const copy = cloneData({ when, bytes, map: new Map([['k', 1]]) })
    expect(copy.when).toBeInstanceOf(Date)
    expect(copy.when).not.toBe(when)
    expect(copy.when.getTime()).toBe(0)
    expect(copy.bytes).toEqual(bytes)
    expect(copy.bytes).not.toBe(bytes)
    expect(copy.map.get('k')).toBe(1)
  })
})
