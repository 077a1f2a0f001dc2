import { decodeHeader, headerLine } from '../../events/header.js';
import { parseTraceText } from '../../events/reader.js';

describe('the trace header (docs/trace-header.md)', () => {
  it('encodes and decodes; other objects are not headers; an unknown driver is dropped', () => {
    const line = headerLine({ kernel: '6.6.32', driver: 'vtd', arch: 'x86_64' });
    expect(line).toBe('{"sva_replay_header":1,"kernel":"6.6.32","driver":"vtd","arch":"x86_64"}');
    expect(decodeHeader(JSON.parse(line))).toEqual({ kernel: '6.6.32', driver: 'vtd', arch: 'x86_64' });
    expect(decodeHeader({ type: 'bind' })).toBeNull();
    expect(decodeHeader([1])).toBeNull();
    expect(decodeHeader({ sva_replay_header: 1, driver: 'nope', kernel: 5 })).toEqual({});
  });

  it('Given a header before the first event, When read, Then it is not an event and the events keep their line numbers', () => {
    const text = ['# comment', '{"sva_replay_header":1,"kernel":"6.6.32"}', '{"type":"device_add","dev":"d"}'].join('\n');
    expect(parseTraceText(text).map((e) => [e.type, e.seq])).toEqual([['device_add', 3]]);
  });

  it('Given a header after an event, When read, Then it is a bad line naming its line', () => {
    const text = ['{"type":"device_add","dev":"d"}', '{"sva_replay_header":1,"kernel":"6.6.32"}'].join('\n');
    expect(() => parseTraceText(text, 't.jsonl')).toThrow(/^t\.jsonl:2: field 'type'/);
  });
});
