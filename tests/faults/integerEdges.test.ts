/**
 * Integer edge values in the numeric fields (issue 12, fault-injection suite): each value's
 * exact outcome, decoded or a bad line whose message shows the digits the trace wrote (JSON.parse
 * rounds 2^53 + 1 to 2^53). Then what the kernel answers to the values that decode
 * (sva-model.md: features outside IOPF, flags outside the device's features -> -EINVAL; unbind of
 * a PASID the device does not bond -> -ESRCH).
 */
import { writeFileSync } from 'node:fs';
import { parseLine } from '../../events/parseLine.js';
import type { TraceEvent } from '../../events/types.js';
import { cli, faultDir } from './support.js';

const D = '0000:00:00.0';
const LINE: Record<string, (v: string) => string> = {
  pasid: (v) => `{"type":"unbind","dev":"${D}","pasid":${v}}`,
  flags: (v) => `{"type":"bind","dev":"${D}","mm":"X","flags":${v}}`,
  features: (v) => `{"type":"sva_init","dev":"${D}","features":${v},"min_pasid":1,"max_pasid":10}`,
  addr: (v) => `{"type":"fault","dev":"${D}","pasid":1,"addr":${v},"perm":"r","group":0,"last":true}`,
};

function decode(text: string): TraceEvent | string {
  try {
    return parseLine({ file: 't.jsonl', lineNo: 0, prevSeq: -1 }, text)!;
  } catch (e) {
    return (e as Error).message;
  }
}

const tooLarge = (field: string, digits: string) => `t.jsonl:1: field '${field}': integer ${digits} is too large (above 2^53 - 1)`;
const addrTooLarge = (digits: string) => `t.jsonl:1: field 'addr': integer ${digits} is too large to be exact; write it as a hex string`;
const ADDR_FORMAT = 'expected a hex string like "0x7f0000001000" or a non-negative integer';

/** [literal as written, outcome for pasid/flags/features, outcome for addr]; a number or bigint is the decoded value. */
const CASES: [string, (field: string) => number | string, bigint | string][] = [
  ['9007199254740991', () => 2 ** 53 - 1, 2n ** 53n - 1n],
  ['9007199254740992', (f) => tooLarge(f, '9007199254740992'), addrTooLarge('9007199254740992')],
  ['9007199254740993', (f) => tooLarge(f, '9007199254740993'), addrTooLarge('9007199254740993')],
  ['18446744073709551615', (f) => tooLarge(f, '18446744073709551615'), addrTooLarge('18446744073709551615')],
  ['-1', (f) => `t.jsonl:1: field '${f}': expected a non-negative integer, got -1`, `t.jsonl:1: field 'addr': ${ADDR_FORMAT}, got -1`],
  ['1e3', () => 1000, 1000n],
  ['"0x10"', (f) => `t.jsonl:1: field '${f}': expected an integer, got "0x10"`, 16n],
  ['"0xffffffffffffffff"', (f) => `t.jsonl:1: field '${f}': expected an integer, got "0xffffffffffffffff"`, 2n ** 64n - 1n],
  ['"0x10000000000000000"', (f) => `t.jsonl:1: field '${f}': expected an integer, got "0x10000000000000000"`,
    `t.jsonl:1: field 'addr': address "0x10000000000000000" is wider than 64 bits`],
];

describe('integer edge values in pasid, flags, features and addr', () => {
  for (const [literal, intOutcome, addrOutcome] of CASES) {
    for (const field of Object.keys(LINE)) {
      const expected = field === 'addr' ? addrOutcome : intOutcome(field);
      it(`Given ${field}: ${literal}, Then ${typeof expected === 'string' ? 'a bad line' : `it decodes to ${expected}`}`, () => {
        const got = decode(LINE[field](literal));
        if (typeof expected === 'string') expect(got).toBe(expected);
        else expect(got).toMatchObject({ [field]: expected });
      });
    }
  }
});

describe('what the kernel answers to the large values that decode', () => {
  const tmp = faultDir();
  const PRE = [`{"type":"domain_alloc","domain":"A"}`, `{"type":"device_add","dev":"${D}"}`, `{"type":"attach_dev","dev":"${D}","domain":"A"}`];
  const INIT = LINE.features('1');

  async function lastResult(lines: string[]): Promise<{ ret: number; errno: string | null }> {
    const file = tmp.path(`k-${lines.length}-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(file, `${[...PRE, ...lines].join('\n')}\n`);
    const r = await cli('replay', file, '--results');
    expect(r.code).toBe(0);
    return JSON.parse(r.out.trimEnd().split('\n').pop()!) as { ret: number; errno: string | null };
  }

  for (const literal of ['9007199254740991', '1e3', '4294967297']) {
    it(`Given sva_init features ${literal} (bits outside IOPF), Then -EINVAL`, async () => {
      expect(await lastResult([LINE.features(literal)])).toMatchObject({ ret: -22, errno: 'EINVAL' });
    });
    it(`Given bind flags ${literal} (bits outside the device's features), Then -EINVAL`, async () => {
      expect(await lastResult([INIT, LINE.flags(literal)])).toMatchObject({ ret: -22, errno: 'EINVAL' });
    });
    it(`Given unbind pasid ${literal} (no such bond), Then -ESRCH`, async () => {
      expect(await lastResult([INIT, LINE.pasid(literal)])).toMatchObject({ ret: -3, errno: 'ESRCH' });
    });
  }

  it('Given a skipped line holding 2^53 + 1, Then the skip notice shows the digits as written', async () => {
    const file = tmp.path('skip.jsonl');
    writeFileSync(file, `${[...PRE, LINE.features('9007199254740993')].join('\n')}\n`);
    const r = await cli('replay', file, '--skip-bad');
    expect(r.err).toContain(`${file}:4: field 'features': integer 9007199254740993 is too large (above 2^53 - 1)`);
    expect(r.err).not.toContain('9007199254740992');
  });
});
