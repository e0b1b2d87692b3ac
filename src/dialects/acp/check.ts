// A small JSON Schema check for resume payloads: type, required, properties, items, enum, anyOf/oneOf — what
// descriptors use.
// (A full validator compiles code at run time, which Workers forbid.)

type Schema = Record<string, unknown>

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v

const fits = (type: string, v: unknown) => type === typeOf(v) || (type === 'number' && typeOf(v) === 'integer')

/** The first way `value` breaks `schema`, as text; undefined when it fits. */
export function checkSchema(schema: Schema, value: unknown, at = 'payload'): string | undefined {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key]
    if (!Array.isArray(branches)) continue
    const problems = branches.map((b) => checkSchema(b as Schema, value, at))
    if (problems.every((p) => p !== undefined)) return problems.join('; or ')
  }
  const type = schema.type
  const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : undefined
  if (types && !types.some((t) => fits(t, value))) return `${at} must be ${types.join(' or ')}, not ${typeOf(value)}`
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return `${at} must be one of ${JSON.stringify(schema.enum)}`
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in obj)) return `${at}.${key} is required`
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {}
    for (const [key, sub] of Object.entries(props)) {
      if (key in obj && sub && typeof sub === 'object') {
        const problem = checkSchema(sub, obj[key], `${at}.${key}`)
        if (problem) return problem
      }
    }
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
    for (const [i, item] of value.entries()) {
      const problem = checkSchema(schema.items as Schema, item, `${at}[${i}]`)
      if (problem) return problem
    }
  }
  return undefined
}
