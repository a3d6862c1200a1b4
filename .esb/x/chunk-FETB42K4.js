import {
  UsageError
} from "./chunk-3TCPD4YY.js";

// dist/core/duration.js
var UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }, DURATION = /^([1-9][0-9]{0,9})([smhdw])$/;
function parseDuration(text, flag) {
  let m = DURATION.exec(text);
  if (!m)
    throw new UsageError(`invalid duration for ${flag}: "${text}"`, `write a positive whole number and a unit (s, m, h, d or w), e.g. ${flag} 90d`, "invalid_duration");
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}
function parseRateLimit(text) {
  let slash = text.indexOf("/"), count = slash > 0 ? text.slice(0, slash) : "";
  if (!/^[1-9][0-9]{0,8}$/.test(count))
    throw new UsageError(`invalid rate limit: "${text}"`, "write requests/window, e.g. --rate-limit 100/1m (window: a whole number and s, m, h, d or w)", "invalid_rate_limit");
  return { limit: Number(count), window_s: parseDuration(text.slice(slash + 1), "--rate-limit window") };
}
function formatDuration(seconds) {
  for (let unit of ["w", "d", "h", "m"]) {
    let size = UNIT_SECONDS[unit];
    if (seconds % size === 0 && seconds >= size)
      return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export {
  parseDuration,
  parseRateLimit,
  formatDuration
};
