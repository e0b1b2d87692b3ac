// How the official AGNTCY ACP client reads a stream, for tests on machines where it cannot be installed (it is Python,
// PyPI `agntcy-acp` 1.5.2, and PyPI is not reachable here). Written from what its `agntcy_acp/server_side_events.py`
// and the generated `*stream*` methods of its runs APIs do, not the way the bridge's own reader does:
// - the bytes are decoded and cut into lines at `\n`, `\r\n` or `\r`;
// - a blank line dispatches an event, always, whether or not any field came before it (where a spec-conforming parser
//   dispatches nothing without data); its type defaults to `agent_event`, its data is the last `data:` line (lines
//   are not joined), its id the last `id:` line of the block;
// - a line starting with `:` is skipped; for other lines, what follows the first `:` is the value, leading whitespace
//   stripped, and only `event`, `data` and `id` are kept;
// - each event becomes `RunOutputStream(id, event, data=StreamEventPayload.from_json(data))`: data that is empty or
//   not JSON raises ValueError (`json.JSONDecodeError`), and so does JSON that is no stream payload (pydantic's
//   ValidationError is a ValueError too). Either one ends the caller's `async for`.
import { RunOutputStream } from '../../src/dialects/acp/wire.js'
import type { RunOutputStream as RunOutputStreamType } from '../../src/dialects/acp/wire.js'

/** What the Python client raises where it cannot turn an event into a `RunOutputStream`. */
export class ValueError extends Error {
  override name = 'ValueError'
}

function toRunOutputStream(id: string, event: string, data: string): RunOutputStreamType {
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch {
    throw new ValueError(`Expecting value: line 1 column 1 (char 0) in event data ${JSON.stringify(data)}`)
  }
  const parsed = RunOutputStream.safeParse({ id, event, data: json })
  if (!parsed.success) throw new ValueError(`not a StreamEventPayload: ${data}`)
  return parsed.data
}

/** The events of an ACP stream as `agntcy-acp` yields them; throws `ValueError` where it raises one. */
export async function* acpPythonClientStream(body: ReadableStream<Uint8Array>): AsyncGenerator<RunOutputStreamType> {
  const decoder = new TextDecoder()
  let rest = ''
  let id = ''
  let event = ''
  let data = ''
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return // an unfinished block at the end is never dispatched
      rest += decoder.decode(value, { stream: true })
      const lines = rest.split(/\r\n|\n|\r/)
      rest = lines.pop() ?? ''
      for (const line of lines) {
        if (line === '') {
          yield toRunOutputStream(id, event || 'agent_event', data)
          id = ''
          event = ''
          data = ''
          continue
        }
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const key = colon < 0 ? line : line.slice(0, colon)
        const fieldValue = colon < 0 ? '' : line.slice(colon + 1).trimStart()
        if (key === 'event') event = fieldValue
        else if (key === 'data') data = fieldValue
        else if (key === 'id' && !fieldValue.includes('\0')) id = fieldValue
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}
