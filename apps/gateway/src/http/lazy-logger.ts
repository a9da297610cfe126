/**
 * A child logger made on first use: most requests log nothing (or one access line), and building a pino child
 * (serializing its bindings) for every request costs more than the request's own logging.
 *
 * @module
 */
import type { Logger } from '@ksef-hub/pipeline'

/**
 * A logger that becomes `parent.child(bindings)` when first used.
 *
 * @example
 * ```ts
 * c.set('logger', lazyChild(logger, { requestId }))
 * ```
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let made: Logger | undefined
  const real = () => {
    made ??= parent.child(bindings)
    return made
  }
  return {
    debug: (object, message) => real().debug(object, message),
    info: (object, message) => real().info(object, message),
    warn: (object, message) => real().warn(object, message),
    error: (object, message) => real().error(object, message),
    child: (more) => lazyChild(parent, { ...bindings, ...more }),
  }
}
