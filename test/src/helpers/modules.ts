import { useModule } from '@kindling/core';

/**
 * useModule() typed as the module it names (as examples/lib/typed-module.ts does): on executors
 * the environment entry is the module namespace, on the driver only its name.
 */
export function typedModule<M>(specifier: string): M {
  return useModule(specifier) as unknown as M;
}

export type FsModule = typeof import('node:fs');
