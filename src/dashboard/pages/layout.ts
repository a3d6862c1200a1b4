import { html, type Html } from '../html.js';
import type { Flash } from '../security.js';

export const NAV: readonly { href: string; label: string }[] = [
  { href: '/', label: 'API Keys' },
  { href: '/ui/channels', label: 'Channels' },
  { href: '/ui/wabas', label: 'WABAs' },
  { href: '/ui/keys', label: 'Bearer keys' },
  { href: '/ui/requests', label: 'Requests' },
  { href: '/ui/webhooks', label: 'Webhooks' },
  { href: '/ui/audit', label: 'Audit log' },
];

export interface PageFrame {
  title: string;
  /** The nav entry this page is under. */
  section: string;
  csrf: string;
  flash: Flash | null;
  /** No nav (the sign-in page). */
  bare?: boolean;
}

export function page(frame: PageFrame, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="csrf-token" content="${frame.csrf}">
<title>${frame.title} · octo</title>
<link rel="icon" href="/ui/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/assets/dashboard.css">
<script src="/ui/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/">octo <span>local dashboard</span></a>
${frame.bare ? '' : html`<nav aria-label="Sections"><ul>${NAV.map((n) => html`<li><a href="${n.href}"${n.href === frame.section ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}</ul></nav>`}
</header>
<main id="main" tabindex="-1">
${flashBox(frame.flash)}
${body}
</main>
<p id="live-status" class="sr-only" role="status" aria-live="polite"></p>
</body>
</html>
`;
}

function flashBox(flash: Flash | null): Html {
  if (!flash) return html``;
  const role = flash.kind === 'error' ? 'alert' : 'status';
  return html`<div class="flash flash-${flash.kind}" role="${role}"><p>${flash.message}</p>${flash.hint ? html`<p class="hint">${flash.hint}</p>` : ''}</div>`;
}

/** A form that changes something: POST, with the session's CSRF token. */
export function form(action: string, csrf: string, inner: Html, attrs: Html = html``): Html {
  return html`<form method="post" action="${action}" ${attrs}><input type="hidden" name="csrf" value="${csrf}">${inner}</form>`;
}

export function when(iso: string | null): Html {
  if (iso === null) return html`<span class="muted">never</span>`;
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}</time>`;
}
