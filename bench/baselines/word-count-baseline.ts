/**
 * The hand-written single-process word count the word-count benchmark is compared with: read
 * the file in 4 MB chunks with fs.readSync, split lines on '\n' and words on ' ' (exactly as the
 * Kindling job does), count in a Map.
 */
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 4 * 1024 * 1024;

export function wordCountBaseline(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  const countLine = (line: string): void => {
    const words = line.split(' ');
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  };
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const text = carry + decoder.write(buf.subarray(0, n));
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
        countLine(text.slice(from, nl));
        from = nl + 1;
      }
      carry = text.slice(from);
    }
    carry += decoder.end();
    if (carry.length > 0) countLine(carry);
  } finally {
    fs.closeSync(fd);
  }
  return counts;
}
