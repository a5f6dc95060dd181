// How esc-kube writes a 256-bit key as text (the cache's data key, the environments key): 44
// characters of base64.

/** A 32-byte key in base64. */
export const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;
