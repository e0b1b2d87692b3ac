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

/** Absent, or null: the same to a reader. */
const orNull = (schema: z.ZodType) => schema.nullish().transform((v) => (v === null ? undefined : v))

function build(schema: z.ZodType, optional = false): z.ZodType {
  if (schema instanceof z.ZodDefault) {
    const inner = build(schema.unwrap() as z.ZodType, true).default(schema.def.defaultValue as never)
    return z.preprocess((v) => (v === null ? undefined : v), inner)
  }
  if (schema instanceof z.ZodOptional) return orNull(build(schema.unwrap() as z.ZodType, true))
  if (schema instanceof z.ZodRecord) {
    // A record of typed values (Orq's `message_difference`) reads its values tolerantly too.
    const record = z.record(schema.keyType as z.ZodType<string>, build(schema.valueType as z.ZodType))
    return optional ? record : record.nullish().transform((v) => v ?? {})
  }
  if (schema instanceof z.ZodNullable) {
    const nullable = z.nullable(build(schema.unwrap() as z.ZodType))
    // A field that may be null may also be left out: absent reads as null (TrueFoundry's turn-level `thread_id`).
    return optional ? nullable : z.preprocess((v) => (v === undefined ? null : v), nullable)
  }
  if (schema instanceof z.ZodArray) return z.array(build(schema.element as z.ZodType))
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {}
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) shape[key] = build(field)
    return z.looseObject(shape)
  }
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const options = (schema.options as z.ZodType[]).map((option) => build(option)) as [z.ZodObject, ...z.ZodObject[]]
    return z.discriminatedUnion(schema.def.discriminator, options)
  }
  if (schema instanceof z.ZodUnion) {
    return z.union(
      (schema.options as z.ZodType[]).map((option) => build(option)) as [z.ZodType, z.ZodType, ...z.ZodType[]],
    )
  }
  return schema
}
