// Small readings of JSON values every dialect makes.

/** A JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

// `for…in` gives an object's own keys first, then those it inherits: when the last key it gave is the object's own,
// every key before it is too, so one `Object.hasOwn` answers for all of them.

/**
 * Whether an object's own enumerable keys are `keys`, in that order. It allocates nothing (`Object.keys` makes an array
 * every call): the hot paths ask it of every text delta, to know the event is the shape they write from a template.
 */
export function keysAre(o: object, keys: readonly string[]): boolean {
  let i = 0
  let last: string | undefined
  for (const key in o) {
    if (key !== keys[i]) return false
    last = key
    i += 1
  }
  return i === keys.length && (last === undefined || Object.hasOwn(o, last))
}

/** Whether every own enumerable key of an object is one of `allowed`; allocates nothing, as `keysAre`. */
export function keysWithin(o: object, allowed: ReadonlySet<string>): boolean {
  let last: string | undefined
  for (const key in o) {
    if (!allowed.has(key)) return false
    last = key
  }
  return last === undefined || Object.hasOwn(o, last)
}

/** A tool's output as a value: parsed when it is JSON text, else as it is (text stays text). */
export function jsonOrText(output: unknown): unknown {
  if (typeof output !== 'string') return output
  try {
    return JSON.parse(output)
  } catch {
    return output
  }
}

/**
 * A deep copy of plain data (objects, arrays, primitives), as `structuredClone` makes it but several times faster:
 * Node's structuredClone goes through its serializer, which costs more than a run's setup otherwise does. Strings are
 * shared (they cannot change). Anything that is not plain data (a Date, a Map, a typed array, a class instance) is
 * left to `structuredClone`. Data with cycles is not plain data: callers copy JSON-shaped values only.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    const out = new Array(value.length)
    for (let i = 0; i < value.length; i++) out[i] = cloneData(value[i])
    return out as T
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return structuredClone(value)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const copy = cloneData((value as Record<string, unknown>)[key])
    // An own `__proto__` key stays a key, as structuredClone keeps it, rather than setting the copy's prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true })
    else out[key] = copy
  }
  return out as T
}
