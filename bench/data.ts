/**
 * Deterministic input data. The word-count text is generated once into bench/data/ (gitignored)
 * and reused while a file of the same parameters and size is present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bump when the generator's output changes, so stale files are regenerated. */
const GENERATOR_VERSION = 1;

/** mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TextSpec {
  targetBytes: number;
  vocabulary: number;
  /** Zipf exponent: word of rank r is drawn with weight 1 / r^s. */
  zipf: number;
  minWordsPerLine: number;
  maxWordsPerLine: number;
  seed: number;
}

export interface TextFileInfo {
  path: string;
  bytes: number;
  lines: number;
  words: number;
  generatedNow: boolean;
  ms: number;
}

export function wordCountSpec(targetMB: number): TextSpec {
  return { targetBytes: targetMB * 1024 * 1024, vocabulary: 50_000, zipf: 1.0, minWordsPerLine: 10, maxWordsPerLine: 15, seed: 20240601 };
}

/** `count` distinct lowercase words of 2-12 letters (short words more likely), deterministic. */
function vocabulary(count: number, rand: () => number): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < count) {
    const len = 2 + Math.floor(Math.pow(rand(), 1.5) * 11);
    let w = '';
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + Math.floor(rand() * 26));
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / Math.pow(r + 1, s);
  for (let r = 0; r < n; r++) cdf[r]! /= sum;
  cdf[n - 1] = 1;
  return cdf;
}

/** Index of the first cdf entry >= u. */
function sample(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The word-count input: lines of 10-15 space-separated words drawn from a Zipf-distributed
 * vocabulary, '\n'-terminated, stopping at the first line end at or past targetBytes.
 */
export function ensureTextFile(dir: string, spec: TextSpec, log: (msg: string) => void = () => {}): TextFileInfo {
  fs.mkdirSync(dir, { recursive: true });
  const mb = Math.round(spec.targetBytes / (1024 * 1024));
  const file = path.join(dir, `words-${mb}MB.txt`);
  const metaFile = `${file}.json`;
  const wanted = { version: GENERATOR_VERSION, ...spec };
  try {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as typeof wanted & { bytes: number; lines: number; words: number };
    const sameSpec = Object.entries(wanted).every(([k, v]) => (meta as Record<string, unknown>)[k] === v);
    if (sameSpec && fs.statSync(file).size === meta.bytes) {
      return { path: file, bytes: meta.bytes, lines: meta.lines, words: meta.words, generatedNow: false, ms: 0 };
    }
  } catch {
    // missing or stale: regenerate
  }
  log(`generating ${file} (${mb} MB)...`);
  const start = performance.now();
  const rand = mulberry32(spec.seed);
  const vocab = vocabulary(spec.vocabulary, rand);
  const cdf = zipfCdf(spec.vocabulary, spec.zipf);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  let bytes = 0;
  let lines = 0;
  let words = 0;
  try {
    const span = spec.maxWordsPerLine - spec.minWordsPerLine + 1;
    while (bytes < spec.targetBytes) {
      // ~1 MB of lines per write; the vocabulary is ASCII, so string length is byte length.
      let chunk = '';
      while (chunk.length < 1 << 20 && bytes + chunk.length < spec.targetBytes) {
        const n = spec.minWordsPerLine + Math.floor(rand() * span);
        let line = vocab[sample(cdf, rand())]!;
        for (let i = 1; i < n; i++) line += ' ' + vocab[sample(cdf, rand())]!;
        chunk += line + '\n';
        lines++;
        words += n;
      }
      fs.writeSync(fd, chunk);
      bytes += chunk.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fs.writeFileSync(metaFile, JSON.stringify({ ...wanted, bytes, lines, words }, null, 2));
  const ms = performance.now() - start;
  log(`generated ${bytes} bytes, ${lines} lines, ${words} words in ${(ms / 1000).toFixed(1)} s`);
  return { path: file, bytes, lines, words, generatedNow: true, ms };
}
