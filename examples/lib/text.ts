export function tokenize(line: string): string[] {
  return line.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}
