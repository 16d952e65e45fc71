import { expect } from 'chai';
import { RateLimitedLog } from './rate-limited-log.js';

describe('util/RateLimitedLog', () => {
  it('writes `burst` lines per interval, then one summary with the count of the rest', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLimitedLog((m) => lines.push(m), 'refused connections', 3, 10_000, () => now);
    for (let i = 0; i < 21_000; i++) log.log(`refused ${i}`);
    expect(lines).to.deep.equal(['refused 0', 'refused 1', 'refused 2']);
    now = 10_000; // next window: the summary of the last one comes first
    log.log('refused later');
    expect(lines.slice(3)).to.deep.equal([
      '... and 20997 more refused connections in the last 10 s (not logged one by one)',
      'refused later',
    ]);
    log.flush();
    expect(lines).to.have.length(5, 'nothing pending, nothing written');
  });

  it('writes the summary when the flood stops, without waiting for another message', async () => {
    const lines: string[] = [];
    const log = new RateLimitedLog((m) => lines.push(m), 'x', 1, 50);
    log.log('a');
    log.log('b');
    log.log('c');
    await new Promise((r) => setTimeout(r, 150));
    expect(lines).to.deep.equal(['a', '... and 2 more x in the last 0 s (not logged one by one)']);
  });
});
