/** The pagerank and sort examples, run through kindling-submit at small sizes. */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runSubmit } from './helpers/submit.js';

/** Spark's PageRank on a plain edge list, as examples/pagerank.ts computes it. */
function naivePageRank(edges: Array<[string, string]>, iterations: number): Map<string, number> {
  const links = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const [src, dst] of edges) {
    if (seen.has(`${src} ${dst}`)) continue;
    seen.add(`${src} ${dst}`);
    links.set(src, [...(links.get(src) ?? []), dst]);
  }
  let ranks = new Map([...links.keys()].map((p) => [p, 1.0]));
  for (let i = 0; i < iterations; i++) {
    const sums = new Map<string, number>();
    for (const [page, urls] of links) {
      const rank = ranks.get(page);
      if (rank === undefined) continue; // the join keeps pages that have both links and a rank
      for (const url of urls) sums.set(url, (sums.get(url) ?? 0) + rank / urls.length);
    }
    ranks = new Map([...sums].map(([p, s]) => [p, 0.15 + 0.85 * s]));
  }
  return ranks;
}

/** `page<TAB>rank` lines of the example's output. */
function parseRanks(stdout: string): Array<[string, number]> {
  return stdout
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [page, rank] = l.split('\t');
      return [page!, Number(rank)];
    });
}

/** The example's key generator, restated. */
function sortKey(i: number): number {
  let h = Math.imul(i ^ (i >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('examples via kindling-submit', function () {
  this.timeout(120_000);

  it('pagerank.ts ranks the bundled edge list like a naive PageRank', async () => {
    const edgesFile = path.join(ROOT, 'examples', 'data', 'edges.txt');
    const run = await runSubmit(['--master', 'local[2]', 'examples/pagerank.ts', '5', edgesFile]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Top pages after 5 iterations:');

    const edges = fs
      .readFileSync(edgesFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(/\s+/) as [string, string]);
    const expected = [...naivePageRank(edges, 5)].sort(([pa, ra], [pb, rb]) => rb - ra || (pa < pb ? -1 : 1)).slice(0, 10);
    const actual = parseRanks(run.stdout);
    expect(actual.map(([p]) => p)).to.deep.equal(expected.map(([p]) => p));
    actual.forEach(([, rank], i) => expect(rank).to.be.closeTo(expected[i]![1], 1e-6));
  });

  it('pagerank.ts runs on its built-in graph and rejects a bad iteration count', async () => {
    const run = await runSubmit(['examples/pagerank.ts', '3']);
    expect(run.code, run.stderr).to.equal(0);
    const ranks = parseRanks(run.stdout);
    expect(ranks.length).to.be.within(1, 10);
    for (let i = 1; i < ranks.length; i++) expect(ranks[i]![1]).to.be.at.most(ranks[i - 1]![1]);

    const bad = await runSubmit(['examples/pagerank.ts', 'many']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('Usage: kindling-submit examples/pagerank.ts');
  });

  it('sort.ts sorts and verifies a small data set', async () => {
    const n = 20_000;
    const run = await runSubmit(['--master', 'local[2]', 'examples/sort.ts', String(n), '3']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`Sorted ${n} records in 3 partitions: globally sorted`);
    const sizes = /Partition sizes: (.*)/.exec(run.stdout)![1]!.split(' ').map(Number);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(n);
    const smallest = Array.from({ length: n }, (_, i) => sortKey(i))
      .sort((a, b) => a - b)
      .slice(0, 5);
    expect(run.stdout).to.include(`First keys: ${smallest.join(' ')}`);
  });
});
