// ACP ids are UUIDs. The bridge's run and conversation ids are a prefix and 32 hex digits, so they map to UUIDs and
// back without a table; agent ids are names, so each gets a stable UUID derived from it.

const HEX32 = /^[0-9a-f]{32}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const dashed = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`

/** `run_<hex>` / `ctx_<hex>` → UUID; other ids (from clients that chose their own) pass unchanged. */
export function toUuid(id: string): string {
  const hex = id.replace(/^[a-z]+_/, '')
  return HEX32.test(hex) ? dashed(hex) : id
}

/** A UUID back to the bridge's id with `prefix`; anything else is taken as the id itself. */
export const fromUuid = (prefix: 'run' | 'ctx', value: string): string =>
  UUID.test(value) ? `${prefix}_${value.replaceAll('-', '').toLowerCase()}` : value

export const isUuid = (value: string): boolean => UUID.test(value)

/** A stable UUID (version 8, name-based) for an agent name: 128 bits of two FNV-1a hashes. */
export function agentUuid(name: string): string {
  const fnv = (seed: bigint) => {
    let h = seed
    for (const byte of new TextEncoder().encode(name)) {
      h ^= BigInt(byte)
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn
    }
    return h.toString(16).padStart(16, '0')
  }
  const hex = (fnv(0xcbf29ce484222325n) + fnv(0x84222325cbf29ce4n)).split('')
  hex[12] = '8'
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)
  return dashed(hex.join(''))
}
