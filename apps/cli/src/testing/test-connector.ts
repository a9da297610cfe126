/**
 * A connector module for the CLI's tests, loaded through `KSEF_HUB_CONNECTORS` as an outside plugin would be:
 * `test-crm`, the pipeline's small test connector.
 *
 * @module
 */
import { testConnector } from '@ksef-hub/pipeline/testing/connectors'

export default testConnector('test-crm')
