/** Where an executor serves its blocks and keeps its files; backends fill it in at registration. */
export interface ExecutorAddress {
  host: string;
  /** Block transfer service port; 0 for in-process executors (no network). */
  blockPort: number;
  /** The executor's working directory, for direct reads by executors on the same host. */
  localDir: string;
}

/** Shared by the backend (writer) and the DAG scheduler (reader, when it builds stage plans). */
export class ExecutorAddressBook {
  private readonly addresses = new Map<string, ExecutorAddress>();

  set(executorId: string, address: ExecutorAddress): void {
    this.addresses.set(executorId, address);
  }

  get(executorId: string): ExecutorAddress | undefined {
    return this.addresses.get(executorId);
  }

  delete(executorId: string): void {
    this.addresses.delete(executorId);
  }
}
