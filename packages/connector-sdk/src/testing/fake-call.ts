/**
 * One call to a fake from a test, its answer read whole: JSON parsed when the answer says it is JSON, other bytes
 * kept as they are. A fake's contract client builds on it (its auth, then the answer checked against the API's
 * description with `openApiCheck`).
 *
 * @module
 */

/** What a test sends. */
export interface FakeCallInit {
  /** A JSON body (sets `content-type: application/json`). */
  readonly json?: unknown
  /** A raw body. */
  readonly body?: Buffer | string
  /** Headers, over the ones the call sets. */
  readonly headers?: Readonly<Record<string, string>>
}

/** A fake's answer. */
export interface FakeAnswer {
  readonly status: number
  readonly headers: Headers
  /** The parsed JSON, the bytes of another body, or `undefined` for none. */
  readonly body: unknown
  /** The body's bytes (for non-JSON answers). */
  readonly bytes: Buffer
}

/** The default test of a JSON answer: a `…/json` or `…+json` content type. */
export const isJsonContentType = (contentType: string): boolean => /[/+]json\b/i.test(contentType)

/**
 * Calls `url` and reads the answer.
 *
 * @param isJson whether a content type is JSON the fake's way
 * @example
 * ```ts
 * const answer = await callFake('POST', `${fake.url}/crm/v3/objects/invoices`, {
 *   json: { properties: { hs_currency: 'PLN' } },
 *   headers: { authorization: `Bearer ${fake.privateAppToken}` },
 * })
 * answer.status // 201
 * ```
 */
export async function callFake(
  method: string,
  url: string | URL,
  init: FakeCallInit = {},
  isJson: (contentType: string) => boolean = isJsonContentType,
): Promise<FakeAnswer> {
  const response = await fetch(url, {
    method,
    headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    ...(init.body !== undefined ? { body: new Uint8Array(Buffer.from(init.body)) } : {}),
  })
  const bytes = Buffer.from(await response.arrayBuffer())
  const json = isJson(response.headers.get('content-type') ?? '')
  const body: unknown = json ? JSON.parse(bytes.toString('utf8')) : bytes.length > 0 ? bytes : undefined
  return { status: response.status, headers: response.headers, body, bytes }
}
