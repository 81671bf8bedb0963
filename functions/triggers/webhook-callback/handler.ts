/**
 * Lambda for webhook stage callbacks on the HTTP API (no IAM auth: the token in the URL is the
 * credential, checked against the hash the stage stored):
 *   POST /webhooks/callback/{executionId}/{refId}?token=...
 * The body (JSON, or text) is recorded on the waiting stage, which reads it on its next poll.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { deliverWebhookCallback, invalidCallbackToken, WebhookCallbackError } from '../../stages/external/index.js';
import { jsonResponse, readWebhookRequest, respond } from '../http.js';
import type { TriggerLog } from '../log.js';

const log: TriggerLog = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'INFO', message, ...fields })),
  warn: (message, fields) => console.log(JSON.stringify({ level: 'WARN', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
};

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const executionId = event.pathParameters?.executionId ?? '';
  const refId = event.pathParameters?.refId ?? '';
  const token = event.queryStringParameters?.token ?? '';
  try {
    const request = readWebhookRequest(event);
    if (!token) throw invalidCallbackToken('no token');
    const { sequence } = await deliverWebhookCallback(executionId, refId, parseBody(request.rawBody.toString('utf8')), { token });
    // Ids only in logs: the token and body may be sensitive.
    log.info('webhook callback recorded', { executionId, refId, sequence });
    return jsonResponse(202, { accepted: true, sequence });
  } catch (error) {
    if (error instanceof WebhookCallbackError) {
      // The reason in the log only: the caller gets one answer for every unusable token.
      if (error.detail) log.warn('webhook callback refused', { executionId, refId, reason: error.detail });
      return jsonResponse(error.httpStatus, { error: error.message });
    }
    return respond(
      () => log,
      async () => {
        throw error;
      },
      { route: 'webhook-callback', executionId, refId },
    );
  }
}
