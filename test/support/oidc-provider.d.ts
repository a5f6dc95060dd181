// oidc-provider ships no types; the tests use its constructor and listen() only.
declare module 'oidc-provider' {
  const Provider: new (issuer: string, configuration: unknown) => unknown;
  export default Provider;
}
