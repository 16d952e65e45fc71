import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindlingContext, type KindlingContextOptions } from '@kindling/core';

/**
 * One KindlingContext per `describe` block: created in before(), stopped in after().
 * `fixture.kc` is valid inside tests and hooks.
 */
export function useContext(options: KindlingContextOptions = { master: 'local[2]' }): { readonly kc: KindlingContext } {
  let kc: KindlingContext | undefined;
  before(async function () {
    kc = await KindlingContext.create(options);
  });
  after(async function () {
    await kc?.stop();
    kc = undefined;
  });
  return {
    get kc(): KindlingContext {
      if (!kc) throw new Error('the context is only available inside tests');
      return kc;
    },
  };
}

/** Creates a context for the duration of `body` and always stops it. */
export async function withContext<T>(options: KindlingContextOptions, body: (kc: KindlingContext) => Promise<T>): Promise<T> {
  const kc = await KindlingContext.create(options);
  try {
    return await body(kc);
  } finally {
    await kc.stop();
  }
}

/** A fresh temporary directory, removed when the surrounding describe block ends. */
export function useTempDir(prefix = 'kindling-test-'): { readonly dir: string; sub(name: string): string } {
  let dir: string | undefined;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  let counter = 0;
  return {
    get dir(): string {
      if (!dir) throw new Error('the temp dir is only available inside tests');
      return dir;
    },
    /** A unique path (not created) below the temp dir. */
    sub(name: string): string {
      if (!dir) throw new Error('the temp dir is only available inside tests');
      return path.join(dir, `${name}-${counter++}`);
    },
  };
}
