/**
 * The Hono environment of the simulator's routes.
 *
 * @module
 */
import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { AccessClaims } from '../auth/jwt.ts'
import type { Simulator } from '../context.ts'

/** Variables set by middleware. */
export interface SimulatorVariables {
  sim: Simulator
  /** Set by the bearer middleware on protected routes. */
  access: AccessClaims
}

/** The Hono env type. */
export interface SimulatorEnv {
  Bindings: HttpBindings
  Variables: SimulatorVariables
}

/** A route handler's context. */
export type SimContext = Context<SimulatorEnv>
