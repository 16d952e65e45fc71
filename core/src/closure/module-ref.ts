import { IllegalArgumentError } from '../errors.js';
import { TRANSPORT, type Transportable, type TransportMarker } from './transport-marker.js';

/** The marker a ModuleRef becomes on the wire. */
export interface ModuleMarker extends TransportMarker {
  $kindling: 'module';
  specifier: string;
}

/**
 * A module a shipped function needs. Functions travel as source text, so they cannot close
 * over imports; instead they receive the module namespace through their environment:
 * `rdd.map((line, env) => env.text.tokenize(line), { text: useModule('./lib/text.js') })`.
 */
export class ModuleRef implements Transportable {
  constructor(readonly specifier: string) {}

  [TRANSPORT](): ModuleMarker {
    return { $kindling: 'module', specifier: this.specifier };
  }

  toString(): string {
    return `useModule('${this.specifier}')`;
  }
}

/**
 * Reference a module by specifier. Relative specifiers are resolved against the application
 * root on executors (by the marker resolver the runtime supplies), not against this file.
 */
export function useModule(specifier: string): ModuleRef {
  if (typeof specifier !== 'string' || specifier.trim() === '') {
    throw new IllegalArgumentError(`useModule() needs a module specifier such as './lib/text.js' or 'lodash', got ${String(specifier)}`);
  }
  return new ModuleRef(specifier);
}

/** True for the marker a ModuleRef produced. */
export function isModuleMarker(marker: TransportMarker): marker is ModuleMarker {
  return marker.$kindling === 'module' && typeof marker.specifier === 'string';
}
