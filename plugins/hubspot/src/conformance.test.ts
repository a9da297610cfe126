import { describeConformance } from '@ksef-hub/connector-sdk/testing'
import harness from '../conformance.ts'

await describeConformance(harness)
