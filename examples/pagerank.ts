/**
 * PageRank, as in Spark's classic example: links are grouped by source page, hash-partitioned
 * and cached, so each iteration's join with the ranks needs no shuffle of the links.
 *
 *   kindling-submit examples/pagerank.ts [iterations=10] [edgesFile]
 *
 * edgesFile has one `source destination` pair per line (`#` comments); without it a small
 * built-in graph is used.
 */
import { HashPartitioner, KindlingContext, type Pair, type RDD } from '@kindling/core';

const BUILT_IN_EDGES: Array<Pair<string, string>> = [
  ['home', 'about'], ['home', 'blog'], ['home', 'docs'],
  ['about', 'home'], ['about', 'team'],
  ['blog', 'home'], ['blog', 'post-1'], ['blog', 'post-2'],
  ['post-1', 'blog'], ['post-1', 'docs'],
  ['post-2', 'blog'], ['post-2', 'post-1'],
  ['docs', 'home'], ['docs', 'api'],
  ['api', 'docs'],
  ['team', 'about'], ['team', 'home'],
];

const [iterationsArg = '10', edgesFile] = process.argv.slice(2);
const iterations = Number(iterationsArg);
if (!Number.isInteger(iterations) || iterations < 1) {
  console.error(`Usage: kindling-submit examples/pagerank.ts [iterations=10] [edgesFile] (got iterations '${iterationsArg}')`);
  process.exit(2);
}

const kc = await KindlingContext.create();
try {
  const edges: RDD<Pair<string, string>> = edgesFile
    ? kc
        .textFile(edgesFile)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line): Pair<string, string> => {
          const [src, dst] = line.split(/\s+/);
          if (!src || !dst) throw new Error(`Malformed edge line '${line}': expected 'source destination'`);
          return [src, dst];
        })
    : kc.parallelize(BUILT_IN_EDGES);

  const partitioner = new HashPartitioner(kc.defaultParallelism);
  const links = edges.distinct().groupByKey(partitioner).cache();
  // mapValues keeps the links' partitioner, so links.join(ranks) is a narrow dependency.
  let ranks: RDD<Pair<string, number>> = links.mapValues(() => 1.0);

  for (let i = 0; i < iterations; i++) {
    const contributions = links
      .join(ranks)
      .flatMap(([, [urls, rank]]) => urls.map((url): Pair<string, number> => [url, rank / urls.length]));
    ranks = contributions.reduceByKey((a, b) => a + b, partitioner).mapValues((sum) => 0.15 + 0.85 * sum);
  }

  const top = await ranks.takeOrdered(10, ([pa, ra], [pb, rb]) => rb - ra || (pa < pb ? -1 : pa > pb ? 1 : 0));
  console.log(`Top pages after ${iterations} iterations:`);
  for (const [page, rank] of top) console.log(`${page}\t${rank.toFixed(6)}`);
} finally {
  await kc.stop();
}
