// Optional properties under exactOptionalPropertyTypes: an absent property, never one set to undefined.

/** The properties of `T`, each optional and never undefined. */
export type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** A copy of `o` without its undefined properties (`{ a, ...defined({ b, c }) }`). */
export function defined<T extends object>(o: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as Defined<T>;
}
