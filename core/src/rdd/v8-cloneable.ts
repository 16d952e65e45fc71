import * as v8 from 'node:v8';
import { SerializationError } from '../errors.js';

/** Returns an error if `value` cannot travel by structured clone, else undefined. */
export function v8Cloneable(value: unknown, what: string): SerializationError | undefined {
  try {
    v8.serialize(value);
    return undefined;
  } catch (e) {
    return new SerializationError(`${what} cannot be shipped to executors: ${(e as Error).message}. Pass plain data.`);
  }
}
