import type { ChannelOwner, DecisionLookup } from './decision.js';
import type { Channel, ChannelType, KeyRecord } from './model.js';
import type { VerdictWarning } from './outcomes.js';
import { bodyObject, type ParsedBody } from './payload.js';

/**
 * Step 4 of SPEC §6.1, the channel half, part of the one decision (decision.ts) kept apart for its
 * size: the channel a message goes out on; 'several' when it must be named; else why there is none:
 * the channel named does not exist ('unknown'), the key does not cover it ('wrong'), or the key's
 * workspace or WABA has no channel of the endpoint's type ('none').
 */
export type NoChannel = 'unknown' | 'wrong' | 'none';

export function resolveChannel(key: KeyRecord, type: ChannelType, given: string | null, lookup: DecisionLookup): Channel | NoChannel | 'several' {
  const subject = key.subject!.id;
  if (given !== null) {
    const channel = lookup.channel(given);
    if (!channel) return 'unknown';
    if (channel.type !== type) return 'wrong';
    const covered = key.kind === 'channel' ? channel.id === subject
      : key.kind === 'waba' ? channel.wabaId === subject
        : channel.workspaceId === key.workspaceId;
    return covered ? channel : 'wrong';
  }
  if (key.kind === 'channel') return lookup.channel(subject) ?? 'wrong';
  const candidates = lookup.channelsOf(ownerOf(key), type);
  if (candidates.length === 0) return 'none';
  return candidates.length === 1 ? candidates[0]! : 'several';
}

// Constant: the channel_id sent is never echoed into an answer.
const NO_SUCH_CHANNEL = 'The channel_id names no channel';

const ownerOf = (key: KeyRecord): ChannelOwner => (key.kind === 'waba' ? { wabaId: key.subject!.id } : { workspaceId: key.workspaceId! });

/**
 * The message and hint of a 403 wrong_channel (undefined: the outcome table's "cannot send through
 * this channel"), with words for the two cases that are not "this key does not cover it".
 */
export function noChannelWords(why: NoChannel, key: KeyRecord, type: ChannelType): [message?: string, hint?: string] {
  if (why === 'unknown') return [NO_SUCH_CHANNEL];
  if (why === 'wrong') return [];
  const subject = key.subject!;
  if (key.kind === 'waba') {
    return [`WABA "${subject.name}" has no WhatsApp number attached to send from`,
      `attach one: \`octo channels add NAME --workspace ${key.workspaceId} --type whatsapp --waba ${subject.id}\``];
  }
  return [`Workspace "${subject.name}" has no ${type} channel to send through`,
    `add one: \`octo channels add NAME --workspace ${key.workspaceId} --type ${type}\``];
}

export function channelWarning(key: KeyRecord, type: ChannelType, lookup: DecisionLookup): VerdictWarning {
  const ids = lookup.channelsOf(ownerOf(key), type).map((c) => c.id);
  return {
    code: 'channel_id_required',
    message: `This key serves ${ids.length} ${type} channels (${ids.join(', ')}): a real request must name one as channel_id, or it is refused with 422 invalid_request`,
  };
}

export function givenChannelId(body: ParsedBody): string | null {
  const id = bodyObject(body)?.channel_id;
  return typeof id === 'string' && id !== '' ? id : null;
}
