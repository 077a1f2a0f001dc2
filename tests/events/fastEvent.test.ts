/**
 * The reader decodes page requests, page responses and invalidations through a fast path
 * (events/fastEvent.ts) and every other line through toEvent: the same event, field for field
 * and in the same key order, and the same error for a bad line either way.
 */
import { TraceInputError } from '../../events/inputError.js';
import { parseTraceText } from '../../events/reader.js';
import { toEvent } from '../../events/validate.js';

const FILE = 't.jsonl';

/** Events with bigints written as `0x…` strings, so key order and values compare as text. */
const text = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));

/** The line read by the reader (fast path where it applies) and by toEvent alone (never the fast path). */
function both(line: string): [string, string] {
  const read = (f: () => unknown): string => {
    try {
      return text(f());
    } catch (e) {
      if (!(e instanceof TraceInputError)) throw e;
      return `error ${e.message}`;
    }
  };
  return [read(() => parseTraceText(line, FILE)[0]), read(() => toEvent(JSON.parse(line), 1, FILE, -1))];
}

describe('fast path of the reader', () => {
  it('builds the event toEvent builds, in the same key order', () => {
    const line = '{"type":"fault","ts":1.5,"cpu":3,"tid":7,"comm":"irq/64","dev":"d0","pasid":2,"addr":"0x7F001000","perm":"rw","group":38,"last":true,"extra":1}';
    expect(both(line)[0]).toBe('{"type":"fault","dev":"d0","pasid":2,"addr":"0x7f001000","perm":"rw","group":38,"last":true,' +
      '"seq":1,"line":1,"ts":1.5,"cpu":3,"tid":7,"comm":"irq/64"}');
    expect(both(line)[0]).toBe(both(line)[1]);
  });

  it.each([
    '{"type":"page_response","dev":"d0","pasid":2,"group":1,"code":"success"}',
    '{"type":"page_response","dev":"d0","pasid":2,"group":1,"code":2,"seq":9,"phase":"exit"}',
    '{"type":"invalidate","mm":"m1","start":"0x1000","end":"0xffffffffffffffff","ts":null,"comm":null}',
    '{"type":"invalidate","mm":"m1","start":4096,"end":8192,"seq":null}',
    '{"type":"fault","dev":"d0","pasid":2,"addr":4096,"perm":"p","group":0,"last":false,"ret":null}',
  ])('same event for %s', (line) => {
    const [fast, slow] = both(line);
    expect(fast).not.toMatch(/^error/);
    expect(fast).toBe(slow);
  });

  it.each([
    ['{"type":"fault","dev":"","pasid":2,"addr":"0x1","perm":"r","group":0,"last":true}', "field 'dev'"],
    ['{"type":"fault","dev":"d0","pasid":-2,"addr":"0x1","perm":"r","group":0,"last":true}', "field 'pasid'"],
    ['{"type":"fault","dev":"d0","pasid":2,"addr":"0x10000000000000000","perm":"r","group":0,"last":true}', 'wider than 64 bits'],
    ['{"type":"fault","dev":"d0","pasid":2,"addr":"0x1g","perm":"r","group":0,"last":true}', "field 'addr'"],
    ['{"type":"fault","dev":"d0","pasid":2,"addr":"0x1","perm":"rq","group":0,"last":true}', "field 'perm'"],
    ['{"type":"fault","dev":"d0","pasid":2,"addr":"0x1","perm":"r","group":0,"last":1}', "field 'last'"],
    ['{"type":"fault","dev":"d0","pasid":2,"addr":"0x1","perm":"r","group":0,"last":true,"tid":"7"}', "field 'tid'"],
    ['{"type":"fault","dev":"d0","pasid":2,"addr":"0x1","perm":"r","group":0,"last":true,"ret":"EBOGUS"}', "field 'ret'"],
    ['{"type":"page_response","dev":"d0","pasid":2,"group":1,"code":3}', "field 'code'"],
    ['{"type":"page_response","dev":"d0","pasid":2,"group":1,"code":"ok","seq":0.5}', "field 'code'"],
    ['{"type":"page_response","dev":"d0","pasid":2,"group":1,"code":"success","phase":"begin"}', "field 'phase'"],
    ['{"type":"invalidate","mm":"m1","start":"0x2000","end":"0x1000"}', "field 'end'"],
  ])('same error for %s', (line, where) => {
    const [fast, slow] = both(line);
    expect(fast).toMatch(/^error t\.jsonl:1: /);
    expect(fast).toContain(where);
    expect(fast).toBe(slow);
  });

  it('says seq must increase, as toEvent does', () => {
    const lines = '{"type":"page_response","dev":"d0","pasid":2,"group":1,"code":"success","seq":5}\n' +
      '{"type":"page_response","dev":"d0","pasid":2,"group":1,"code":"success","seq":5}\n';
    expect(() => parseTraceText(lines, FILE)).toThrow("t.jsonl:2: field 'seq': seq must increase (previous 5, got 5)");
  });
});
