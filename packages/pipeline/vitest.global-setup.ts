// Builds the migrated database templates once per test run (see src/testing/global-setup.ts).
export { default } from './src/testing/global-setup.ts'
