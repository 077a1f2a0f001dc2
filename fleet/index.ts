export { consumeHosts, type HostRun } from './embedded.js';
export { FleetInputError, hostFiles, type HostFile } from './hostFiles.js';
export { fleetReport, type FleetReport, type HostReport, type ReportSource } from './report.js';
export { openFleetStore } from './store.js';
