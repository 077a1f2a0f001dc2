/** `npm run build` step: bundles the viewer's front end into dist/viewer/web. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWeb } from '../viewer/bundle.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
await bundleWeb(root, join(root, 'dist', 'viewer', 'web'));
