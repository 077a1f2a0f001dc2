/**
 * Tests run the TypeScript sources as CommonJS, stripped of their types by esbuild
 * (tests/support/esbuildTransform.cjs; tsc checks them beside jest in `npm test`); the build (tsc) emits ESM.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/tests/support/esbuildTransform.cjs',
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Equality of domain versions by their lists (tests/support/setup.ts).
  setupFilesAfterEnv: ['<rootDir>/tests/support/setup.ts'],
  // The fleet's servers, once per run when the environment has none (tests/support/fleetServers.ts).
  globalSetup: '<rootDir>/tests/support/serversSetup.ts',
  globalTeardown: '<rootDir>/tests/support/serversTeardown.ts',
  testTimeout: 60000,
  // Jest's default is one worker on a 2-core machine (cores - 1); the suites are independent.
  maxWorkers: '100%',
};
