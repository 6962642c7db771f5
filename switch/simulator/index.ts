// Public entry of the switch simulator for the demo script and tests.
export { startSimulator, type RunningSimulator, type SimulatorOptions } from './server';
export type { FaultConfig } from './faults';
