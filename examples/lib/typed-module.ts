import { useModule } from '@kindling/core';

/**
 * useModule() typed as the module it names. On executors the environment entry *is* the module
 * namespace (the ModuleRef is only its name on the driver), so typing it as `M` gives shipped
 * functions checked calls: `{ text: typedModule<typeof Text>('./lib/text.ts') }`.
 */
export function typedModule<M>(specifier: string): M {
  return useModule(specifier) as unknown as M;
}
