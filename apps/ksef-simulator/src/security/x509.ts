/**
 * `@peculiar/x509`, loaded with the decorator-metadata polyfill it needs (through tsyringe) and with Node's Web
 * Crypto as its provider. Import X.509 support from here, never from the package directly.
 *
 * @module
 */
import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

;(x509.cryptoProvider as unknown as { set(crypto: unknown): void }).set(webcrypto)

export { x509 }
