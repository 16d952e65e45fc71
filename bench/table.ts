/** The benchmark report: one Markdown table row per benchmark. */

export interface Row {
  benchmark: string;
  /** What it runs, including the master URL. */
  what: string;
  result: string;
  baseline: string;
  ratio: string;
  target: string;
  /** "yes", "no", "n/a", "skipped: ..." or "failed: ...". */
  met: string;
}

const COLUMNS: Array<[keyof Row, string]> = [
  ['benchmark', 'benchmark'],
  ['what', 'what it runs'],
  ['result', 'result'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['target', 'target'],
  ['met', 'met?'],
];

/** Cells may not contain a newline or an unescaped pipe. */
function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function formatTable(rows: readonly Row[]): string {
  const lines = [
    `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
  ];
  for (const row of rows) lines.push(`| ${COLUMNS.map(([key]) => cell(row[key])).join(' | ')} |`);
  return lines.join('\n');
}

// ---- number formatting ----

/** 12345.6 -> "12,346"; small numbers keep `digits` significant decimals. */
export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtRatio(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? 'n/a' : `${r.toFixed(2)}x`;
}

export function fmtMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
