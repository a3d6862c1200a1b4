import type { AuditView } from '../../app/audit.js';
import type { DeliveryView, WebhookView } from '../../core/webhook-model.js';
import { html, type Html } from '../html.js';
import type { JournalEntry } from '../../core/twin.js';
import { REQUESTS_SHOWN } from '../live.js';
import { when } from './layout.js';

export function requestsPage(entries: readonly JournalEntry[]): Html {
  return html`<h1>Requests</h1>
<p class="subtitle">The verifier's answers as they happen (the last ${REQUESTS_SHOWN}); the key itself is never shown, only its id.</p>
<section class="card" aria-labelledby="req-title">
<h2 id="req-title">Live request log</h2>
<div class="table-wrap"><table id="request-log">
<thead><tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Key id</th><th scope="col">ms</th></tr></thead>
<tbody>${entries.map(requestRow)}</tbody></table></div>
<p class="empty" id="request-empty"${entries.length ? html` hidden` : ''}>No request yet: send one to this server.</p>
</section>`;
}

/** Also the shape the script builds for a live row (dashboard.js, `request` events). */
function requestRow(e: JournalEntry): Html {
  return html`<tr><td>${when(e.at)}</td><td>${e.method}</td><td><code>${e.path}</code></td>
<td><span class="http http-${String(e.status).charAt(0)}xx">${e.status}</span></td><td>${e.reason}</td><td>${e.key_id ?? '—'}</td><td>${e.ms.toFixed(2)}</td></tr>`;
}

export function webhooksPage(hooks: { webhook: WebhookView; deliveries: DeliveryView[] }[]): Html {
  return html`<h1>Webhooks</h1>
<p class="subtitle">Deliveries of message events and their attempts, updated as they are made.</p>
<div data-live="deliveries">
${hooks.length === 0 ? html`<section class="card"><p class="empty">No webhook endpoint. Add one with <code>octo webhooks add https://example.test/hook</code>.</p></section>` : ''}
${hooks.map(({ webhook: w, deliveries }) => html`<section class="card" aria-labelledby="wh-${w.id}">
<h2 id="wh-${w.id}"><code>${w.url}</code></h2>
<p class="muted">${w.id} · ${w.events.join(', ')} · ${w.scheme} · secret <code>${w.masked}</code></p>
${deliveries.length === 0 ? html`<p class="empty">No delivery yet.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Delivery</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th></tr></thead>
<tbody>${deliveries.map((d) => html`<tr><td><code>${d.id}</code></td><td>${d.event}</td><td><span class="status status-${d.status}">${d.status}</span></td>
<td><ol class="attempts">${d.attempts.map((a) => html`<li><span class="http http-${a.code === null ? 'none' : `${String(a.code).charAt(0)}xx`}">${a.code ?? a.error ?? 'no answer'}</span> ${when(a.at)}</li>`)}</ol></td></tr>`)}</tbody>
</table></div>`}
</section>`)}
</div>`;
}

export function auditPage(entries: AuditView[]): Html {
  return html`<h1>Audit log</h1>
<p class="subtitle">Every change, newest first (the last 200), from the CLI and from this dashboard (actor <code>ui:…</code>).</p>
<section class="card" aria-labelledby="audit-title" data-live="audit">
<h2 id="audit-title">Changes</h2>
${entries.length === 0 ? html`<p class="empty">No change yet.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Key</th><th scope="col">Subject</th><th scope="col">Detail</th></tr></thead>
<tbody>${entries.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.key_id ?? '—'}</td>
<td>${e.subject ? `${e.subject.type} ${e.subject.id}` : '—'}</td><td><code class="detail">${e.detail ? JSON.stringify(e.detail) : ''}</code></td></tr>`)}</tbody>
</table></div>`}
</section>`;
}

export function signInPage(csrf: string): Html {
  return html`<h1>Sign in</h1>
<section class="card" aria-labelledby="signin-title"><h2 id="signin-title">Admin token</h2>
<p>This dashboard listens beyond this machine, so it asks for the token given to <code>octo serve --admin-token</code> (or <code>OCTO_ADMIN_TOKEN</code>).</p>
<form method="post" action="/ui/sign-in"><input type="hidden" name="csrf" value="${csrf}">
<div class="field"><label for="token">Admin token</label><input id="token" name="token" type="password" required autocomplete="current-password"></div>
<button type="submit" class="button primary">Sign in</button></form>
</section>`;
}

export function notFoundPage(): Html {
  return html`<h1>Not found</h1><p><a href="/">Back to API Keys</a></p>`;
}
