// ProtoJSON field names. A2A v1 is defined in protobuf, and ProtoJSON readers accept a field under its lowerCamel
// JSON name or its original proto name (`taskId` or `task_id`). Conformance kits and Python clients send the latter.

/** Fields whose values are free-form JSON (google.protobuf.Struct / Value): their keys are the sender's, kept as sent. */
const FREE_FORM = new Set(['metadata', 'data', 'params', 'header'])

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/**
 * Request params with proto field names renamed to their lowerCamel JSON names, at every level but inside free-form
 * values. A field given under both names keeps its lowerCamel value.
 */
export function jsonNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonNames)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    const name = key.includes('_') ? camel(key) : key
    if (name !== key && Object.hasOwn(value, name)) continue
    // defineProperty: whatever the key, a field of its own, never the object's prototype.
    Object.defineProperty(out, name, {
      value: FREE_FORM.has(name) ? field : jsonNames(field),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}
