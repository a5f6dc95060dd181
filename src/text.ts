// Small helpers for the words of messages, shared by commands and use cases.

/** `n thing` or `n things`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Text on one line: runs of whitespace (newlines included) become one space. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
