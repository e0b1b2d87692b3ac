// A schema built the first time something reads it. The dialects' wire modules declare some 3,300 zod objects;
// built at import they were a third of the command's start-up (about 60 ms, and the collections they caused), though
// a bridge serving one dialect reads a handful of them. zod's own `z.lazy` would do it too, but its type hides the
// schema's (`.shape`, `.extend`, `.options`), which the dialects read; this stand-in has the schema's type and
// behaviour.
import type { z } from 'zod'

/** What a stand-in holds: how to build its schema, then the schema. */
interface Pending {
  build: () => z.core.$ZodType
  schema?: z.core.$ZodType
}

const real = (pending: Pending): z.core.$ZodType => {
  pending.schema ??= pending.build()
  return pending.schema
}

/** One handler for every stand-in (a few hundred are made at import): each trap asks the schema itself. */
const standIn: ProxyHandler<Pending> = {
  get: (pending, key) => Reflect.get(real(pending), key),
  set: (pending, key, value) => Reflect.set(real(pending), key, value),
  has: (pending, key) => Reflect.has(real(pending), key),
  ownKeys: (pending) => Reflect.ownKeys(real(pending)),
  // Reported configurable: a proxy may not claim a fixed property its target lacks.
  getOwnPropertyDescriptor: (pending, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(real(pending), key)
    return descriptor && { ...descriptor, configurable: true }
  },
  defineProperty: (pending, key, descriptor) => Reflect.defineProperty(real(pending), key, descriptor),
  deleteProperty: (pending, key) => Reflect.deleteProperty(real(pending), key),
  getPrototypeOf: (pending) => Reflect.getPrototypeOf(real(pending)),
}

/**
 * `build()`'s schema, built once, when first read. Until then a stand-in answers for it: every property read, call,
 * `instanceof` and `in` goes to the schema (built then), so it can be parsed, extended, put in another schema or
 * handed to zod as it is.
 */
export const lazySchema = <T extends z.core.$ZodType>(build: () => T): T =>
  new Proxy<Pending>({ build }, standIn) as unknown as T
