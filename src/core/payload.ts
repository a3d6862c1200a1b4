import type { PayloadRule } from './endpoints.js';

/**
 * Step 6 of SPEC §6.1: the request body of an Octopods endpoint. The SMS rule is the seed's own
 * example (`destination_phone` in E.164 and a non-empty `body`); the others are the smallest rules of
 * the same kind, so that a test can tell a well-formed request from a broken one. Returns the first
 * problem (the field and a message), or null when the body is acceptable.
 */
/** `text` is the body as decoded, kept so that the outbox can hold a message as sent. */
export type ParsedBody = { ok: true; value: unknown; text: string } | { ok: false };

export interface PayloadProblem {
  field: string;
  message: string;
}

const E164 = /^\+[1-9]\d{1,14}$/;

type Fields = Record<string, unknown>;
type Check = (body: Fields) => PayloadProblem | null;

const problem = (field: string, message: string): PayloadProblem => ({ field, message });

function phone(field: string): Check {
  return (b) => {
    const v = b[field];
    if (v === undefined) return problem(field, `${field} is required`);
    return typeof v === 'string' && E164.test(v) ? null : problem(field, `${field} must be a phone number in E.164 form, e.g. +15551234567`);
  };
}

function text(field: string): Check {
  return (b) => {
    const v = b[field];
    if (v === undefined) return problem(field, `${field} is required`);
    return typeof v === 'string' && v.trim() !== '' ? null : problem(field, `${field} must be a non-empty string`);
  };
}

/** A WhatsApp message is free text (`body`) or a template message (`template.name`). */
const whatsappContent: Check = (b) => {
  if (b.template !== undefined) {
    const t = b.template as Fields | null;
    return isObject(t) && typeof t.name === 'string' && t.name !== '' ? null : problem('template.name', 'template.name must be a non-empty string');
  }
  return text('body')(b);
};

const interactive: Check = (b) =>
  isObject(b.interactive) ? null : problem('interactive', 'interactive must be an object (the buttons or list to show)');

const telegramChat: Check = (b) => {
  const v = b.chat_id;
  if (v === undefined) return problem('chat_id', 'chat_id is required');
  const ok = (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isInteger(v));
  return ok ? null : problem('chat_id', 'chat_id must be a Telegram chat id (an integer or @channelusername)');
};

const recipients: Check = (b) => {
  const v = b.recipients;
  if (!Array.isArray(v) || v.length === 0) return problem('recipients', 'recipients must be a non-empty array of E.164 phone numbers');
  const bad = v.findIndex((p) => typeof p !== 'string' || !E164.test(p));
  return bad === -1 ? null : problem(`recipients[${bad}]`, `recipients[${bad}] must be a phone number in E.164 form, e.g. +15551234567`);
};

const RULES: Record<PayloadRule, readonly Check[]> = {
  'sms': [phone('destination_phone'), text('body')],
  'viber': [phone('destination_phone'), text('body')],
  'viber-broadcast': [recipients, text('body')],
  'telegram': [telegramChat, text('body')],
  'whatsapp': [phone('destination_phone'), whatsappContent],
  'whatsapp-interactive': [phone('destination_phone'), interactive],
  'template': [text('name'), text('language')],
};

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as a JSON object, or null when it is not one. */
export function bodyObject(body: ParsedBody): Fields | null {
  return body.ok && isObject(body.value) ? body.value : null;
}

export function parseJsonBody(bytes: Uint8Array | string): ParsedBody {
  // Decoded in place (a view, not a copy, for a Uint8Array that is not a Buffer).
  const text = typeof bytes === 'string' ? bytes
    : Buffer.isBuffer(bytes) ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const parsed = parseJson(text);
  // A UTF-8 byte-order mark (which some Windows tools write) is not JSON whitespace. Looked for only
  // once the parse has failed, so that a body without one pays nothing for it.
  return parsed.ok || text.charCodeAt(0) !== BOM ? parsed : parseJson(text.slice(1));
}

function parseJson(text: string): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch {
    return { ok: false };
  }
}

const BOM = 0xfeff;

/** The first problem of `body` for `rule`, in field order; `channel_id`, when present, must be a string. */
export function checkPayload(rule: PayloadRule, body: ParsedBody): PayloadProblem | null {
  const fields = bodyObject(body);
  if (!fields) return problem('body', body.ok ? 'the request body must be a JSON object' : 'the request body is not valid JSON');
  if (fields.channel_id !== undefined && (typeof fields.channel_id !== 'string' || fields.channel_id === '')) {
    return problem('channel_id', 'channel_id must be a non-empty string');
  }
  for (const check of RULES[rule]) {
    const found = check(fields);
    if (found) return found;
  }
  return null;
}
