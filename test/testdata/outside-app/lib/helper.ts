/** The outside app's own local module: executors load it from their unpacked copy of the app. */
export function shout(word: string): string {
  return `${word.toUpperCase()}!`;
}

export const loadedFrom: string = import.meta.url;
