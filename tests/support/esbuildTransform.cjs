/**
 * Jest's transformer for the TypeScript sources and tests: esbuild's transformSync to CommonJS
 * (types are stripped, not checked; `npm test` runs tsc beside jest as the type gate). A file that
 * calls jest.mock goes through ts-jest, whose hoisting puts the mock above the imports.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync, version } = require('esbuild');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  platform: 'node',
  sourcemap: true,
  // import() as a require, as tsc's CommonJS emits it: jest's vm runs no ES modules without --experimental-vm-modules
  supported: { 'dynamic-import': false },
  tsconfigRaw: { compilerOptions: { esModuleInterop: true, useDefineForClassFields: true } },
};
const SELF = createHash('sha1').update(readFileSync(__filename)).update(version).digest('hex');
const MOCKS = /\bjest\.(mock|unmock|enableAutomock|disableAutomock)\(/;

let tsJest;
function hoisting() {
  tsJest ??= require('ts-jest').default.createTransformer({
    tsconfig: { module: 'commonjs', moduleResolution: 'node', isolatedModules: true, esModuleInterop: true, target: 'ES2022', resolveJsonModule: true },
    diagnostics: false,
  });
  return tsJest;
}

module.exports = {
  canInstrument: false,
  getCacheKey(source, filename, options) {
    const mocked = MOCKS.test(source);
    const base = mocked ? hoisting().getCacheKey(source, filename, options) : '';
    return createHash('sha1').update(SELF).update(base).update(filename).update('\0').update(source).digest('hex');
  },
  process(source, filename, options) {
    if (MOCKS.test(source)) return hoisting().process(source, filename, options);
    const out = transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code: out.code, map: out.map };
  },
};
