import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temporary directory for one suite: files are created in before(), removed in after(). */
export function useTempDir(): { readonly dir: string; write(name: string, text?: string): string } {
  let dir: string | undefined;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-deploy-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (!dir) throw new Error('the temp dir only exists inside tests');
      return dir;
    },
    write(name: string, text = ''): string {
      const file = path.join(this.dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
  };
}
