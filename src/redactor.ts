// Streaming redaction of secrets in a command's output (`env run` without -i), as `esc run` does.
// A secret may be split across two chunks, so an end of output that could be the start of a secret is
// held back until more arrives or the stream ends; anything else is passed on at once.

/** Replaces secret strings with "[secret]" in text that arrives in chunks. */
export class Redactor {
  private pending = '';
  private readonly secrets: string[];
  private readonly firstChars: Set<string>;
  private readonly hold: number;

  constructor(secrets: readonly string[]) {
    // Longest first, so that a secret containing another is replaced whole.
    this.secrets = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    this.firstChars = new Set(this.secrets.map((s) => s[0]!));
    this.hold = Math.max(0, ...this.secrets.map((s) => s.length - 1));
  }

  /** Feeds a chunk; returns the text that is safe to emit now. */
  push(chunk: string): string {
    if (this.secrets.length === 0) return chunk;
    return this.scan(this.pending + chunk, false);
  }

  /** Returns whatever is still held back, redacted. */
  end(): string {
    return this.scan(this.pending, true);
  }

  private scan(buf: string, final: boolean): string {
    let out = '';
    let plainFrom = 0;
    let i = 0;
    while (i < buf.length) {
      if (!this.firstChars.has(buf[i]!)) {
        i++;
        continue;
      }
      const s = this.secrets.find((x) => buf.startsWith(x, i));
      if (s) {
        out += buf.slice(plainFrom, i) + '[secret]';
        i += s.length;
        plainFrom = i;
        continue;
      }
      // The rest of the buffer may be the beginning of a secret: wait for more.
      if (!final && buf.length - i <= this.hold && this.secrets.some((x) => x.startsWith(buf.slice(i)))) break;
      i++;
    }
    out += buf.slice(plainFrom, i);
    this.pending = buf.slice(i);
    return out;
  }
}
