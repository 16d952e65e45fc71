import { expect } from 'chai';
import { KindlingContext } from '@kindling/core';

/**
 * A shuffle several times larger than an executor's heap completes: map buffers, the reducer's
 * aggregation and its sort all spill to disk above kindling.shuffle.spill.threshold. The
 * executor process runs with --max-old-space-size=160, so holding the data would crash it.
 */
describe('shuffles larger than the executor heap', function () {
  this.timeout(120_000);
  let kc: KindlingContext;
  const N = 1_500_000;

  before(async () => {
    kc = await KindlingContext.create({
      master: 'local-cluster[1,1,160]',
      conf: { 'kindling.shuffle.spill.threshold': '16m' },
    });
  });
  after(async () => {
    await kc.stop();
  });

  it('sorts ~300 MB of records through a 160 MiB executor', async () => {
    const parts = await kc
      .range(0, N, 1, 6)
      .map((i) => [((i * 2654435761) >>> 0) % 1000003, `${'x'.repeat(200)}${i}`] as [number, string])
      .sortByKey(true, 3)
      .mapPartitionsWithIndex((index, it) => {
        let count = 0;
        let prev = -Infinity;
        let ordered = true;
        let bytes = 0;
        let first: number | undefined;
        let last: number | undefined;
        for (const [k, v] of it) {
          if (k < prev) ordered = false;
          prev = k;
          first ??= k;
          last = k;
          count++;
          bytes += v.length;
        }
        return [{ index, count, ordered, bytes, first, last }];
      })
      .collect();
    expect(parts.reduce((s, p) => s + p.count, 0)).to.equal(N);
    expect(parts.every((p) => p.ordered)).to.equal(true);
    expect(parts.reduce((s, p) => s + p.bytes, 0)).to.be.greaterThan(300_000_000);
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.first!).to.be.at.least(parts[i - 1]!.last!);
  });

  it('aggregates ~500k distinct keys of ~200-byte values through a 160 MiB executor', async () => {
    const K = 500_000;
    // Keep, per key, the value with the largest index; compare the sum of those indices.
    const sum = await kc
      .range(0, N, 1, 6)
      .map((i, env) => [i % env.K, `${'y'.repeat(200)}${i}`] as [number, string], { K })
      .reduceByKey((a, b) => (Number(a.slice(200)) > Number(b.slice(200)) ? a : b), 4)
      .map(([, v]) => Number(v.slice(200)))
      .reduce((a, b) => a + b);
    let expected = 0;
    for (let k = 0; k < K; k++) expected += k + K * Math.floor((N - 1 - k) / K);
    expect(sum).to.equal(expected);
  });
});
