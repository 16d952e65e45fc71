import type { HostPort } from './mesos-master-url.js';

/** Finds the leading Mesos master (a fixed address, or ZooKeeper's lowest json.info_ member). */
export interface MasterDetector {
  /** The current leader; waits until one is known (or the detector is closed, which rejects). */
  leader(): Promise<HostPort>;
  /** Called when leadership moves to another master. */
  onChange(listener: (leader: HostPort) => void): void;
  close(): Promise<void>;
}

/** mesos://host:port: the one master given; a non-leader answers 307 and the client follows it. */
export class StaticMasterDetector implements MasterDetector {
  constructor(private readonly master: HostPort) {}
  async leader(): Promise<HostPort> {
    return this.master;
  }
  onChange(): void {}
  async close(): Promise<void> {}
}
