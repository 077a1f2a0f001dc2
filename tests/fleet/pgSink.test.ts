/**
 * PgRowSink: the rows of a fleet table as COPY's text format (fleet/servers/pgSink.ts), in the
 * column order of pgColumns: host first, the table's columns, at_end for findings. Expected
 * lines written by hand from PostgreSQL's COPY text format (NULL is \N; backslash, tab,
 * newline, carriage return escaped; no NUL in text).
 */
import { PgRowSink } from '../../fleet/servers/pgSink.js';
import { pgColumns } from '../../fleet/servers/pgSchema.js';
import { FINDINGS, OPS } from '../../sql/schema.js';

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');

describe('PgRowSink (COPY text format)', () => {
  it('writes host first, each set column in table order, and \\N for the rest', () => {
    // Given the ops table's sink for host web-1
    const s = new PgRowSink(OPS, 'web-1');
    expect(pgColumns(OPS).slice(0, 4)).toEqual(['host', 'seq', 'index', 'op']);
    // When one row sets seq, index, op, a bool and a u64 of 2^64 - 1 (given as -1n)
    s.bigint(s.col.seq, 7);
    s.int(s.col.index, 0);
    s.enumValue(s.col.op, 'bind');
    s.bool(s.col.attach_domain, true);
    s.u64(s.col.size, -1n);
    s.next();
    // And a second row sets only seq (what the first set is not carried over)
    s.bigint(s.col.seq, 8);
    s.next();
    // Then each row is one line of 14 tab-separated fields
    const n = '\\N';
    expect(text(s.take())).toBe(
      ['web-1', '7', '0', 'bind', n, n, n, n, 't', n, n, n, n, '18446744073709551615'].join('\t') + '\n' +
      ['web-1', '8', n, n, n, n, n, n, n, n, n, n, n, n].join('\t') + '\n');
    // And nothing is kept once taken
    expect(s.take()).toEqual([]);
  });

  it('escapes backslash, tab, newline and carriage return; a NUL becomes U+FFFD; lists are array literals; findings end with at_end', () => {
    const s = new PgRowSink(FINDINGS, 'h_2', true);
    s.text(s.col.rule, 'r');
    s.enumValue(s.col.severity, 'error');
    s.bigint(s.col.seq, 3);
    s.text(s.col.entity, 'a\\b\tc');
    s.text(s.col.message, 'x\ny\rz\0');
    s.list(s.col.related, [1, 2]);
    s.next();
    expect(text(s.take())).toBe('h_2\tr\terror\t3\ta\\\\b\\tc\tx\\ny\\rz\uFFFD\t{1,2}\tt\n');
  });
});
