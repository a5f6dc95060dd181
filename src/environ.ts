// Environment variables as every part of esc-kube reads them: passed in, never read from the process
// deep inside (the composition root reads the process's once).

/** Environment variables, read only through this. */
export type Environ = Readonly<Record<string, string | undefined>>;
