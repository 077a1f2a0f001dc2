import { OP_NAMES, type Op } from './types.js';
import { bool, code, fail, get, hexString, missing, optUint, show, str, uint, type Obj } from './fieldReaders.js';

/** An observed driver operation record (`op` lines): the fields of that op (sva-model.md). */
export function opRecord(o: Obj, line: number, file: string): Op {
  const name = get(o, 'op');
  if (name === undefined || name === null) missing(o, 'op', line, file);
  switch (name) {
    case 'mm_alloc':
      return { op: 'mm_alloc', domain: str(o, 'domain', line, file), mm: str(o, 'mm', line, file) };
    case 'mm_attach':
      return {
        op: 'mm_attach', domain: str(o, 'domain', line, file), dev: str(o, 'dev', line, file),
        pasid: uint(o, 'pasid', line, file), attach_domain: bool(o, 'attach_domain', line, file),
      };
    case 'mm_detach':
      return {
        op: 'mm_detach', domain: str(o, 'domain', line, file), dev: str(o, 'dev', line, file),
        pasid: uint(o, 'pasid', line, file), detach_domain: bool(o, 'detach_domain', line, file),
      };
    case 'mm_free':
      return { op: 'mm_free', mm: str(o, 'mm', line, file), pasid: optUint(o, 'pasid', line, file) ?? null };
    case 'mm_exit':
    case 'iopf_flush':
    case 'set_dev_pasid':
    case 'remove_dev_pasid':
    case 'mm_release':
      return {
        op: name as 'mm_exit' | 'iopf_flush' | 'set_dev_pasid' | 'remove_dev_pasid' | 'mm_release',
        dev: str(o, 'dev', line, file), pasid: uint(o, 'pasid', line, file),
      };
    case 'pasid_alloc':
    case 'pasid_free':
      return { op: name as 'pasid_alloc' | 'pasid_free', mm: str(o, 'mm', line, file), pasid: uint(o, 'pasid', line, file) };
    case 'domain_alloc_sva':
      return { op: 'domain_alloc_sva', mm: str(o, 'mm', line, file), dev: str(o, 'dev', line, file) };
    case 'domain_free':
      return { op: 'domain_free' };
    case 'iopf_handle':
      return {
        op: 'iopf_handle', dev: str(o, 'dev', line, file), pasid: uint(o, 'pasid', line, file),
        group: uint(o, 'group', line, file), mm: str(o, 'mm', line, file),
      };
    case 'page_response':
      return {
        op: 'page_response', dev: str(o, 'dev', line, file), pasid: uint(o, 'pasid', line, file),
        group: uint(o, 'group', line, file), code: code(o, 'code', line, file),
      };
    case 'mm_invalidate':
      return {
        op: 'mm_invalidate', domain: str(o, 'domain', line, file), dev: str(o, 'dev', line, file),
        pasid: uint(o, 'pasid', line, file), start: hexString(o, 'start', line, file),
        size: hexString(o, 'size', line, file),
      };
    default:
      return fail(file, line, 'op', typeof name === 'string'
        ? `unknown op ${show(name)} (expected one of ${OP_NAMES.join(', ')})`
        : `expected a string, got ${show(name)}`);
  }
}
