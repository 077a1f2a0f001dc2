/** The trace fingerprint moved to events/source/fingerprint.ts (the index and the event cache share it). */
export { checkFreshness, fingerprint, type Freshness, type TraceFingerprint } from '../../events/source/fingerprint.js';
