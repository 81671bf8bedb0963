import { describe, expect, it } from 'vitest';
import { ApiCallError, httpApi } from '../../../../functions/api/http-client.js';

function recorder(status: number, body: unknown) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchFn = (async (url: URL | string, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchFn };
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('the HTTP API client', () => {
  it('signs requests for execute-api and sends JSON', async () => {
    const { calls, fetchFn } = recorder(202, { executionId: 'e-1', status: 'started' });
    const api = httpApi({ baseUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com', credentials, fetch: fetchFn });
    expect(await api.triggerPipeline({ application: 'shop', pipeline: 'deploy now', parameters: { env: 'prod' } })).toEqual({
      executionId: 'e-1',
      status: 'started',
    });
    const [call] = calls;
    expect(call!.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/pipelines/shop/deploy%20now/executions');
    expect(call!.init.method).toBe('POST');
    expect(JSON.parse(call!.init.body as string)).toEqual({ parameters: { env: 'prod' } });
    const headers = call!.init.headers as Record<string, string>;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('puts list filters in the query string', async () => {
    const { calls, fetchFn } = recorder(200, { executions: [{ id: 'e-1' }] });
    const api = httpApi({ baseUrl: 'https://api.example.com/v1/', credentials: false, fetch: fetchFn });
    expect(await api.listExecutions({ application: 'shop', status: 'RUNNING' })).toEqual([{ id: 'e-1' }]);
    expect(calls[0]!.url).toBe('https://api.example.com/v1/executions?application=shop&status=RUNNING');
  });

  it('turns error answers into ApiCallError with the status and error name', async () => {
    const { fetchFn } = recorder(400, {
      error: 'ParameterError',
      message: 'parameters do not fit',
      problems: [{ path: 'parameters.env', message: 'required' }],
    });
    const api = httpApi({ baseUrl: 'https://api.example.com', credentials: false, fetch: fetchFn });
    const error = await api.triggerPipeline({ application: 'shop', pipeline: 'deploy' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ status: 400, code: 'ParameterError', problems: [{ path: 'parameters.env', message: 'required' }] });
  });
});
