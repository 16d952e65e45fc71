import { expect } from 'chai';
import { tsxRegistersInWorkers } from './tsx-worker-hooks.js';

describe('deploy/tsxRegistersInWorkers', () => {
  it("matches tsx's table of Node versions whose workers get its hooks", () => {
    for (const v of ['20.20.2', '22.12.0', '22.22.2', '23.9.0', '24.11.0', '25.0.9']) expect(tsxRegistersInWorkers(v), v).to.equal(false);
    for (const v of ['22.22.3', '22.23.0', '24.11.1', '24.12.0', '25.1.0', '26.0.0', '27.3.1']) expect(tsxRegistersInWorkers(v), v).to.equal(true);
  });
});
