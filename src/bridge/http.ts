import { BridgeError } from '../core/index.js'

export const MAX_BODY_BYTES = 16 * 1024 * 1024

/** The request body as JSON, or a clear `invalid_request` (400, or 413 when too large). */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  const text = new TextDecoder().decode(await readBounded(request, maxBytes))
  if (!text.trim()) throw new BridgeError('invalid_request', 'The request body is empty; send a JSON object.', { wireCode: 'invalid_json' })
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new BridgeError('invalid_request', `The request body is not valid JSON: ${(e as Error).message}`, { wireCode: 'invalid_json' })
  }
}

const tooLarge = (maxBytes: number) =>
  new BridgeError('invalid_request', `The request body is larger than ${maxBytes} bytes.`, { status: 413, wireCode: 'request_too_large' })

/** The body's bytes, reading no further than the limit (a body without Content-Length could be endless). */
async function readBounded(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
