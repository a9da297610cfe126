/**
 * `pull.resume`: a pull interrupted after its first page resumes from the last cursor the hub stored and loses no
 * document. The kit pulls a fresh fake whole for reference; then, on another fresh fake, takes the first page,
 * makes the system fail, asks for the next page (which must fail with a retryable `ConnectorError`, as a swallowed
 * failure would skip what that page held), and retries from the stored cursor as the hub's job does.
 *
 * @module
 */
import type { PullPage } from '../../contract/documents.ts'
import { isConnectorError } from '../../errors.ts'
import { describeError, fail } from '../results.ts'
import type { CheckDefinition } from '../session.ts'
import { MAX_PAGES, pullAll, pullPage, storedCursor } from './pulling.ts'

/** Failed calls injected into the second page: more than the SDK client retries inline. */
const FAILURES = 5

/** The `pull.resume` check. */
export const pullResume: CheckDefinition = {
  name: 'pull.resume',
  notApplicable: (connector) => (connector.pull ? undefined : 'the connector declares no pull'),
  async run(run) {
    const { connector } = run
    const reference = await pullAll(connector, await run.rig())
    if (reference.pages < 2) {
      fail('the fake serves everything in one page: give it a small page size in its settings, so a pull has pages')
    }
    const rig = await run.rig()
    const seen = new Set<string>()
    const first = await pullPage(connector, rig, undefined)
    for (const document of first.documents) seen.add(document.ref)
    if (!first.more) fail('the first page of a fresh fake said there is no more, but a whole pull found more pages')
    const stored = storedCursor(connector, first.cursor)
    rig.fake.failNext({ status: 503 }, FAILURES)
    let page: PullPage<unknown> | undefined
    let interrupted = false
    // The hub retries the job with the stored cursor until the system answers again.
    for (let attempt = 0; attempt <= FAILURES && !page; attempt++) {
      try {
        page = await pullPage(connector, rig, stored)
      } catch (error) {
        if (!isConnectorError(error) || !error.retryable) {
          fail(`a page pulled while the system answered 503 threw ${describeError(error)}, not a retryable error`)
        }
        interrupted = true
      }
    }
    if (!page) fail(`the pull did not resume after the system answered again (${FAILURES} failures injected)`)
    let pages = 2
    for (;;) {
      for (const document of page.documents) seen.add(document.ref)
      if (!page.more) break
      if (++pages > MAX_PAGES) fail(`the resumed pull still had more after ${MAX_PAGES} pages`)
      page = await pullPage(connector, rig, storedCursor(connector, page.cursor))
    }
    const lost = [...reference.documents.keys()].filter((ref) => !seen.has(ref))
    const swallowed = interrupted ? '' : ' (the page pulled while the system answered 503 returned instead of failing)'
    if (lost.length > 0) fail(`the resumed pull lost ${lost.length} documents: ${lost.join(', ')}${swallowed}`)
    if (swallowed) fail(`the failure was swallowed${swallowed}: the hub cannot back off from a failure it never sees`)
    return `interrupted after page 1 of ${reference.pages}, resumed from the stored cursor, all ${reference.documents.size} documents found`
  },
}
