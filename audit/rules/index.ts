import type { Rule } from '../types.js';
import { divergence } from './divergence.js';
import { implicitEntity } from './implicitEntity.js';

/** Every rule of audit-rules.md, in the order of that table. */
export const RULES: readonly Rule[] = [divergence, implicitEntity];
