// HTTP caching for discovery documents (A2A §8.6): an ETag from the content, a Last-Modified from when that content
// was first served, and 304 answers to conditional GETs on either.
import type { MiddlewareHandler } from 'hono'
import { every } from 'hono/combine'
import { etag, RETAINED_304_HEADERS } from 'hono/etag'

/** How many distinct documents keep their first-served time; past it the oldest is forgotten (and re-dated). */
const REMEMBERED = 256

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
    const modifiedSince = c.req.header('if-modified-since')
    const notModified =
      c.res.status === 200 &&
      modifiedSince !== undefined &&
      c.req.header('if-none-match') === undefined && // RFC 9110 §13.1.3: If-None-Match wins
      at.getTime() <= Date.parse(modifiedSince)
    if (notModified) {
      await c.res.body?.cancel()
      const headers = new Headers()
      for (const name of RETAINED_304_HEADERS) {
        const value = c.res.headers.get(name)
        if (value !== null) headers.set(name, value)
      }
      c.res = new Response(null, { status: 304, headers })
    }
    c.res.headers.set('last-modified', at.toUTCString())
  }
  return every(lastModified, etag())
}
