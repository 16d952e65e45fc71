/**
 * Serialized stage plans by id. Executors fetch each once and cache it; the driver drops a
 * plan when its stage attempt finishes.
 */
export class TaskBinaryRegistry {
  private nextId = 0;
  private readonly binaries = new Map<number, Uint8Array>();
  private readonly byStage = new Map<string, number>();

  add(bytes: Uint8Array, stage?: { stageId: number; attemptId: number }): number {
    const id = this.nextId++;
    this.binaries.set(id, bytes);
    if (stage) this.byStage.set(`${stage.stageId}.${stage.attemptId}`, id);
    return id;
  }

  get(id: number): Uint8Array | undefined {
    return this.binaries.get(id);
  }

  releaseStage(stageId: number, attemptId: number): void {
    const key = `${stageId}.${attemptId}`;
    const id = this.byStage.get(key);
    if (id === undefined) return;
    this.byStage.delete(key);
    // Task threads fetch a plan lazily on their first task of the stage; keep it a while for
    // attempts still in flight (executor-side caches make later fetches rare).
    setTimeout(() => this.binaries.delete(id), 60_000).unref();
  }

  clear(): void {
    this.binaries.clear();
    this.byStage.clear();
  }
}
