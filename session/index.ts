export { Session, type SessionJSON, type SessionOptions, type SessionPoint, type SessionStep } from './session.js';
export { runTrace, type RunOptions } from './runTrace.js';
export { implicitEntityError, strictCheck } from './strict.js';
