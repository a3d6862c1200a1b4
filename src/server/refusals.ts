import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ACCEPTED_CODINGS } from './content-coding.js';
import type { HandlerResponse } from './types.js';

/**
 * What the node:http adapter answers by itself, without asking the handler: a body it will not
 * read, an expectation it does not meet, HTTP it cannot parse. Every body is SPEC §6's JSON.
 */
export const BODY_LIMIT = 1024 * 1024;

export function tooLarge(): HandlerResponse {
  // No `Connection: close`: a client that sends its whole body may go on using the connection.
  return plain(413, `Request body too large (limit ${BODY_LIMIT / 1024 / 1024} MiB)`, 'payload_too_large');
}

/** node's refusals of what is not a request it can parse, by its error code; anything else is a 400. */
const CLIENT_ERRORS: Record<string, [status: number, statusText: string, code: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large', 'Request headers too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'payload_too_large', 'Chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request_timeout', 'The request did not arrive in time'],
};

/**
 * node answers malformed HTTP, oversized headers and timeouts itself, with an empty body; SPEC §6
 * wants every error body in JSON, so this replaces node's default 'clientError' answer, keeping its
 * rule: answer only while no response has started on the socket, then close it.
 */
export function refuseMalformed(err: NodeJS.ErrnoException, socket: Duplex): void {
  // `_httpMessage` is the response node is writing on this socket (what its own handler checks).
  const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (socket.writable && !started && err.code !== 'ECONNRESET') {
    const [status, text, code, error] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request', 'bad_request', 'Malformed HTTP request'];
    const body = JSON.stringify({ error, code, reason: code });
    socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

export function unsupportedCoding(encoding: string): HandlerResponse {
  const refusal = plain(415, `Content-Encoding ${JSON.stringify(encoding)} is not supported: send the body unencoded, or in one of ${ACCEPTED_CODINGS}`, 'unsupported_media_type');
  refusal.headers['accept-encoding'] = ACCEPTED_CODINGS;
  return refusal;
}

export function undecodable(message: string): HandlerResponse {
  return plain(400, message, 'bad_request', 'undecodable_body');
}

export function expectationFailed(req: IncomingMessage): HandlerResponse {
  return plain(417, `Expect ${JSON.stringify(req.headers.expect ?? '')} is not supported: only 100-continue is`, 'expectation_failed');
}

export function plain(status: number, error: string, code: string, reason = code): HandlerResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error, code, reason }),
    keyId: null,
    code,
    reason,
  };
}
