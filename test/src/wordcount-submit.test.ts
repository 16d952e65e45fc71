/**
 * kindling-submit end to end: the wordcount example on generated text, the CLI's exit codes, and
 * what an application receives from the command line.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { seededRandom } from './helpers/data.js';
import { ROOT, TESTDATA, runSubmit } from './helpers/submit.js';

/** The tokenizer rules of examples/lib/text.ts, restated as the test's oracle. */
function words(line: string): string[] {
  return line.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
}

const VOCABULARY = [
  'The', 'quick', 'brown', 'fox', 'JUMPS', 'over', 'lazy', 'dog', 'Spark', 'kindling', 'data', 'node',
  'naïve', 'Café', 'straße', 'Ελλάδα', 'ΟΔΟΣ', '日本語', 'résumé', 'Zürich', 'piñata', '42', 'x86_64', "don't",
  'e-mail', 'co-op', '🚀rocket', 'tab\there', 'ÅNGSTRÖM', 'ﬁne',
];
const PUNCTUATION = [' ', ' ', ' ', ', ', '. ', '; ', ' -- ', '! ', ' (', ') ', ' "', '" ', ' 🙂 ', '\u00a0'];

/** A few thousand lines of mixed-case, multi-byte text; every 5th line ends with CRLF, some are blank. */
function generateText(lineCount: number): string {
  const rand = seededRandom(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let text = '';
  for (let i = 0; i < lineCount; i++) {
    let line = '';
    if (i % 17 !== 0) {
      const n = 1 + Math.floor(rand() * 12);
      for (let w = 0; w < n; w++) line += pick(VOCABULARY) + pick(PUNCTUATION);
    }
    text += line + (i % 5 === 0 ? '\r\n' : '\n');
  }
  return text;
}

function naiveCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    for (const w of words(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

/** Reads `(word,count)` lines back from every part file of a saveAsTextFile directory. */
function readOutput(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  const parts = fs.readdirSync(dir).filter((f) => f.startsWith('part-'));
  expect(parts.length).to.be.greaterThan(0);
  for (const part of parts) {
    for (const line of fs.readFileSync(path.join(dir, part), 'utf8').split('\n')) {
      if (line === '') continue;
      const m = /^\((.+),(\d+)\)$/.exec(line);
      expect(m, `malformed output line ${JSON.stringify(line)} in ${part}`).not.to.equal(null);
      expect(counts.has(m![1]!), `word ${m![1]} appears twice`).to.equal(false);
      counts.set(m![1]!, Number(m![2]));
    }
  }
  return counts;
}

function top10(counts: Map<string, number>): string[] {
  return [...counts]
    .sort(([wa, ca], [wb, cb]) => cb - ca || (wa < wb ? -1 : wa > wb ? 1 : 0))
    .slice(0, 10)
    .map(([w, c]) => `${w}\t${c}`);
}

describe('kindling-submit (end to end)', function () {
  this.timeout(120_000);
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-submit-'));
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs examples/wordcount.ts and writes the same counts as a naive word count', async () => {
    const text = generateText(4000);
    const input = path.join(tmp, 'input.txt');
    fs.writeFileSync(input, text);
    const out = path.join(tmp, 'wordcount-out');

    const run = await runSubmit(['--master', 'local[2]', 'examples/wordcount.ts', input, out]);
    expect(run.code, run.stderr).to.equal(0);
    expect(fs.existsSync(path.join(out, '_SUCCESS'))).to.equal(true);

    const expected = naiveCounts(text);
    expect(expected.size).to.be.greaterThan(20);
    expect(expected.has('naïve') && expected.has('日本語') && expected.has('ελλάδα')).to.equal(true);
    const actual = readOutput(out);
    expect(Object.fromEntries(actual)).to.deep.equal(Object.fromEntries(expected));

    expect(run.stdout.trimEnd().split('\n')).to.deep.equal(top10(expected));
  });

  it('prints usage for --help and exits 0', async () => {
    const run = await runSubmit(['--help']);
    expect(run.code).to.equal(0);
    for (const opt of ['--master', '--name', '--conf', '--properties-file', '--verbose', '--help']) expect(run.stdout).to.include(opt);
  });

  it('exits 1 with the message and usage when no application is given', async () => {
    const run = await runSubmit([]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('Error: Must specify a primary resource (a .js, .mjs, .ts or .mts application file)');
    expect(run.stderr).to.include('Usage: kindling-submit');
  });

  it('hands --master, --conf, the name, the app root and the arguments to the application', async () => {
    const app = path.join(TESTDATA, 'print-conf-app.ts');
    // From another directory: the tsx preload and @kindling/core must not depend on the cwd.
    const run = await runSubmit(['--master', 'local[2]', '--conf', 'kindling.foo=bar', app, '--x', 'y z'], { cwd: tmp });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.split('\n')).to.include.members([
      'kindling.foo=bar',
      'master=local[2]',
      'name=print-conf-app',
      `app.root=${TESTDATA}`,
      'args=["--x","y z"]',
      'sum=20',
    ]);
  });

  it("leaves the master to the application's default when none is given", async () => {
    const run = await runSubmit(['--name', 'custom', 'test/testdata/print-conf-app.ts']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.split('\n')).to.include.members(['kindling.foo=undefined', 'master=local[*]', 'name=custom']);
  });

  it('exits non-zero with the error on stderr when the application throws', async () => {
    const driver = await runSubmit(['test/testdata/failing-app.ts', 'driver']);
    expect(driver.code).to.equal(1);
    expect(driver.stderr).to.include('fixture app failed on purpose in the driver');

    const task = await runSubmit(['--master', 'local[2]', 'test/testdata/failing-app.ts', 'task']);
    expect(task.code).to.not.equal(0);
    expect(task.stderr).to.include('fixture app failed on purpose in a task');
  });

  it('forwards SIGTERM to the application and exits with its code', async function () {
    if (process.platform === 'win32') this.skip();
    const run = await runSubmit(['test/testdata/signal-app.mjs'], {
      onStart: (child) => {
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) child.kill('SIGTERM');
        });
      },
    });
    expect(run.stdout).to.include('child got SIGTERM');
    expect(run.code).to.equal(42);
  });

  it('counts the bundled sample text as `npm run wordcount` does', async () => {
    const sample = path.join(ROOT, 'examples', 'data', 'sample.txt');
    expect(fs.statSync(sample).size).to.be.within(30_000, 60_000);
    const out = path.join(tmp, 'sample-out');
    const run = await runSubmit(['examples/wordcount.ts', 'examples/data/sample.txt', out]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.trimEnd().split('\n')).to.deep.equal(top10(naiveCounts(fs.readFileSync(sample, 'utf8'))));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['wordcount']).to.include('kindling-submit.js examples/wordcount.ts examples/data/sample.txt out/wordcount');
  });
});
