export { checkHost, FleetServerError } from './errors.js';
export { connectNats, DEFAULT_STREAM, ensureStream, type StreamNames } from './jetstream.js';
export { shipTrace, type ShipResult } from './ship.js';
export { consumeFleet, type ConsumeSummary, type FleetMetrics } from './consume.js';
export { openPool, redact } from './pgStore.js';
export { pgQuery } from './pgQuery.js';
