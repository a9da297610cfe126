/**
 * The custom connector's settings and secrets: everything a tenant file says about a REST source. Every field is
 * documented (the tenant file's JSON schema is generated from these), and every JSONata expression and template
 * is checked here, so a broken one refuses the connection when it is created, with a message naming the field.
 *
 * @module
 */
import { pullEveryMinutes, taxCodeTable } from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import { DEFAULT_MAPPING, DEFAULT_PULL_QUERY, DEFAULT_SKIP } from './defaults.ts'
import { expression, headerName, httpUrl, path, template } from './settings-fields.ts'
import { webhooks, writeBack } from './settings-hooks.ts'

const auth = z
  .object({
    header: headerName('The header that carries the API key (secrets.apiKey).').default('authorization'),
    scheme: z
      .string()
      .regex(/^[A-Za-z0-9._~+/-]*$/, 'must be one word, or empty for the bare key')
      .default('Bearer')
      .meta({ description: 'The word before the key ("Bearer"); empty sends the key alone (X-API-Key: <key>).' }),
  })
  .meta({ description: 'How the API key is sent. Default: Authorization: Bearer <apiKey>.' })

const pull = z
  .object({
    path: path('The path of the list of changed documents, after baseUrl.').default('/invoices'),
    query: z
      .record(z.string().min(1), template(['since', 'page', 'limit'], [], 'A query parameter of the list.'))
      .default({ ...DEFAULT_PULL_QUERY })
      .meta({
        description:
          'The list\'s query parameters. "{since}" is the time changes are read from, "{page}" the page token, ' +
          '"{limit}" the page size; a parameter whose value is not known yet (no page token on a first page) is left out.',
      }),
    pageSize: z.int().min(1).max(1000).default(100).meta({ description: 'Documents asked for per page ({limit}).' }),
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'Where the first pull ever starts (ISO 8601 with its zone); default: everything.' }),
    overlapSeconds: z
      .int()
      .min(0)
      .max(86_400)
      .default(0)
      .meta({
        description:
          'Read this far back before the latest change seen, for sources that commit changes out of order. ' +
          'Re-reading is harmless: the hub knows documents by their id.',
      }),
    items: expression('JSONata on a page of the list: its documents.').default('items'),
    id: expression("JSONata on a document: its id in the source (each invoice's sourceRef).").default('id'),
    updatedAt: expression('JSONata on a document: when it last changed (ISO 8601 with its zone).').default('updatedAt'),
    nextPage: expression('JSONata on a page of the list: the next page token (null or absent: the last page).').default(
      'nextCursor',
    ),
    everyMinutes: pullEveryMinutes.meta({
      description: 'How often the hub pulls on its own, in minutes; webhooks trigger pulls in between.',
    }),
  })
  .meta({ description: 'Where and how changed documents are read.' })

const SKIP =
  'JSONata on a source document: a text saying why it is not for KSeF (a draft), or nothing to send it; ' +
  'null skips nothing.'

const mapping = z
  .object({
    target: z
      .enum(['sales', 'fa3'])
      .default('sales')
      .meta({
        description:
          'What the expression gives: "sales", a sales document the hub turns into FA(3) (tax table, totals, ' +
          'corrections); "fa3", the whole FA(3) invoice model.',
      }),
    expression: expression('JSONata on a source document: the invoice (see target).').default(DEFAULT_MAPPING),
    skip: expression(SKIP).nullable().default(DEFAULT_SKIP).meta({ description: SKIP }),
  })
  .meta({ description: 'How a source document becomes an invoice.' })

const address = z.object({
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .meta({ description: 'ISO 3166 alpha-2, e.g. PL.' }),
  line1: z.string().min(1).max(512).meta({ description: 'Street and number.' }),
  line2: z.string().min(1).max(512).optional().meta({ description: 'Postal code and city.' }),
})

const seller = z
  .object({
    name: z.string().min(1).max(512).meta({ description: "The seller's name as on its invoices." }),
    address: address.meta({ description: "The seller's address." }),
  })
  .meta({ description: 'The seller, for sources whose documents do not carry it (its NIP is the tenant NIP).' })

/** The custom connector's settings. */
export const settingsSchema = z
  .object({
    baseUrl: httpUrl("The root of the source's API (https://erp.example.com/api)."),
    auth: auth.prefault({}),
    pull: pull.prefault({}),
    mapping: mapping.prefault({}),
    taxCodes: taxCodeTable,
    seller: seller.optional(),
    ksefStartDate: z.iso
      .date()
      .optional()
      .meta({
        description:
          "The first day the tenant's invoices went through KSeF (YYYY-MM-DD). What it issued before was issued " +
          'outside KSeF: the default skip leaves those documents out, and the default mapping says a credit note ' +
          'of one corrects an invoice issued outside KSeF (NrKSeFN). Expressions read it as $ksefStartDate.',
      }),
    writeBack,
    webhooks: webhooks.optional(),
    limits: z
      .object({
        requestsPerMinute: z.int().min(1).optional().meta({ description: 'Calls the source allows in any minute.' }),
        concurrent: z.int().min(1).max(100).optional().meta({ description: 'Calls in flight at once.' }),
      })
      .default({})
      .meta({ description: "The source's rate limits for this connection." }),
  })
  .meta({ description: 'The custom connector: any REST source, declared in the tenant file.' })

/** The settings, checked. */
export type Settings = z.output<typeof settingsSchema>

/** The custom connector's secrets. */
export const secretsSchema = z.object({
  apiKey: z.string().min(1).meta({ description: "The source's API key." }),
  signingSecret: z
    .string()
    .min(16)
    .optional()
    .meta({ description: 'Signs write-back webhooks (writeBack.kind webhook).' }),
  webhookSecret: z
    .string()
    .min(16)
    .optional()
    .meta({ description: "Checks the source's webhooks (settings.webhooks)." }),
})

/** The secrets, checked. */
export type Secrets = z.output<typeof secretsSchema>

/**
 * The origins the connection may call: the source's, and the write-back webhook's.
 *
 * @example
 * ```ts
 * hostsOf(settingsSchema.parse({ baseUrl: 'https://erp.example.com/api', taxCodes: {} })) // ['https://erp.example.com']
 * ```
 */
export function hostsOf(settings: Settings): string[] {
  const origins = [new URL(settings.baseUrl).origin]
  if (settings.writeBack.kind === 'webhook') origins.push(new URL(settings.writeBack.url).origin)
  return [...new Set(origins)]
}
