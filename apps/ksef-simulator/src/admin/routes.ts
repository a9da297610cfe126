/**
 * The admin API (`/__admin`, absent in strict mode): tokens, faults, the received-invoice view, seeding of
 * purchase invoices and the clock. Its contract is documented in the README; other tools script it over HTTP.
 *
 * @module
 */

import type { Context } from 'hono'
import { Hono } from 'hono'
import { OWNER_PERMISSIONS } from '../auth/permissions.ts'
import { FAULT_KINDS, type FaultSpec } from '../faults/registry.ts'
import type { SimulatorEnv } from '../http/env.ts'
import { createKsefToken } from '../tokens/create-token.ts'
import { SeedError, seedIncomingInvoice } from './incoming.ts'
import { receivedInvoices } from './received.ts'

const TOKEN_PERMISSIONS = new Set([...OWNER_PERMISSIONS, 'EnforcementOperations'])

function problem(c: Context<SimulatorEnv>, status: 400 | 409 | 422, error: string, details: string[] = []) {
  return c.json({ error, details }, status)
}

async function readJson(c: Context<SimulatorEnv>): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text())
  } catch {
    return undefined
  }
}

function faultSpec(body: unknown): FaultSpec | string {
  if (!body || typeof body !== 'object') return 'the body must be a JSON object'
  const { kind, seconds, count, path } = body as Record<string, unknown>
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    return `kind must be one of ${FAULT_KINDS.join(', ')}`
  }
  if (seconds !== undefined && (typeof seconds !== 'number' || !(seconds > 0)))
    return 'seconds must be a positive number'
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    return 'count must be a positive integer'
  }
  if (path !== undefined) {
    if (typeof path !== 'string') return 'path must be a regular expression'
    try {
      new RegExp(path)
    } catch {
      return 'path must be a valid regular expression'
    }
  }
  return {
    kind: kind as FaultSpec['kind'],
    ...(seconds !== undefined ? { seconds: seconds as number } : {}),
    ...(count !== undefined ? { count: count as number } : {}),
    ...(path !== undefined ? { path: path as string } : {}),
  }
}

/**
 * The admin routes (mounted at `/__admin`).
 *
 * @example
 * ```ts
 * app.route('/__admin', adminRoutes())
 * ```
 */
export function adminRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.post('/tokens', async (c) => {
    const body = (await readJson(c)) as { nip?: unknown; permissions?: unknown; description?: unknown } | undefined
    const nip = body?.nip
    if (typeof nip !== 'string' || !/^\d{10}$/.test(nip)) return problem(c, 400, 'nip must be 10 digits')
    const permissions = body?.permissions ?? ['InvoiceWrite', 'InvoiceRead']
    if (
      !Array.isArray(permissions) ||
      permissions.some((p) => typeof p !== 'string' || !TOKEN_PERMISSIONS.has(p as never))
    ) {
      return problem(c, 400, `permissions must be a list of ${[...TOKEN_PERMISSIONS].join(', ')}`)
    }
    const { token, record } = createKsefToken(c.var.sim, {
      context: { type: 'Nip', value: nip },
      author: { type: 'Nip', value: nip },
      permissions: permissions as string[],
      description: typeof body?.description === 'string' ? body.description : 'admin API token',
    })
    return c.json({ token, referenceNumber: record.referenceNumber }, 200)
  })

  app.post('/faults', async (c) => {
    const spec = faultSpec(await readJson(c))
    if (typeof spec === 'string') return problem(c, 400, spec)
    const sim = c.var.sim
    if (spec.kind === 'rotate-keys') await sim.keys.rotate(sim.clock.now())
    sim.faults.add(spec)
    return c.body(null, 204)
  })
  app.get('/faults', (c) => c.json({ faults: c.var.sim.faults.list() }))
  app.delete('/faults', (c) => {
    c.var.sim.faults.clear()
    return c.body(null, 204)
  })

  app.get('/received', (c) => c.json(receivedInvoices(c.var.sim)))

  app.post('/incoming', async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer())
    let bytes = raw
    let invoicingDate: Date | undefined
    if ((c.req.header('content-type') ?? '').includes('json')) {
      const body = (() => {
        try {
          return JSON.parse(Buffer.from(raw).toString('utf8')) as { xml?: unknown; invoicingDate?: unknown }
        } catch {
          return undefined
        }
      })()
      if (typeof body?.xml !== 'string') return problem(c, 400, 'a JSON body needs "xml" (the FA(3) document)')
      bytes = new TextEncoder().encode(body.xml)
      if (typeof body.invoicingDate === 'string') {
        invoicingDate = new Date(body.invoicingDate)
        if (Number.isNaN(invoicingDate.getTime())) return problem(c, 400, 'invoicingDate must be an ISO date-time')
      }
    }
    try {
      const record = seedIncomingInvoice(c.var.sim, bytes, invoicingDate)
      return c.json(
        {
          ksefNumber: record.ksefNumber,
          invoiceHash: record.invoiceHash,
          buyerNip: record.buyerNip ?? null,
          metadata: record.metadata,
        },
        201,
      )
    } catch (error) {
      if (error instanceof SeedError)
        return problem(c, error.code === 'DUPLICATE' ? 409 : 422, error.message, error.details)
      throw error
    }
  })

  app.post('/clock', async (c) => {
    const body = (await readJson(c)) as { advanceSeconds?: unknown } | undefined
    const seconds = body?.advanceSeconds
    if (typeof seconds !== 'number' || !(seconds >= 0)) return problem(c, 400, 'advanceSeconds must be a number >= 0')
    c.var.sim.clock.advance(seconds * 1000)
    return c.json({ now: c.var.sim.clock.now().toISOString() })
  })

  app.get('/health', (c) => {
    const memory = process.memoryUsage()
    return c.json({
      status: 'ok',
      now: c.var.sim.clock.now().toISOString(),
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external },
    })
  })
  return app
}
