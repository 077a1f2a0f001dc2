/** Tests run the TypeScript sources through ts-jest as CommonJS; the build (tsc) emits ESM. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node', isolatedModules: true, esModuleInterop: true, target: 'ES2022', resolveJsonModule: true }, diagnostics: false }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Equality of domain versions by their lists (tests/support/setup.ts).
  setupFilesAfterEnv: ['<rootDir>/tests/support/setup.ts'],
  testTimeout: 60000,
  // Jest's default is one worker on a 2-core machine (cores - 1); the suites are independent.
  maxWorkers: '100%',
};
