// The reading form of a wire schema: what a real server sends is read, not refused. Servers leave optional fields
// out or send them as explicit `null` (pydantic does, for every unset field), and add fields of their own; the
// bridge's own schemas (exact to the spec, for what it emits) would refuse all three.
import { z } from 'zod'

const cache = new WeakMap<z.ZodType, z.ZodType>()

/**
 * The same schema, tolerant in what it reads: every optional field may also be `null` (read as absent), objects keep
 * fields they do not name, and a required free-form object (a schema document, `config`) that is null or missing
 * reads as `{}`; a field with a default reads `null` as absent, so it gets the default. Other required fields stay
 * required, and the content of free-form values (records, `unknown`) is left as it is, nulls inside it included.
 * Objects and arrays are built anew, so a check attached to one (`.refine`) is not kept: reading is not the place
 * for the limits the bridge holds its own output to.
 */
export function tolerant<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>> {
  const known = cache.get(schema)
  if (known) return known as z.ZodType<z.output<T>>
  const made = build(schema)
  cache.set(schema, made)
  return made as z.ZodType<z.output<T>>
}

/**
 * Whether a value reads as itself under a tolerant schema once its optional fields that are `null` are made absent
 * (set to `undefined`, in place: the caller owns the value, just parsed from the wire): reading it would give back an
 * equal value (no default to fill in, no field that fails). Most of what a server sends does, pydantic's and OpenAI's
 * explicit nulls included, and then it needs no parse: a zod parse of a tolerant schema costs several microseconds an
 * object when it runs cold, as between the events of a stream it does. `false` says only "parse it" (the parse finds
 * what is wrong, if anything; the nulls already made absent read the same to it).
 */
export function readsAsIs<T>(reading: z.ZodType<T>, value: unknown): value is T {
  return asIs.get(reading)?.(value) ?? false
}

/** A check that a value reads as itself; none for what a tolerant schema may change or that is not checked here. */
type AsIs = (value: unknown) => boolean
const asIs = new WeakMap<z.ZodType, AsIs>()
/** Optional fields as `build` makes them: `null` reads as absent, so an object's check may make it absent in place. */
const nullIsAbsent = new WeakSet<z.ZodType>()

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The check of a schema `build` made, or of a schema it keeps as it is. */
function checkOf(schema: z.ZodType): AsIs | undefined {
  return asIs.get(schema) ?? leaf(schema)
}

/** Schemas `build` keeps as they are: the plain types, with no check beyond "an integer". */
function leaf(schema: z.ZodType): AsIs | undefined {
  const def = schema._zod.def as { type: string; checks?: { _zod: { def: { check: string; format?: string } } }[] }
  const checks = def.checks ?? []
  const integer = checks.length === 1 && checks[0]?._zod.def.format === 'safeint'
  if (checks.length && !(def.type === 'number' && integer)) return undefined
  switch (def.type) {
    case 'string':
      return (v) => typeof v === 'string'
    case 'number':
      return integer ? (v) => Number.isSafeInteger(v) : (v) => typeof v === 'number' && Number.isFinite(v)
    case 'boolean':
      return (v) => typeof v === 'boolean'
    case 'unknown':
    case 'any':
      return () => true
    case 'literal': {
      const values = new Set((schema as z.ZodLiteral).values)
      return (v) => values.has(v as never)
    }
    case 'enum': {
      const values = new Set<unknown>((schema as z.ZodEnum).options)
      return (v) => values.has(v)
    }
    default:
      return undefined
  }
}

/** `made` (what `build` returns) with its check, when its parts all have one. */
function withCheck(made: z.ZodType, check: AsIs | undefined): z.ZodType {
  if (check) asIs.set(made, check)
  return made
}

/** Absent, or null: the same to a reader. */
const orNull = (schema: z.ZodType) => schema.nullish().transform((v) => (v === null ? undefined : v))

function build(schema: z.ZodType, optional = false): z.ZodType {
  if (schema instanceof z.ZodDefault) {
    const built = build(schema.unwrap() as z.ZodType, true)
    const inner = built.default(schema.def.defaultValue as never)
    // Absent or null gets the default: only a value that is there reads as itself.
    const check = checkOf(built)
    return withCheck(
      z.preprocess((v) => (v === null ? undefined : v), inner),
      check && ((v) => v !== undefined && v !== null && check(v)),
    )
  }
  if (schema instanceof z.ZodOptional) {
    const built = build(schema.unwrap() as z.ZodType, true)
    const check = checkOf(built)
    const made = withCheck(orNull(built), check && ((v) => v === undefined || (v !== null && check(v))))
    nullIsAbsent.add(made)
    return made
  }
  if (schema instanceof z.ZodRecord) {
    // A record of typed values (Orq's `message_difference`) reads its values tolerantly too.
    const values = build(schema.valueType as z.ZodType)
    const record = z.record(schema.keyType as z.ZodType<string>, values)
    const key = checkOf(schema.keyType as z.ZodType)
    const value = checkOf(values)
    const check =
      key && value
        ? (v: unknown) => isRecord(v) && Object.entries(v).every(([k, item]) => key(k) && value(item))
        : undefined
    // Not optional, null or absent reads as {}.
    return optional
      ? withCheck(record, check)
      : withCheck(
          record.nullish().transform((v) => v ?? {}),
          check,
        )
  }
  if (schema instanceof z.ZodNullable) {
    const nullable = z.nullable(build(schema.unwrap() as z.ZodType))
    const inner = checkOf(nullable.unwrap() as z.ZodType)
    const check = inner && ((v: unknown) => v === null || inner(v))
    // A field that may be null may also be left out: absent reads as null (TrueFoundry's turn-level `thread_id`).
    return optional
      ? withCheck(nullable, check && ((v) => v === undefined || check(v)))
      : withCheck(
          z.preprocess((v) => (v === undefined ? null : v), nullable),
          check,
        )
  }
  if (schema instanceof z.ZodArray) {
    const element = build(schema.element as z.ZodType)
    const check = checkOf(element)
    return withCheck(z.array(element), check && ((v) => Array.isArray(v) && v.every(check)))
  }
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {}
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) shape[key] = build(field)
    const fields = Object.entries(shape).map(([key, field]) => [key, checkOf(field), nullIsAbsent.has(field)] as const)
    const check = fields.every(([, c]) => c)
      ? (v: unknown) => {
          if (!isRecord(v)) return false
          for (const [key, c, absentIfNull] of fields) {
            const item = v[key]
            // What reading would give: the field absent.
            if (item === null && absentIfNull) v[key] = undefined
            else if (!(c as AsIs)(item)) return false
          }
          return true
        }
      : undefined
    return withCheck(z.looseObject(shape), check)
  }
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const options = (schema.options as z.ZodType[]).map((option) => build(option)) as [z.ZodObject, ...z.ZodObject[]]
    const discriminator = schema.def.discriminator
    // Each value of the discriminator picks its option's check.
    const byValue = new Map<unknown, AsIs | undefined>()
    for (const option of options) {
      const check = checkOf(option)
      for (const value of option._zod.propValues?.[discriminator] ?? []) byValue.set(value, check)
    }
    return withCheck(z.discriminatedUnion(discriminator, options), (v) => {
      if (!isRecord(v)) return false
      return byValue.get(v[discriminator])?.(v) ?? false
    })
  }
  if (schema instanceof z.ZodUnion) {
    // The first option that reads a value gives the result; which one would is zod's to say.
    return z.union(
      (schema.options as z.ZodType[]).map((option) => build(option)) as [z.ZodType, z.ZodType, ...z.ZodType[]],
    )
  }
  return schema
}
