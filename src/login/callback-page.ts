// The one page esc-kube shows a person: the end of a browser login, served by the loopback listener.
// Self-contained (no external resource, no script), it says what happened, for which environment and
// identity provider, and what to do next. Everything from outside (provider errors) is HTML-escaped.

/** What the page reports. */
export type CallbackOutcome =
  | { kind: 'success' }
  | { kind: 'failure'; error: string; description?: string }
  | { kind: 'already' }
  | { kind: 'wrong-state' }
  | { kind: 'waiting' };

/** Who the page is about: the environment and the identity provider (its issuer URL). */
export interface CallbackContext {
  env: string;
  issuer: string;
}

/** Headers for every page: no script, no external resource, never cached, no referrer. */
export const CALLBACK_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // No keep-alive: an open connection from the browser would keep esc-kube from exiting.
  connection: 'close',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The HTTP status of each page. */
export function callbackStatus(outcome: CallbackOutcome): number {
  return outcome.kind === 'wrong-state' ? 400 : 200;
}

/** The page for an outcome, as complete HTML. */
export function callbackPage(outcome: CallbackOutcome, ctx: CallbackContext): string {
  const provider = hostOf(ctx.issuer);
  const env = `<code>${escapeHtml(ctx.env || 'your environment')}</code>`;
  const idp = `<strong>${escapeHtml(provider)}</strong>`;
  let title: string;
  let tone: 'ok' | 'bad' | 'info';
  let body: string;
  switch (outcome.kind) {
    case 'success':
      title = 'You are logged in';
      tone = 'ok';
      body = `<p>esc-kube has your login at ${idp} for environment ${env}. The command that asked for it goes on in your terminal.</p>
<p>You can close this tab.</p>`;
      break;
    case 'already':
      title = 'This login is already complete';
      tone = 'info';
      body = `<p>The login at ${idp} for environment ${env} was completed before; nothing more happens here.</p>
<p>You can close this tab. If a command still asks you to log in, run it again: it prints a new link.</p>`;
      break;
    case 'failure':
      title = 'The login did not complete';
      tone = 'bad';
      body = `<p>${idp} answered: <code>${escapeHtml(outcome.error)}</code>${outcome.description ? ` &mdash; ${escapeHtml(outcome.description)}` : ''}</p>
<p>Nothing was saved. To try again, run the command again (for example <code>esc-kube login --env ${escapeHtml(ctx.env || 'ENV')}</code>) and sign in; if it keeps failing, ask the administrator of ${idp} whether the client may log you in.</p>`;
      break;
    case 'wrong-state':
      title = 'This is not the login esc-kube is waiting for';
      tone = 'bad';
      body = `<p>This link does not belong to the login esc-kube started (its state does not match), so it was ignored. The login that is waiting goes on.</p>
<p>Use the link esc-kube printed last in your terminal, or run the command again.</p>`;
      break;
    case 'waiting':
      title = 'Finishing the login';
      tone = 'info';
      body = `<p>esc-kube is finishing the login at ${idp} for environment ${env}. Reload this page in a moment.</p>`;
      break;
  }
  const color = { ok: '#1a7f37', bad: '#cf222e', info: '#0969da' }[tone];
  const mark = { ok: '&#10003;', bad: '&#10007;', info: '&#8505;' }[tone];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>esc-kube: ${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f8fa; color: #1f2328; margin: 0; }
  main { max-width: 34rem; margin: 12vh auto; background: #fff; border: 1px solid #d0d7de; border-radius: 12px; padding: 2rem 2.25rem; }
  h1 { font-size: 1.35rem; margin: 0 0 1rem; display: flex; gap: .6rem; align-items: center; }
  .mark { color: #fff; background: ${color}; border-radius: 50%; width: 1.8rem; height: 1.8rem; display: inline-flex; align-items: center; justify-content: center; font-size: 1rem; flex: none; }
  p { line-height: 1.5; margin: .6rem 0; }
  code { background: #eff1f3; padding: .1rem .35rem; border-radius: 6px; font-size: .92em; overflow-wrap: anywhere; }
  footer { margin-top: 1.5rem; color: #59636e; font-size: .85rem; }
</style>
</head>
<body>
<main>
<h1><span class="mark" aria-hidden="true">${mark}</span>${escapeHtml(title)}</h1>
${body}
<footer>esc-kube &middot; credentials for Kubernetes from Pulumi ESC environments &middot; this page was served by esc-kube on your own machine</footer>
</main>
</body>
</html>
`;
}

function hostOf(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}
