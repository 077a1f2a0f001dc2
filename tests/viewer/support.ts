import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'viewer');
export const SMALL = join(FIXTURES, 'small.jsonl');
export const DEV = '0000:00:01.0';

/** A scratch folder holding copies of the traces (the viewer writes FILE.idx and FILE.lanes beside them). */
export function scratch(): { dir: string; copy(file: string, name?: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sva-viewer-'));
  return {
    dir,
    copy: (file, name) => {
      const to = join(dir, name ?? file.split('/').pop()!);
      copyFileSync(file, to);
      return to;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
