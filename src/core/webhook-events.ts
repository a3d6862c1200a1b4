import { UsageError } from './errors.js';
import { newId } from './ids.js';
import type { ChannelType } from './model.js';

/**
 * The events octo delivers (SPEC §9). Endpoints subscribe to the message events; `webhook.test`
 * is sent only by `octo webhooks test`, to any endpoint, whatever it subscribes to.
 */
export const MESSAGE_EVENTS = ['message.queued', 'message.sent', 'message.delivered'] as const;
export type MessageEvent = (typeof MESSAGE_EVENTS)[number];
export const TEST_EVENT = 'webhook.test';
export type EventType = MessageEvent | typeof TEST_EVENT;
export const EVENT_TYPES: readonly EventType[] = [...MESSAGE_EVENTS, TEST_EVENT];

/**
 * A message `octo serve` accepted (202). The server builds it and hands it to the dispatcher; the
 * same shape is declared on the server side.
 */
export interface AcceptedMessage {
  id: string;
  workspaceId: string;
  channelId: string;
  channelType: ChannelType;
  /** "METHOD PATH" of the request, e.g. "POST /api/v1/sms/messages". */
  endpoint: string;
  keyId: string;
  /** Epoch milliseconds. */
  at: number;
}

/** `--events a,b`: a comma list from the closed set; none given means every message event. */
export function parseEventList(text: string | undefined): MessageEvent[] {
  if (text === undefined) return [...MESSAGE_EVENTS];
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((e) => !(MESSAGE_EVENTS as readonly string[]).includes(e));
  if (items.length === 0 || unknown.length > 0) {
    throw new UsageError(
      items.length === 0 ? 'no event given to --events' : `unknown event "${unknown[0]}"`,
      `pass a comma list of ${MESSAGE_EVENTS.join(', ')} (default: all of them)`,
      'invalid_event',
    );
  }
  return MESSAGE_EVENTS.filter((e) => items.includes(e));
}

export function parseEventType(text: string | undefined): EventType {
  if (text === undefined) return TEST_EVENT;
  if ((EVENT_TYPES as readonly string[]).includes(text)) return text as EventType;
  throw new UsageError(`unknown event "${text}"`, `pass --event with one of ${EVENT_TYPES.join(', ')}`, 'invalid_event');
}

export interface EventBody {
  id: string;
  type: EventType;
  /** Unix seconds. */
  created: number;
  data: Record<string, unknown>;
}

const STATUS_OF: Record<MessageEvent, string> = {
  'message.queued': 'queued',
  'message.sent': 'sent',
  'message.delivered': 'delivered',
};

export function messageEvent(type: MessageEvent, m: AcceptedMessage, at: number): EventBody {
  return {
    id: newId('evt'),
    type,
    created: Math.floor(at / 1000),
    data: {
      message_id: m.id,
      status: STATUS_OF[type],
      workspace_id: m.workspaceId,
      channel_id: m.channelId,
      channel_type: m.channelType,
      endpoint: m.endpoint,
      key_id: m.keyId,
      accepted_at: new Date(m.at).toISOString(),
    },
  };
}

/** What `webhooks test` sends: a ping, or a sample of a message event marked as a test. */
export function testEvent(type: EventType, webhookId: string, workspaceId: string | null, at: number): EventBody {
  if (type === TEST_EVENT) {
    return { id: newId('evt'), type, created: Math.floor(at / 1000), data: { webhook_id: webhookId, test: true } };
  }
  const sample: AcceptedMessage = {
    id: 'msg_test', workspaceId: workspaceId ?? 'ws_test', channelId: 'ch_test', channelType: 'sms',
    endpoint: 'POST /api/v1/sms/messages', keyId: 'key_test', at,
  };
  const event = messageEvent(type, sample, at);
  return { ...event, data: { ...event.data, test: true } };
}
