/**
 * `@ksef-hub/gateway`: the multi-tenant HTTP API of KSeF Hub (Hono on @hono/node-server).
 *
 * @example
 * ```ts
 * import { startGateway } from '@ksef-hub/gateway'
 * const gateway = await startGateway({ context, port: 3000 })
 * console.log(`Gateway listening on ${gateway.url}`)
 * ```
 *
 * @module
 */
export { createGatewayApp, createGatewayAppHandle, DEFAULT_GATEWAY_OPTIONS, type GatewayAppHandle } from './app.ts'
export type { AppEnv, Caller, GatewayApp, GatewayDeps, GatewayOptions } from './env.ts'
export { GatewayError, type GatewayErrorCode, type Problem, type ProblemCode } from './http/problem.ts'
export { type RunningGateway, type StartGatewayOptions, startGateway } from './server.ts'
