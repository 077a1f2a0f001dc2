import { TraceInputError } from '../../events/inputError.js';
import { toEvent } from '../../events/validate.js';

const FILE = 'trace.jsonl';

function parse(obj: unknown, line = 1, prevSeq = -1) {
  return toEvent(obj, line, FILE, prevSeq);
}

/** Runs fn, expecting a TraceInputError, and returns it. */
function inputError(fn: () => unknown): TraceInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TraceInputError);
    return e as TraceInputError;
  }
  throw new Error('expected a TraceInputError');
}

describe('TraceInputError', () => {
  it('formats file, line and field into the message', () => {
    const e = new TraceInputError('t.jsonl', 7, 'dev', 'missing required field');
    expect(e.message).toBe("t.jsonl:7: field 'dev': missing required field");
    expect([e.file, e.line, e.field, e.reason]).toEqual(['t.jsonl', 7, 'dev', 'missing required field']);
    expect(e).toBeInstanceOf(Error);
  });

  it('leaves the field out when there is none', () => {
    expect(new TraceInputError('t.jsonl', 3, null, 'not valid JSON (x)').message).toBe('t.jsonl:3: not valid JSON (x)');
  });
});

describe('a good line of each event type', () => {
  it.each([
    [{ type: 'device_add', dev: 'd0' }, { type: 'device_add', dev: 'd0' }],
    [{ type: 'device_add', dev: 'd0', driver: 'smmuv3', ssid_bits: 20 }, { type: 'device_add', dev: 'd0', driver: 'smmuv3', ssid_bits: 20 }],
    [{ type: 'device_remove', dev: 'd0' }, { type: 'device_remove', dev: 'd0' }],
    [{ type: 'domain_alloc', domain: 'A' }, { type: 'domain_alloc', domain: 'A' }],
    [{ type: 'attach_dev', dev: 'd0', domain: 'A' }, { type: 'attach_dev', dev: 'd0', domain: 'A' }],
    [{ type: 'detach_dev', dev: 'd0', domain: 'A' }, { type: 'detach_dev', dev: 'd0', domain: 'A' }],
    [
      { type: 'sva_init', dev: 'd0', features: 1, min_pasid: 1, max_pasid: 1048575 },
      { type: 'sva_init', dev: 'd0', features: 1, min_pasid: 1, max_pasid: 1048575 },
    ],
    [{ type: 'sva_shutdown', dev: 'd0' }, { type: 'sva_shutdown', dev: 'd0' }],
    [{ type: 'bind', dev: 'd0', mm: 'X', flags: 0 }, { type: 'bind', dev: 'd0', mm: 'X', flags: 0 }],
    [{ type: 'bind', dev: 'd0', mm: 'X', flags: 1, pasid: 3 }, { type: 'bind', dev: 'd0', mm: 'X', flags: 1, pasid: 3 }],
    [{ type: 'unbind', dev: 'd0', pasid: 3 }, { type: 'unbind', dev: 'd0', pasid: 3 }],
    [{ type: 'mm_exit', mm: 'X' }, { type: 'mm_exit', mm: 'X' }],
    // Generation profiles (docs/kernel-ops.md): the IOMMU instance, the handle, unbind by handle, mm drop.
    [{ type: 'device_add', dev: 'd0', iommu: 'dmar0' }, { type: 'device_add', dev: 'd0', iommu: 'dmar0' }],
    [{ type: 'bind', dev: 'd0', mm: 'X', flags: 0, handle: '0xffff8881' }, { type: 'bind', dev: 'd0', mm: 'X', flags: 0, handle: '0xffff8881' }],
    [
      { type: 'unbind', dev: 'd0', pasid: 3, mm: 'X', handle: '0xffff8881' },
      { type: 'unbind', dev: 'd0', pasid: 3, mm: 'X', handle: '0xffff8881' },
    ],
    [{ type: 'mm_drop', mm: 'X' }, { type: 'mm_drop', mm: 'X' }],
    [
      { type: 'invalidate', mm: 'X', start: '0x7f0000001000', end: '0xFFFFFFFFFFFFFFFF' },
      { type: 'invalidate', mm: 'X', start: 0x7f0000001000n, end: 0xffffffffffffffffn },
    ],
    [{ type: 'invalidate', mm: 'X', start: 4096, end: 4096 }, { type: 'invalidate', mm: 'X', start: 4096n, end: 4096n }],
    [
      { type: 'fault', dev: 'd0', pasid: 2, addr: '0x1000', perm: 'rw', group: 5, last: true },
      { type: 'fault', dev: 'd0', pasid: 2, addr: 0x1000n, perm: 'rw', group: 5, last: true },
    ],
    [
      { type: 'page_response', dev: 'd0', pasid: 2, group: 5, code: 'success' },
      { type: 'page_response', dev: 'd0', pasid: 2, group: 5, code: 'success' },
    ],
    [
      { type: 'page_response', dev: 'd0', pasid: 2, group: 5, code: 2 },
      { type: 'page_response', dev: 'd0', pasid: 2, group: 5, code: 'failure' },
    ],
    [{ type: 'pasid_alloc', owner: 'aux' }, { type: 'pasid_alloc', owner: 'aux' }],
    [
      { type: 'pasid_alloc', owner: 'guest-sva', dev: 'd0', min: 1, max: 100, pasid: 7 },
      { type: 'pasid_alloc', owner: 'guest-sva', dev: 'd0', min: 1, max: 100, pasid: 7 },
    ],
    [{ type: 'pasid_free', pasid: 7 }, { type: 'pasid_free', pasid: 7 }],
  ])('%j gives the typed event', (input, expected) => {
    expect(parse(input, 4)).toStrictEqual({ ...expected, seq: 4, line: 4 });
  });

  it('copies every envelope field, normalising ret', () => {
    const ev = parse({
      type: 'bind', seq: 10, ts: 10408.225105, cpu: 3, tid: 812, comm: 'a.out', phase: 'exit', ret: '-ENOMEM',
      dev: 'd0', mm: 'X', flags: 0,
    }, 2);
    expect(ev).toStrictEqual({
      type: 'bind', dev: 'd0', mm: 'X', flags: 0,
      seq: 10, line: 2, ts: 10408.225105, cpu: 3, tid: 812, comm: 'a.out', phase: 'exit', ret: -12,
    });
  });

  it('treats an optional field given as null as absent', () => {
    expect(parse({ type: 'bind', dev: 'd0', mm: 'X', flags: 0, pasid: null, ret: null, seq: null }, 3))
      .toStrictEqual({ type: 'bind', dev: 'd0', mm: 'X', flags: 0, seq: 3, line: 3 });
  });

  it('ignores unknown extra fields', () => {
    expect(parse({ type: 'mm_exit', mm: 'X', future: { a: 1 }, note: 'hi' })).toStrictEqual({ type: 'mm_exit', mm: 'X', seq: 1, line: 1 });
  });
});

