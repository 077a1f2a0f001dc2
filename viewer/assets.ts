/**
 * Where the built front end lies. cli/bin.ts sets it from its own location (dist/cli →
 * dist/viewer/web); tests point it at a bundle of their own.
 */
export const webAssets = { dir: '' };
