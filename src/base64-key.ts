// How esc-kube writes a 256-bit key as text (the cache's data key, the environments key): 44
// characters of base64.

/** A 32-byte key in base64. */
export const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

/** The key written in `text` (whitespace around it ignored), or undefined when it is not one. */
export function keyFromText(text: string | undefined): Buffer | undefined {
  const t = text?.trim();
  return t && BASE64_KEY.test(t) ? Buffer.from(t, 'base64') : undefined;
}
