import type { Command } from 'commander';

/** Where the fleet's events are in JetStream: both `ship` and `fleet consume` take these. */
export interface StreamFlags {
  stream?: string;
  prefix?: string;
}

export function streamFlags(cmd: Command): Command {
  return cmd
    .option('--stream <name>', 'the JetStream stream (default SVA_EVENTS)')
    .option('--prefix <subject>', 'subjects are PREFIX.<host> (default sva.events)');
}
