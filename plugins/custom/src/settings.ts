/**
 * The custom connector's settings and secrets: everything a tenant file says about a REST source. Every field is
 * documented (the tenant file's JSON schema is generated from these), and every JSONata expression and template
 * is checked here, so a broken one refuses the connection when it is created, with a message naming the field.
 *
 * @module
 */
import { taxCodeTable } from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import {
  DEFAULT_ALREADY_WHEN,
  DEFAULT_MAPPING,
  DEFAULT_PATCH_BODY,
  DEFAULT_PULL_QUERY,
  DEFAULT_SKIP,
} from './defaults.ts'
import { expressionProblem } from './expressions.ts'
import { templateProblem } from './templates.ts'

/** A JSONata expression, compiled (and its regular expressions checked) when the settings are. */
const expression = (description: string) =>
  z
    .string()
    .min(1)
    .superRefine((source, context) => {
      const problem = expressionProblem(source)
      if (problem) context.addIssue({ code: 'custom', message: `not a usable JSONata expression: ${problem}` })
    })
    .meta({ description })

/** A template whose `{name}` placeholders must be among `allowed`. */
const template = (allowed: readonly string[], required: readonly string[], description: string) =>
  z
    .string()
    .superRefine((value, context) => {
      const problem = templateProblem(value, allowed, required)
      if (problem) context.addIssue({ code: 'custom', message: problem })
    })
    .meta({ description })

const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const headerName = (description: string) =>
  z
    .string()
    .regex(HEADER, 'must be an HTTP header name')
    .transform((name) => name.toLowerCase())
    .meta({ description })

const path = (description: string) =>
  z.string().startsWith('/', 'must start with "/" (it is appended to baseUrl)').meta({ description })

const httpUrl = (description: string) => z.url({ protocol: /^https?$/ }).meta({ description })

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
    everyMinutes: z
      .int()
      .min(1)
      .max(1440)
      .default(5)
      .meta({ description: 'How often the hub pulls on its own; webhooks trigger pulls in between.' }),
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

const patchWriteBack = z
  .object({
    kind: z.literal('patch').meta({ description: 'Write into the document.' }),
    path: template(['ref'], ['ref'], 'The document\'s path after baseUrl, "{ref}" its id.').default('/invoices/{ref}'),
    readPath: template(['ref'], ['ref'], 'The path read first (default: path).').optional(),
    method: z.enum(['PATCH', 'PUT', 'POST']).default('PATCH').meta({ description: 'The method that writes.' }),
    body: expression(
      'JSONata on { ref, invoiceId, ksefNumber, acquisitionDate, verificationUrl, invoiceNumber, invoiceType, ' +
        'upoBase64 }: the body sent.',
    ).default(DEFAULT_PATCH_BODY),
    alreadyWhen: expression(
      'JSONata on the document as read first, with the same values as $ksefNumber etc.: true when it already ' +
        'holds this KSeF number (nothing is written then).',
    ).default(DEFAULT_ALREADY_WHEN),
  })
  .meta({ description: "Write KSeF's answer into the document: read it, and write only if it is not there." })

const webhookWriteBack = z
  .object({
    kind: z.literal('webhook').meta({ description: 'POST a signed event.' }),
    url: httpUrl('Where the event is POSTed.'),
    eventType: z.string().min(1).max(100).default('invoice.confirmed').meta({ description: 'The event\'s "type".' }),
    includeUpo: z.boolean().default(true).meta({ description: 'Whether the event carries the UPO (Base64).' }),
  })
  .meta({
    description:
      "POST a JSON event signed like the hub's own webhooks (KSeF-Hub-Signature: t=<unix>,v1=<hex HMAC-SHA256 of " +
      '"t.body"> with secrets.signingSecret); its "id" is the hub invoice id, for the receiver to deduplicate.',
  })

const TIMESTAMP = 'The header with the signed time (unix seconds); null when the source sends none.'

const webhooks = z
  .object({
    signatureHeader: headerName('The header with the HMAC-SHA256 signature.').default('x-signature'),
    signaturePrefix: z
      .string()
      .max(20)
      .default('sha256=')
      .meta({ description: 'Text before the signature in its header ("sha256="), or empty.' }),
    encoding: z.enum(['hex', 'base64']).default('hex').meta({ description: 'How the signature is written.' }),
    timestampHeader: headerName(TIMESTAMP).nullable().default('x-timestamp').meta({ description: TIMESTAMP }),
    signed: template(
      ['timestamp', 'body', 'method', 'url'],
      ['body'],
      'What is signed: "{timestamp}" the timestamp header, "{body}" the raw body, "{method}", "{url}".',
    ).optional(),
    toleranceSeconds: z
      .int()
      .min(1)
      .max(86_400)
      .default(300)
      .meta({ description: 'How far the signed time may be from now.' }),
    idField: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The body\'s delivery id (a dotted path, e.g. "id"); default: a digest of the body.' }),
    refsField: z
      .string()
      .min(1)
      .default('invoiceIds')
      .meta({ description: 'The ids of the changed documents in the body (a dotted path, lists are followed).' }),
  })
  .meta({
    description:
      "Webhooks from the source saying documents changed (POST to the hub's webhook URL of the connection), " +
      'signed with secrets.webhookSecret.',
  })

/** The custom connector's settings. */
export const settingsSchema = z
  .object({
    baseUrl: httpUrl("The root of the source's API (https://erp.example.com/api)."),
    auth: auth.prefault({}),
    pull: pull.prefault({}),
    mapping: mapping.prefault({}),
    taxCodes: taxCodeTable,
    seller: seller.optional(),
    writeBack: z
      .discriminatedUnion('kind', [patchWriteBack, webhookWriteBack])
      .prefault({ kind: 'patch' })
      .meta({ description: 'How KSeF\'s answer goes back: "patch" into the document, or a signed "webhook".' }),
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
