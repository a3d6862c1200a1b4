import type { KeyView } from '../../core/model.js';
import { ADMIN_SCOPE, RESOURCES } from '../../core/scopes.js';
import { html, type Html } from '../html.js';
import { copyButton, keyField, keyMenu } from './key-card.js';
import { form, when } from './layout.js';

/** The Octopost, OpenCX and Chatbot Platform create-key flows: name, environment, permissions, expiry, rate limit. */
export function bearerPage(keys: KeyView[], csrf: string, shown: { keyId: string; value: string } | null): Html {
  const fresh = shown ? keys.find((k) => k.id === shown.keyId) : undefined;
  return html`<p class="crumbs">Settings › API Keys › Bearer keys</p>
<h1>Bearer API Keys</h1>
<p class="subtitle">Sent as <code>Authorization: Bearer KEY</code>; many may be active at once, which is how rotation works.</p>
${fresh && shown ? html`<section class="card once" aria-labelledby="once-title">
<h2 id="once-title">Your new key: ${fresh.name}</h2>
<p class="warning"><strong>Copy the key immediately: it will only be displayed once.</strong> octo keeps only its hash.</p>
<div class="key-row">${keyField(fresh, `New API key ${fresh.name}`, shown.value)}${copyButton(fresh, `new API key ${fresh.name}`, false)}</div>
</section>` : ''}
<section class="card" aria-labelledby="list-title" data-live="bearer">
<h2 id="list-title">API Keys</h2>
${keys.length === 0 ? html`<p class="empty">No bearer key yet.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Environment</th><th scope="col">Permissions</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
<tbody>${keys.map((k) => bearerRow(k, csrf))}</tbody></table></div>`}
</section>
${createForm(csrf)}`;
}

function bearerRow(k: KeyView, csrf: string): Html {
  const what = `API key ${k.name ?? k.id}`;
  const live = k.status === 'active' || k.status === 'rotated';
  return html`<tr data-key="${k.id}">
<th scope="row">${k.name}<span class="muted small block">${k.id}</span></th>
<td><code>${k.masked}</code></td>
<td>${k.env}</td>
<td>${scopeSummary(k)}${k.rate_limit ? html`<span class="muted small block">${k.rate_limit.limit} per ${k.rate_limit.window_s} s</span>` : ''}</td>
<td><span class="status status-${k.status}">${k.status}</span></td>
<td>${when(k.expires_at)}</td>
<td>${when(k.last_used_at)}</td>
<td class="actions">${live && k.status === 'active' ? html`<a class="button" href="/ui/keys/${k.id}/scopes">Scopes<span class="sr-only"> of ${what}</span></a>${keyMenu(k, what, csrf, '/ui/keys', { show: false })}` : ''}
${k.status === 'rotated' ? html`<a class="button danger" href="/ui/keys/${k.id}/revoke?back=%2Fui%2Fkeys">Revoke…</a>` : ''}</td>
</tr>`;
}

function scopeSummary(k: KeyView): Html {
  if (k.scopes === null) return html`<span class="badge">Full access</span>`;
  return html`${k.scopes.map((s) => html`<span class="badge">${s}</span> `)}`;
}

/** The catalog as the OpenCX seed lays it out: a resource a row, read and write as columns. */
export function scopeTable(checked: readonly string[] | null, idPrefix: string): Html {
  const has = (s: string) => checked !== null && checked.includes(s);
  const box = (scope: string) => html`<input type="checkbox" name="scope" value="${scope}" id="${idPrefix}-${scope}"${has(scope) ? html` checked` : ''}><label for="${idPrefix}-${scope}" class="sr-only">${scope}</label>`;
  return html`<div class="table-wrap scopes"><table>
<thead><tr><th scope="col">Resource</th><th scope="col">Read</th><th scope="col">Write</th></tr></thead>
<tbody>${RESOURCES.map((r) => html`<tr><th scope="row">${r.resource} <span class="muted small">${r.source}</span></th>
<td>${box(`${r.resource}:read`)}</td>
<td>${r.actions.includes('write') ? box(`${r.resource}:write`) : html`<span class="muted" aria-label="no write scope">—</span>`}</td></tr>`)}
<tr><th scope="row">${ADMIN_SCOPE} <span class="muted small">Full access to everything</span></th><td colspan="2">${box(ADMIN_SCOPE)}</td></tr>
</tbody></table></div>`;
}

