// dist/core/model.js
var PLATFORMS = ["intercom", "hubspot"], CHANNEL_TYPES = ["sms", "viber", "telegram", "whatsapp"], KEY_STATUSES = ["active", "rotated", "revoked", "expired"], KEY_KINDS = ["workspace", "channel", "waba", "bearer"], CHANNEL_LABELS = {
  sms: "Twilio API Key",
  viber: "VBM API Key",
  telegram: "Telegram API Key"
};
function keyLabel(kind, channelType = null) {
  switch (kind) {
    case "workspace":
      return "Workspace API Key";
    case "waba":
      return "WhatsApp Business API Key";
    case "bearer":
      return "API Key";
    case "channel":
      return channelType && channelType !== "whatsapp" ? CHANNEL_LABELS[channelType] : "Channel API Key";
  }
}
function keyStatus(key, now) {
  return key.state !== "active" ? key.state : key.expiresAt !== null && key.expiresAt <= now ? "expired" : "active";
}
var iso = (ms) => ms === null ? null : new Date(ms).toISOString();
function keyView(key, now) {
  return {
    id: key.id,
    kind: key.kind,
    label: keyLabel(key.kind, key.channelType),
    name: key.name,
    subject: key.subject,
    env: key.env,
    scopes: key.scopes,
    status: keyStatus(key, now),
    masked: key.masked,
    created_at: iso(key.createdAt),
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    last_used_at: iso(key.lastUsedAt),
    replaced_by: key.replacedBy,
    replaces: key.replaces,
    rate_limit: key.rateLimit
  };
}
function toIso(ms) {
  return iso(ms);
}

export {
  PLATFORMS,
  CHANNEL_TYPES,
  KEY_STATUSES,
  KEY_KINDS,
  keyLabel,
  keyStatus,
  keyView,
  toIso
};
