/**
 * A connector module for the CLI's tests, loaded through `KSEF_HUB_CONNECTORS` as an outside plugin would be:
 * `hubspot`-named, with the pipeline's small test connector behind it.
 *
 * @module
 */
import { testConnector } from '@ksef-hub/pipeline/testing/connectors'

export default testConnector('hubspot')
