// A bare Hono server on @hono/node-server: what cold start is measured against.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.get('/healthz', (c) => c.json({ ok: true }))
serve({ fetch: app.fetch, port: Number(process.argv[2] ?? 8787), hostname: '127.0.0.1' })
