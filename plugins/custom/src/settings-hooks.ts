/**
 * The settings of what crosses between the source and the hub besides pulls: KSeF's answer written back (a PATCH
 * into the document, a signed webhook, or nothing), and the source's own webhooks saying documents changed.
 *
 * @module
 */
import { z } from 'zod'
import { DEFAULT_ALREADY_WHEN, DEFAULT_PATCH_BODY } from './defaults.ts'
import { dottedPathOrExpression, expression, headerName, httpUrl, template } from './settings-fields.ts'

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

const noWriteBack = z.object({ kind: z.literal('none').meta({ description: 'Write nothing back.' }) }).meta({
  description:
    'Write nothing back: the source learns KSeF numbers some other way (the hub API, its own webhooks, a report).',
})

const TIMESTAMP = 'The header with the signed time (unix seconds); null when the source sends none.'

/** The source's webhooks. */
export const webhooks = z
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
    idField: dottedPathOrExpression(
      'The delivery id in the body: a dotted path ("id", "meta.delivery-id") or JSONata on the body; ' +
        'default: a digest of the body.',
    ).optional(),
    refsField: dottedPathOrExpression(
      'The ids of the changed documents in the body: a dotted path (lists are followed: "changes.documentId") or ' +
        'JSONata on the body (\'events[type = "invoice.updated"].data.id\').',
    ).default('invoiceIds'),
  })
  .superRefine((webhooks, context) => {
    // A timestamp that is checked but not signed could be moved by anyone replaying a captured call.
    const signsTime = webhooks.signed === undefined || webhooks.signed.includes('{timestamp}')
    if (webhooks.timestampHeader !== null && !signsTime) {
      context.addIssue({
        code: 'custom',
        path: ['signed'],
        message: 'must contain {timestamp} when timestampHeader is set',
      })
    }
    if (webhooks.timestampHeader === null && webhooks.signed?.includes('{timestamp}')) {
      context.addIssue({ code: 'custom', path: ['signed'], message: 'uses {timestamp}, but timestampHeader is null' })
    }
  })
  .meta({
    description:
      "Webhooks from the source saying documents changed (POST to the hub's webhook URL of the connection), " +
      'signed with secrets.webhookSecret. Absent: the connection takes no webhooks (every call is refused) and ' +
      'documents arrive with the scheduled pull.',
  })

/** How KSeF's answer goes back. */
export const writeBack = z
  .discriminatedUnion('kind', [patchWriteBack, webhookWriteBack, noWriteBack])
  .prefault({ kind: 'patch' })
  .meta({
    description: 'How KSeF\'s answer goes back: "patch" into the document, a signed "webhook", or "none".',
  })
