import { given, seedTopology, A, B, D0, D1, D2, type Ev } from '../support/given.js';

const bindX0: Ev = { type: 'bind', dev: D0, mm: 'X', flags: 0 };
const bindY0: Ev = { type: 'bind', dev: D0, mm: 'Y', flags: 0 };
const bindY1: Ev = { type: 'bind', dev: D1, mm: 'Y', flags: 0 };
const bindY2: Ev = { type: 'bind', dev: D2, mm: 'Y', flags: 0 };

describe('the seed diagram: A holds 00:00.0, B holds 00:01.0 and 00:01.1', () => {
  it('gives mm X PASID 1 with a new io_mm and a new entry in domain A', () => {
    given(seedTopology()).when(bindX0).then({
      ret: 0, pasid: 1,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'X' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 1, attach_domain: true }],
    });
  });
  it('gives mm Y PASID 2 on 00:00.0', () => {
    given([...seedTopology(), bindX0]).when(bindY0).then({
      ret: 0, pasid: 2,
      ops: [{ op: 'mm_alloc', domain: A, mm: 'Y' }, { op: 'mm_attach', domain: A, dev: D0, pasid: 2, attach_domain: true }],
    });
  });
  it('reuses io_mm Y (PASID 2) for 00:01.0 and writes domain B its first entry', () => {
    given([...seedTopology(), bindX0, bindY0]).when(bindY1).then({
      ret: 0, pasid: 2, ops: [{ op: 'mm_attach', domain: B, dev: D1, pasid: 2, attach_domain: true }],
    });
  });
  it('binds 00:01.1 to PASID 2 without a new domain entry (attach_domain=false)', () => {
    const r = given([...seedTopology(), bindX0, bindY0, bindY1]).when(bindY2).then({
      ret: 0, pasid: 2, ops: [{ op: 'mm_attach', domain: B, dev: D2, pasid: 2, attach_domain: false }],
    });
    expect(r.errno).toBeNull();
  });
  it('holds io_mm Y with three references, one per bond', () => {
    const { fold } = given([...seedTopology(), bindX0, bindY0, bindY1]).when(bindY2);
    const y = fold.state.ioMms.get(2)!;
    expect(y.value).toBe('live');
    expect(y.context.refs).toBe(3);
    expect(y.context.bonds.map((b) => b.dev)).toEqual([D2, D1, D0]);
  });
});