function createForm(csrf: string): Html {
  return html`<section class="card" aria-labelledby="create-title">
<h2 id="create-title">Create API Key</h2>
${form('/ui/keys', csrf, html`
<div class="field"><label for="key-name">Name</label>
<input id="key-name" name="name" required maxlength="200" placeholder="Production Server" aria-describedby="key-name-hint">
<p class="hint" id="key-name-hint">A descriptive name, e.g. "Production Server" or "CI/CD Pipeline".</p></div>
<fieldset><legend>Environment</legend>
<label class="choice"><input type="radio" name="env" value="live" checked> Live <span class="muted">(oct_live_…)</span></label>
<label class="choice"><input type="radio" name="env" value="test"> Test <span class="muted">(oct_test_…: sandbox data only)</span></label>
</fieldset>
<fieldset><legend>Permissions</legend>
<p class="hint">No permission checked means full access. For security, check only what the key needs.</p>
${scopeTable([], 'new')}
</fieldset>
<div class="field-row">
<div class="field"><label for="key-expiry">Expires in</label>
<input id="key-expiry" name="expires_in" placeholder="90d" pattern="[1-9][0-9]*[smhdw]" aria-describedby="key-expiry-hint">
<p class="hint" id="key-expiry-hint">Empty: never. A number and s, m, h, d or w.</p></div>
<div class="field"><label for="key-rate">Rate limit</label>
<input id="key-rate" name="rate_limit" placeholder="100/1m" aria-describedby="key-rate-hint">
<p class="hint" id="key-rate-hint">Empty: none. Requests per window, e.g. 100/1m.</p></div>
</div>
<button type="submit" class="button primary">Create API Key</button>`)}
</section>`;
}

export function scopesPage(k: KeyView, csrf: string): Html {
  return html`<p class="crumbs"><a href="/ui/keys">Bearer keys</a> › ${k.name} › Permissions</p>
<h1>Permissions of ${k.name}</h1>
<p class="subtitle">${k.id} · <code>${k.masked}</code></p>
<section class="card" aria-labelledby="scopes-title"><h2 id="scopes-title">Scopes</h2>
${form(`/ui/keys/${k.id}/scopes`, csrf, html`
<label class="choice"><input type="checkbox" name="full_access" value="1"${k.scopes === null ? html` checked` : ''}> Full access <span class="muted">(every endpoint, no scope checks)</span></label>
${scopeTable(k.scopes, 'edit')}
<button type="submit" class="button primary">Save scopes</button> <a class="button" href="/ui/keys">Cancel</a>`)}
</section>`;
}

export function revokePage(k: KeyView, csrf: string, back: string): Html {
  const what = k.name ? `${k.label} "${k.name}"` : `${k.label} of ${k.subject?.name ?? ''}`;
  return html`<h1>Revoke ${what}?</h1>
<section class="card danger-card" aria-labelledby="revoke-title"><h2 id="revoke-title">${k.id} · <code>${k.masked}</code></h2>
<p>Revoking takes effect immediately: the next request with this key is refused. This cannot be undone.</p>
${form(`/ui/keys/${k.id}/revoke`, csrf, html`<input type="hidden" name="back" value="${back}">
<div class="field"><label for="reason">Reason <span class="muted">(optional, kept in the audit log)</span></label>
<input id="reason" name="reason" maxlength="500" placeholder="leaked in a screenshot"></div>
<button type="submit" class="button danger">Revoke key</button> <a class="button" href="${back}">Cancel</a>`)}
</section>`;
}
