/**
 * Replaces random ids with stable placeholders in order of first appearance (every 32-hex token becomes
 * `idN`, keeping prefixes: `resp_id1`, `fc_id2`) and wall-clock times with fixed values (unix seconds → 0,
 * ISO timestamps → "T"), so transcripts compare.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
const dashed = (hex: string) =>
  /^[0-9a-f]{32}$/.test(hex)
    ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    : hex
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

export class IdNormaliser {
  readonly #forward = new Map<string, string>()
  readonly #back = new Map<string, string>()

  normalise<T>(value: T): T {
    return JSON.parse(
      JSON.stringify(value, (key, v) => {
        if ((key === 'created_at' || key === 'completed_at' || key === 'created') && typeof v === 'number') return 0
        if (typeof v === 'string' && ISO_TIME.test(v)) return 'T'
        if (typeof v === 'string') {
          return v
            .replace(UUID, (uuid) => `uuid:${this.#placeholder(uuid.replaceAll('-', '').toLowerCase())}`)
            .replace(/[0-9a-f]{32}/g, (hex) => this.#placeholder(hex))
        }
        return v
      }),
    ) as T
  }

  /** Turns placeholders in a fixture request back into the real ids seen so far. */
  restore<T>(value: T): T {
    return JSON.parse(
      JSON.stringify(value, (_key, v) => {
        if (typeof v === 'string') {
          return v
            .replace(/uuid:(id\d+)/g, (_, p: string) => dashed(this.#back.get(p) ?? p))
            .replace(/(?<![A-Za-z0-9])id\d+(?![0-9])/g, (p) => this.#back.get(p) ?? p)
        }
        return v
      }),
    ) as T
  }

  #placeholder(hex: string): string {
    let p = this.#forward.get(hex)
    if (!p) {
      p = `id${this.#forward.size + 1}`
      this.#forward.set(hex, p)
      this.#back.set(p, hex)
    }
    return p
  }
}
