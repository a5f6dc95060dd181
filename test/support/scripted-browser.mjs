#!/usr/bin/env node
// A scripted "browser" for login tests: esc-kube runs it as $BROWSER with the authorization URL. It
// logs in at oidc-provider's development interaction pages (login, then consent) and follows the final
// redirect to esc-kube's loopback callback, with a cookie jar, as a person's browser would.
//   SCRIPTED_BROWSER_ACTION=approve (default) | deny (abort at consent) | ignore (never finish)
//     | forged-first (first calls the callback with a wrong state and logs its status, then approves)
//   SCRIPTED_BROWSER_DELAY_MS=N  a slow person: starts N ms after it is launched
//   SCRIPTED_BROWSER_LOG=FILE   appends one line per launch
import { appendFileSync } from 'node:fs';

export async function browse(startUrl, { action = 'approve', user = 'alice' } = {}) {
  const jar = new Map();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res) => {
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  let url = startUrl;
  let method = 'GET';
  let body;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: cookieHeader(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
    remember(res);
    method = 'GET';
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).href;
      continue;
    }
    const html = await res.text();
    if (!/<form/i.test(html)) return { status: res.status, url, html };
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    const fields = new URLSearchParams();
    for (const [tag] of form[2].matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]+)"/.exec(tag)?.[1];
      if (name) fields.set(name, /value="([^"]*)"/.exec(tag)?.[1] ?? '');
    }
    const isConsent = fields.get('prompt') === 'consent';
    if (isConsent && action === 'deny') {
      const abort = /href="([^"]*abort[^"]*)"/i.exec(html);
      url = new URL(abort[1], url).href;
      continue;
    }
    if (fields.has('login')) fields.set('login', user);
    if (fields.has('password')) fields.set('password', 'any');
    url = new URL(form[1].replace(/&amp;/g, '&'), url).href;
    method = 'POST';
    body = fields.toString();
  }
  throw new Error('scripted browser: too many steps');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const url = process.argv[2];
  if (process.env.SCRIPTED_BROWSER_LOG) appendFileSync(process.env.SCRIPTED_BROWSER_LOG, `open ${new URL(url).host}\n`);
  const action = process.env.SCRIPTED_BROWSER_ACTION ?? 'approve';
  const delay = Number(process.env.SCRIPTED_BROWSER_DELAY_MS ?? 0);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  if (action === 'forged-first') {
    const callback = new URL(new URL(url).searchParams.get('redirect_uri'));
    callback.search = '?code=forged&state=not-the-right-state';
    const res = await fetch(callback);
    if (process.env.SCRIPTED_BROWSER_LOG) appendFileSync(process.env.SCRIPTED_BROWSER_LOG, `forged ${res.status}\n`);
  }
  if (action !== 'ignore') await browse(url, { action: action === 'forged-first' ? 'approve' : action });
}
