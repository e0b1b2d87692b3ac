import { bodyLimit } from 'hono/body-limit'
import { BridgeError } from '../core/index.js'

export const MAX_BODY_BYTES = 16 * 1024 * 1024

/** Refuses bodies over the limit (by Content-Length, or while reading a chunked one) with a 413 BridgeError. */
export const limitBody = (maxBytes = MAX_BODY_BYTES) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new BridgeError('invalid_request', `The request body is larger than ${maxBytes} bytes.`, {
        status: 413,
        wireCode: 'request_too_large',
      })
    },
  })

/** The request body as JSON, or a clear `invalid_request`. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text()
  if (!text.trim())
    throw new BridgeError('invalid_request', 'The request body is empty; send a JSON object.', {
      wireCode: 'invalid_json',
    })
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new BridgeError('invalid_request', `The request body is not valid JSON: ${(e as Error).message}`, {
      wireCode: 'invalid_json',
    })
  }
}
