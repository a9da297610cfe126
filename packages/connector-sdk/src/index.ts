/**
 * `@ksef-hub/connector-sdk`: what every connector plugin implements.
 *
 * @module
 */
export {
  type ConnectorContext,
  type ConnectorDefinition,
  type ConnectorInstance,
  type ConnectorLogger,
  defineConnector,
  type SourceDocumentRef,
  type WriteBackOutcome,
  type WriteBackResult,
} from './connector.ts'
export { ConnectorError, type ConnectorErrorKind, isConnectorError } from './errors.ts'
