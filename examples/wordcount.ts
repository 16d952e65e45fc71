/**
 * Word count, Spark's hello world: counts the words of a text file, saves `(word,count)` lines
 * to an output directory and prints the 10 most frequent words.
 *
 *   kindling-submit [--master local[4]] examples/wordcount.ts <input> <outputDir>
 */
import { KindlingContext, type Pair } from '@kindling/core';
import type * as Text from './lib/text.ts';
import { typedModule } from './lib/typed-module.ts';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('Usage: kindling-submit examples/wordcount.ts <input> <outputDir>');
  process.exit(2);
}

const kc = await KindlingContext.create();
try {
  const counts = kc
    .textFile(input)
    // The tokenizer is the app's own module: executors import it relative to kindling.app.root,
    // which kindling-submit sets to this file's directory.
    .flatMap((line, env) => env.text.tokenize(line), { text: typedModule<typeof Text>('./lib/text.ts') })
    .map((word): Pair<string, number> => [word, 1])
    .reduceByKey((a, b) => a + b)
    .cache(); // used by two actions below

  await counts.saveAsTextFile(output);

  // Most frequent first; ties in code-unit order of the word, so the output is deterministic.
  const top = await counts.takeOrdered(10, ([wa, ca], [wb, cb]) => cb - ca || (wa < wb ? -1 : wa > wb ? 1 : 0));
  for (const [word, count] of top) console.log(`${word}\t${count}`);
} finally {
  await kc.stop();
}
