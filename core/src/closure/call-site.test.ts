import { expect } from 'chai';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { firstUserFrame, formatCallSite, userCallSite } from './call-site.js';

describe('closure/userCallSite', () => {
  it('returns the caller outside @kindling/core (test files count as callers)', () => {
    const site = userCallSite();
    expect(site?.file).to.match(/call-site\.test\.[jt]s$/);
    expect(site?.line).to.be.greaterThan(0);
    expect(site?.column).to.be.greaterThan(0);
  });

  it('skips core frames and node internals and strips file://', () => {
    const core = resolve('/srv/app/node_modules/@kindling/core') + sep;
    const app = resolve('/srv/app/src/job.ts');
    const stack = [
      'Error',
      `    at userCallSite (${pathToFileURL(join(core, 'dist/closure/call-site.js'))}:20:5)`,
      `    at Rdd.map (${join(core, 'dist/rdd/rdd.js')}:40:9)`,
      '    at new Promise (<anonymous>)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      `    at async main (${pathToFileURL(app)}:12:7)`,
    ].join('\n');
    expect(firstUserFrame(stack, core)).to.deep.equal({ file: app, line: 12, column: 7 });
    expect(firstUserFrame('Error\n    at node:internal/main:1:1', core)).to.equal(undefined);
  });

  it('formats relative to the working directory when possible', () => {
    expect(formatCallSite({ file: join(process.cwd(), 'src', 'app.ts'), line: 12, column: 3 })).to.equal(join('src', 'app.ts') + ':12');
    const outside = resolve(process.cwd(), '..', 'elsewhere.ts');
    expect(formatCallSite({ file: outside, line: 1, column: 1 })).to.equal(`${outside}:1`);
  });
});
