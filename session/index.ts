export { Session, type SessionOptions, type SessionStep } from './session.js';
export { runTrace, type RunOptions } from './runTrace.js';
