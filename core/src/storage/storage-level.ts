/** Where a persisted RDD's partitions are kept. Mirrors Spark's StorageLevel constants. */
export interface StorageLevel {
  readonly name: string;
  readonly useMemory: boolean;
  readonly useDisk: boolean;
}

export const StorageLevel = {
  NONE: { name: 'NONE', useMemory: false, useDisk: false },
  MEMORY_ONLY: { name: 'MEMORY_ONLY', useMemory: true, useDisk: false },
  MEMORY_AND_DISK: { name: 'MEMORY_AND_DISK', useMemory: true, useDisk: true },
  DISK_ONLY: { name: 'DISK_ONLY', useMemory: false, useDisk: true },
} as const satisfies Record<string, StorageLevel>;

export function storageLevelByName(name: string): StorageLevel | undefined {
  return (StorageLevel as Record<string, StorageLevel>)[name];
}
