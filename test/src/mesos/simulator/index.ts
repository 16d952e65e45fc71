export { MesosMasterSimulator, HttpError, type MasterSimulatorOptions } from './mesos-master-simulator.js';
export { SimulatedCluster, type AgentSpec, type SimTask } from './sim-agents.js';