describe('an op line', () => {
  it.each([
    [{ op: 'mm_alloc', domain: 'A', mm: 'X' }],
    [{ op: 'mm_attach', domain: 'A', dev: 'd0', pasid: 1, attach_domain: true }],
    [{ op: 'mm_detach', domain: 'A', dev: 'd0', pasid: 1, detach_domain: false }],
    [{ op: 'mm_free', mm: 'X', pasid: 1 }],
    [{ op: 'mm_free', mm: 'X', pasid: null }],
    [{ op: 'mm_exit', dev: 'd0', pasid: 1 }],
    [{ op: 'iopf_flush', dev: 'd0', pasid: 1 }],
    [{ op: 'iopf_handle', dev: 'd0', pasid: 1, group: 4, mm: 'X' }],
    [{ op: 'page_response', dev: 'd0', pasid: 1, group: 4, code: 'invalid' }],
    [{ op: 'mm_invalidate', domain: 'A', dev: 'd0', pasid: 1, start: '0x1000', size: '0x2000' }],
    [{ op: 'pasid_alloc', mm: 'X', pasid: 2 }],
    [{ op: 'domain_alloc_sva', mm: 'X', dev: 'd0' }],
    [{ op: 'set_dev_pasid', dev: 'd0', pasid: 2 }],
    [{ op: 'remove_dev_pasid', dev: 'd0', pasid: 2 }],
    [{ op: 'domain_free' }],
    [{ op: 'mm_release', dev: 'd0', pasid: 2 }],
    [{ op: 'pasid_free', mm: 'X', pasid: 2 }],
  ])('%j gives an op event holding exactly that record', (record) => {
    expect(parse({ type: 'op', ...record, seq: 9 })).toStrictEqual({ type: 'op', record, seq: 9, line: 1 });
  });

  it('normalises mm_invalidate addresses to lowercase hex strings', () => {
    const ev = parse({ type: 'op', op: 'mm_invalidate', domain: 'A', dev: 'd0', pasid: 1, start: '0X00AB000', size: 4096 });
    expect(ev).toMatchObject({ record: { start: '0xab000', size: '0x1000' } });
  });

  it('reads a missing mm_free pasid as null', () => {
    expect(parse({ type: 'op', op: 'mm_free', mm: 'X' })).toMatchObject({ record: { op: 'mm_free', mm: 'X', pasid: null } });
  });

  it('rejects an unknown op naming the field op', () => {
    const e = inputError(() => parse({ type: 'op', op: 'mm_frob' }, 6));
    expect([e.line, e.field]).toEqual([6, 'op']);
    expect(e.reason).toMatch(/^unknown op "mm_frob" \(expected one of mm_alloc, /);
  });

  it('rejects an op record missing one of its fields', () => {
    const e = inputError(() => parse({ type: 'op', op: 'mm_attach', domain: 'A', dev: 'd0', pasid: 1 }));
    expect([e.field, e.reason]).toEqual(['attach_domain', 'missing required field']);
  });
});

describe('the ret field', () => {
  it.each([[-22], ['EINVAL'], ['-EINVAL'], ['-22']])('%j gives -22', (ret) => {
    expect(parse({ type: 'mm_exit', mm: 'X', ret }).ret).toBe(-22);
  });

  it('accepts 0 and a positive value', () => {
    expect(parse({ type: 'mm_exit', mm: 'X', ret: 0 }).ret).toBe(0);
    expect(parse({ type: 'mm_exit', mm: 'X', ret: 5 }).ret).toBe(5);
  });

  it('rejects an unknown errno name', () => {
    const e = inputError(() => parse({ type: 'mm_exit', mm: 'X', ret: 'EBOGUS' }, 8));
    expect(e.message).toBe(`${FILE}:8: field 'ret': unknown errno name "EBOGUS"`);
  });

  it('rejects a value that is neither an integer nor a name', () => {
    const e = inputError(() => parse({ type: 'mm_exit', mm: 'X', ret: 1.5 }));
    expect([e.field, e.reason]).toEqual(['ret', 'expected an integer or an errno name like "EINVAL", got 1.5']);
  });
});

describe('the seq field', () => {
  it('defaults to the line number', () => {
    expect(parse({ type: 'mm_exit', mm: 'X' }, 42).seq).toBe(42);
  });

  it('accepts 0 as the first seq', () => {
    expect(parse({ type: 'mm_exit', mm: 'X', seq: 0 }).seq).toBe(0);
  });

  it('rejects a seq equal to the previous one', () => {
    const e = inputError(() => parse({ type: 'mm_exit', mm: 'X', seq: 12 }, 5, 12));
    expect(e.message).toBe(`${FILE}:5: field 'seq': seq must increase (previous 12, got 12)`);
  });

  it('explains a defaulted seq that goes backwards', () => {
    const e = inputError(() => parse({ type: 'mm_exit', mm: 'X' }, 2, 100));
    expect(e.field).toBe('seq');
    expect(e.reason).toBe('seq must increase (previous 100, got 2, the line number: this line has no seq)');
  });

  it('rejects a negative seq', () => {
    const e = inputError(() => parse({ type: 'mm_exit', mm: 'X', seq: -1 }));
    expect([e.field, e.reason]).toEqual(['seq', 'expected a non-negative integer, got -1']);
  });
});

describe('a bad value', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['not an object', [] as unknown as Record<string, unknown>, '', 'expected a JSON object, got an array'],
    ['missing type', { dev: 'd0' }, 'type', 'missing required field'],
    ['type not a string', { type: 3 }, 'type', 'expected a string, got 3'],
    ['missing dev', { type: 'device_add' }, 'dev', 'missing required field'],
    ['empty dev', { type: 'device_add', dev: '' }, 'dev', 'expected a non-empty string, got ""'],
    ['dev a number', { type: 'device_add', dev: 5 }, 'dev', 'expected a non-empty string, got 5'],
    ['driver unknown', { type: 'device_add', dev: 'd', driver: 'arm' }, 'driver', 'expected one of generic, smmuv3, vtd, amd, got "arm"'],
    ['pasid a string', { type: 'unbind', dev: 'd', pasid: 'abc' }, 'pasid', 'expected an integer, got "abc"'],
    ['pasid fractional', { type: 'pasid_free', pasid: 1.5 }, 'pasid', 'expected an integer, got 1.5'],
    ['pasid negative', { type: 'pasid_free', pasid: -3 }, 'pasid', 'expected a non-negative integer, got -3'],
    ['pasid unsafe', { type: 'pasid_free', pasid: 2 ** 60 }, 'pasid', `integer ${2 ** 60} is too large (above 2^53 - 1)`],
    ['flags missing', { type: 'bind', dev: 'd', mm: 'X' }, 'flags', 'missing required field'],
    ['iommu a number', { type: 'device_add', dev: 'd', iommu: 0 }, 'iommu', 'expected a non-empty string, got 0'],
    ['unbind mm a number', { type: 'unbind', dev: 'd', pasid: 1, mm: 7 }, 'mm', 'expected a non-empty string, got 7'],
    ['mm_drop without mm', { type: 'mm_drop' }, 'mm', 'missing required field'],
    ['owner unknown', { type: 'pasid_alloc', owner: 'sva' }, 'owner', 'expected one of aux, guest-sva, guest-aux, private, got "sva"'],
    ['owner missing', { type: 'pasid_alloc' }, 'owner', 'missing required field'],
    ['last not boolean', { type: 'fault', dev: 'd', pasid: 1, addr: 0, perm: 'r', group: 1, last: 1 }, 'last', 'expected true or false, got 1'],
    ['perm letters', { type: 'fault', dev: 'd', pasid: 1, addr: 0, perm: 'rq', group: 1, last: true }, 'perm',
      'expected permission letters from r, w, x, p (like "rw"), got "rq"'],
    ['perm empty', { type: 'fault', dev: 'd', pasid: 1, addr: 0, perm: '', group: 1, last: true }, 'perm',
      'expected permission letters from r, w, x, p (like "rw"), got ""'],
    ['code unknown', { type: 'page_response', dev: 'd', pasid: 1, group: 1, code: 3 }, 'code',
      'expected one of success, invalid, failure or 0/1/2, got 3'],
    ['addr not hex', { type: 'fault', dev: 'd', pasid: 1, addr: '0x12g4', perm: 'r', group: 1, last: true }, 'addr',
      'expected a hex string like "0x7f0000001000" or a non-negative integer, got "0x12g4"'],
    ['addr decimal string', { type: 'invalidate', mm: 'X', start: '4096', end: '0x2000' }, 'start',
      'expected a hex string like "0x7f0000001000" or a non-negative integer, got "4096"'],
    ['addr bare 0x', { type: 'invalidate', mm: 'X', start: '0x', end: '0x2000' }, 'start',
      'expected a hex string like "0x7f0000001000" or a non-negative integer, got "0x"'],
    ['addr negative', { type: 'invalidate', mm: 'X', start: -1, end: '0x2000' }, 'start',
      'expected a hex string like "0x7f0000001000" or a non-negative integer, got -1'],
    ['addr wider than 64 bits', { type: 'invalidate', mm: 'X', start: 0, end: '0x10000000000000000' }, 'end',
      'address "0x10000000000000000" is wider than 64 bits'],
    ['end below start', { type: 'invalidate', mm: 'X', start: '0x2000', end: '0x1000' }, 'end', 'end (0x1000) is below start (0x2000)'],
    ['ts a string', { type: 'mm_exit', mm: 'X', ts: '12' }, 'ts', 'expected a number of seconds, got "12"'],
    ['cpu negative', { type: 'mm_exit', mm: 'X', cpu: -1 }, 'cpu', 'expected a non-negative integer, got -1'],
    ['comm a number', { type: 'mm_exit', mm: 'X', comm: 7 }, 'comm', 'expected a string, got 7'],
    ['phase unknown', { type: 'mm_exit', mm: 'X', phase: 'entry' }, 'phase', 'expected "enter" or "exit", got "entry"'],
  ])('%s is reported with its field and reason', (_name, input, field, reason) => {
    const e = inputError(() => parse(input, 11));
    expect(e.file).toBe(FILE);
    expect(e.line).toBe(11);
    expect(e.field).toBe(field === '' ? null : field);
    expect(e.reason).toBe(reason);
  });

  it('names an unknown type and the nearest known one', () => {
    const e = inputError(() => parse({ type: 'bnid' }, 3));
    expect(e.message).toBe(`${FILE}:3: field 'type': unknown event type "bnid" (did you mean "bind"?)`);
  });

  it('lists the known types when no known type is near', () => {
    const e = inputError(() => parse({ type: 'sched_switch' }, 3));
    expect(e.message).toBe(
      `${FILE}:3: field 'type': unknown event type "sched_switch" (expected one of device_add, device_remove, domain_alloc, ` +
      'attach_dev, detach_dev, sva_init, sva_shutdown, bind, unbind, mm_exit, mm_drop, invalidate, fault, page_response, ' +
      'pasid_alloc, pasid_free, op)',
    );
  });

  it.each([
    [{ type: 'device_add', device: '0000:00:01.0' }, 'dev', 'device'],
    [{ type: 'bind', dev: 'd', mm: 'X', flag: 0 }, 'flags', 'flag'],
    [{ type: 'mm_exit', MM: 'X' }, 'mm', 'MM'],
    [{ typ: 'bind' }, 'type', 'typ'],
  ])('a missing field with a near unknown one on the line: %j suggests %s', (input, field, written) => {
    const e = inputError(() => parse(input, 4));
    expect(e.message).toBe(`${FILE}:4: field '${field}': missing required field (the line has "${written}": did you mean "${field}"?)`);
  });

  it('suggests no field that the format knows, or that is far from the missing one', () => {
    expect(inputError(() => parse({ type: 'bind', dev: 'd', flags: 0, pasid: 3 })).reason).toBe('missing required field');
    expect(inputError(() => parse({ type: 'device_add', process: 'x' })).reason).toBe('missing required field');
  });

  it('reports null for a required field as a wrong type', () => {
    const e = inputError(() => parse({ type: 'mm_exit', mm: null }));
    expect([e.field, e.reason]).toEqual(['mm', 'expected a non-empty string, got null']);
  });
});

describe('a line with prototype-looking keys', () => {
  it('parses without polluting any prototype and without reading inherited names', () => {
    const raw = JSON.parse(
      '{"type":"bind","dev":"d0","mm":"X","flags":0,"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"toString":1}',
    );
    const ev = parse(raw);
    expect(ev).toStrictEqual({ type: 'bind', dev: 'd0', mm: 'X', flags: 0, seq: 1, line: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((ev as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(ev)).toBe(Object.prototype);
  });

  it('does not take an inherited property for a missing field', () => {
    const proto = Object.prototype as unknown as Record<string, unknown>;
    proto.dev = 'inherited';
    try {
      const e = inputError(() => parse({ type: 'device_add' }));
      expect([e.field, e.reason]).toEqual(['dev', 'missing required field']);
    } finally {
      delete proto.dev;
    }
  });

  it('does not take a prototype method name for an event type', () => {
    expect(inputError(() => parse({ type: 'constructor' })).reason).toMatch(/^unknown event type "constructor"/);
    expect(inputError(() => parse({ type: 'op', op: 'toString' })).reason).toMatch(/^unknown op "toString"/);
  });
});
