// HTTP caching for discovery documents (A2A §8.6): an ETag from the content, a Last-Modified from when that content
// was first served, and 304 answers to conditional GETs on either.
import type { Context, MiddlewareHandler } from 'hono'
import { every } from 'hono/combine'
import { etag, RETAINED_304_HEADERS } from 'hono/etag'

/** How many distinct documents keep their first-served time; past it the oldest is forgotten (and re-dated). */
const REMEMBERED = 256

/** What a 304 keeps of the 200 it stands for: the validators and caching headers, and CORS for browser clients. */
const RETAINED = [
  ...RETAINED_304_HEADERS,
  'last-modified',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
]

/** An HTTP date in the one form senders must use (RFC 9110 §5.6.7); anything else in If-Modified-Since is ignored. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** A 304 for the response in `c.res`, keeping only RETAINED headers (assigning `c.res` copies all of them over). */
async function notModified(c: Context): Promise<void> {
  await c.res.body?.cancel()
  c.res = new Response(null, { status: 304, headers: c.res.headers })
  for (const name of [...c.res.headers.keys()]) if (!RETAINED.includes(name)) c.res.headers.delete(name)
}

/** ETag, Last-Modified and conditional GETs for the routes it is used on (documents cheap to rebuild per request). */
export function discoveryCaching(): MiddlewareHandler {
  // ETag → when a document with that content was first served. A card's content also depends on the Host it is
  // asked for, so the map is bounded rather than one entry per agent.
  const firstServed = new Map<string, Date>()
  const since = (tag: string): Date => {
    let at = firstServed.get(tag)
    if (!at) {
      // HTTP dates have whole seconds: a client sending back what it got must compare equal.
      at = new Date(Math.floor(Date.now() / 1000) * 1000)
      firstServed.set(tag, at)
      if (firstServed.size > REMEMBERED) firstServed.delete(firstServed.keys().next().value as string)
    }
    return at
  }

  const lastModified: MiddlewareHandler = async (c, next) => {
    await next()
    const tag = c.res.headers.get('etag')
    if (!tag || (c.res.status !== 200 && c.res.status !== 304)) return
    const at = since(tag)
    c.res.headers.set('last-modified', at.toUTCString())
    const modifiedSince = c.req.header('if-modified-since')?.trim()
    if (
      c.res.status === 200 &&
      modifiedSince !== undefined &&
      IMF_FIXDATE.test(modifiedSince) &&
      c.req.header('if-none-match') === undefined && // RFC 9110 §13.1.3: If-None-Match wins
      at.getTime() <= Date.parse(modifiedSince)
    ) {
      await notModified(c)
    }
  }
  return every(lastModified, etag({ retainedHeaders: RETAINED }))
}
