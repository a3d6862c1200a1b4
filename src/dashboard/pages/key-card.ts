import type { KeyView } from '../../core/model.js';
import { html, type Html } from '../html.js';
import { form } from './layout.js';

/** The grace periods offered when rotating: the old key stays accepted this long. */
export const GRACE_CHOICES: readonly { value: string; label: string }[] = [
  { value: '', label: 'no grace: refuse the old key now' },
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
];

const COPY_ICON = html`<svg class="icon icon-copy" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><rect x="9" y="9" width="12" height="12" rx="2" fill="none" stroke="currentColor" stroke-width="2"/><path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1" fill="none" stroke="currentColor" stroke-width="2"/></svg>`;
const CHECK_ICON = html`<svg class="icon icon-check" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M4 12.5l5 5L20 6.5" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/**
 * A key in a read-only field: its masked form, or the whole key right after it was made. The whole
 * key of a sealed (workspace, channel, WABA) key is fetched only when the person clicks Show or
 * the copy icon; a bearer key cannot be fetched at all (octo never kept it).
 */
export function keyField(key: KeyView, what: string, fresh: string | null): Html {
  const fieldId = `field-${key.id}`;
  return html`<input class="key-field" id="${fieldId}" type="text" readonly spellcheck="false" autocomplete="off"
 value="${fresh ?? key.masked}" aria-label="${what}"${fresh ? html` data-whole="1"` : ''}>`;
}

export function copyButton(key: KeyView, what: string, retrievable: boolean): Html {
  return html`<button type="button" class="icon-button copy" data-copy="${key.id}"${retrievable ? '' : html` data-local="1"`}
 aria-label="Copy ${what}" title="Copy">${COPY_ICON}${CHECK_ICON}</button>`;
}

/** Show, rotate (with a grace period) and revoke (after a confirmation page). */
export function keyMenu(key: KeyView, what: string, csrf: string, back: string, opts: { show: boolean }): Html {
  return html`<details class="more">
<summary>Manage<span class="sr-only"> ${what}</span></summary>
<div class="more-body">
${opts.show ? html`<button type="button" class="button" data-reveal="${key.id}">Show key</button>` : ''}
${form(`/ui/keys/${key.id}/rotate`, csrf, html`<input type="hidden" name="back" value="${back}">
<label for="grace-${key.id}">Grace for the old key</label>
<select id="grace-${key.id}" name="grace">${GRACE_CHOICES.map((g) => html`<option value="${g.value}">${g.label}</option>`)}</select>
<button type="submit" class="button">Rotate</button>`, html`class="inline"`)}
<a class="button danger" href="/ui/keys/${key.id}/revoke?back=${encodeURIComponent(back)}">Revoke…</a>
</div>
</details>`;
}

/** The card of a channel's or WABA's key (the seeds' "Twilio API Key", "WhatsApp Business API Key"…). */
export function keyCard(opts: {
  title: string; label: string; subject: { type: string; id: string; name: string }; key: KeyView | null;
  fresh: string | null; csrf: string; back: string; note?: Html;
}): Html {
  const { key, label, subject } = opts;
  const what = `${label} for ${subject.name}`;
  const headingId = `card-${subject.type}-${subject.id}`;
  return html`<section class="card" aria-labelledby="${headingId}">
<h2 id="${headingId}">${opts.title}</h2>
${opts.note ?? ''}
${key
    ? html`<p class="field-label">${label}</p>
<div class="key-row">${keyField(key, what, opts.fresh)}${copyButton(key, what, true)}</div>
<p class="meta">${key.id} · created ${key.created_at.slice(0, 10)} · last used ${key.last_used_at ? key.last_used_at.slice(0, 10) : 'never'}</p>
${keyMenu(key, what, opts.csrf, opts.back, { show: true })}`
    : html`<p class="field-label">${label}</p><p class="empty">No API key generated</p>
${form(`/ui/subjects/${subject.type}/${subject.id}/key`, opts.csrf, html`<input type="hidden" name="back" value="${opts.back}"><button type="submit" class="button primary">Create API Key<span class="sr-only"> for ${subject.name}</span></button>`)}`}
</section>`;
}
