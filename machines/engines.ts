import { compiledEngine } from './compiledEngine.js';
import { xstateEngine, type MachineEngine } from './engine.js';

export const ENGINE_NAMES = ['xstate', 'compiled'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** An engine by its name (`--engine` style options); throws on an unknown name. */
export function engineByName(name: EngineName): MachineEngine {
  switch (name) {
    case 'xstate': return xstateEngine;
    case 'compiled': return compiledEngine;
    default: throw new Error(`unknown engine '${String(name)}' (expected one of: ${ENGINE_NAMES.join(', ')})`);
  }
}
