/**
 * KSeF's answer back to the source, one of the ways the tenant file chooses:
 * - `patch`: read the document first and write only when it does not hold this KSeF number yet, so a retry (after
 *   a timeout whose write did land) finds it there and writes nothing;
 * - `webhook`: POST a JSON event signed as the hub signs its own webhooks, whose `id` is the hub's invoice id, so
 *   the receiver can recognise a retry; sending it again is safe and is how a lost answer is recovered;
 * - `none`: nothing (the source learns KSeF numbers some other way); the hub records that nothing was written.
 *
 * @module
 */
import { ConnectorError, type DocumentRef, type WriteBackOutcome, type WriteBackResult } from '@ksef-hub/connector-sdk'
import { evaluate } from './expressions.ts'
import { signatureHeader } from './signing.ts'
import { type CustomContext, callSource, documentPath } from './source.ts'

/** What the write-back expressions read (`body` as its input, `alreadyWhen` as `$name` variables). */
function valuesOf(document: DocumentRef, result: WriteBackResult) {
  return {
    ref: document.ref,
    invoiceId: result.invoiceId,
    ksefNumber: result.ksefNumber,
    acquisitionDate: result.acquisitionDate.toISOString(),
    verificationUrl: result.verificationUrl,
    invoiceNumber: result.invoiceNumber,
    invoiceType: result.invoiceType,
    upoBase64: Buffer.from(result.upoXml).toString('base64'),
  }
}

async function patch(
  context: CustomContext,
  document: DocumentRef,
  result: WriteBackResult,
): Promise<WriteBackOutcome> {
  const settings = context.settings.writeBack
  if (settings.kind !== 'patch') throw new TypeError('not a patch write-back')
  const values = valuesOf(document, result)
  const current = await callSource(context, { path: documentPath(settings.readPath ?? settings.path, document.ref) })
  const already = await evaluate(settings.alreadyWhen, current.json(), values)
  if (!already.ok) {
    throw new ConnectorError(
      'validation',
      `settings.writeBack.alreadyWhen failed on document ${document.ref}: ${already.problem}`,
    )
  }
  if (already.value === true) return { method: 'already' }
  const body = await evaluate(settings.body, values)
  if (!body.ok || body.value === undefined) {
    const problem = body.ok ? 'it gave nothing' : body.problem
    throw new ConnectorError('validation', `settings.writeBack.body failed for document ${document.ref}: ${problem}`)
  }
  // Not retried inline after a timeout (the write may have landed): the hub's retry reads first and finds it.
  await callSource(context, {
    method: settings.method,
    path: documentPath(settings.path, document.ref),
    json: body.value,
  })
  return { method: 'field' }
}

async function webhook(
  context: CustomContext,
  document: DocumentRef,
  result: WriteBackResult,
): Promise<WriteBackOutcome> {
  const settings = context.settings.writeBack
  if (settings.kind !== 'webhook') throw new TypeError('not a webhook write-back')
  const { signingSecret } = await context.credentials.current()
  if (!signingSecret) {
    throw new ConnectorError(
      'auth',
      'secrets.signingSecret is needed to sign write-back webhooks: add it to the connection',
    )
  }
  const { upoBase64, ...values } = valuesOf(document, result)
  const body = JSON.stringify({
    id: result.invoiceId,
    type: settings.eventType,
    createdAt: context.now().toISOString(),
    tenantId: context.tenant.id,
    invoiceId: result.invoiceId,
    data: { ...values, ...(settings.includeUpo ? { upoBase64 } : {}) },
  })
  await context.http.request({
    method: 'POST',
    url: settings.url,
    headers: {
      'content-type': 'application/json',
      'ksef-hub-event-id': result.invoiceId,
      'ksef-hub-event-type': settings.eventType,
      'ksef-hub-signature': signatureHeader(signingSecret, body, context.now()),
    },
    body,
    // The receiver deduplicates by the event id: a resend after a lost answer is what makes delivery certain.
    idempotent: true,
  })
  return { method: 'webhook' }
}

/**
 * Writes KSeF's answer back the way the connection's settings say.
 *
 * @example
 * ```ts
 * const outcome = await writeBack(context, { ref: 'inv_0001' }, result) // { method: 'field' } or { method: 'already' }
 * ```
 */
export async function writeBack(
  context: CustomContext,
  document: DocumentRef,
  result: WriteBackResult,
): Promise<WriteBackOutcome> {
  const { kind } = context.settings.writeBack
  if (kind === 'patch') return patch(context, document, result)
  if (kind === 'webhook') return webhook(context, document, result)
  return { method: 'none' }
}
