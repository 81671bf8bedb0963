import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../../functions/triggers/errors.js';
import { constraintsHold, matchPubsubTrigger, normalizeSnsEvent, pubsubTrigger } from '../../../../functions/triggers/pubsub/normalize.js';
import { fixture } from './fixtures.js';

const sns = fixture<{ Records: Array<{ Sns: Record<string, unknown> }> }>('aws-sns/lambda-sns-event.json');

function withMessage(message: string, attributes?: Record<string, unknown>) {
  return { Records: [{ ...sns.Records[0], Sns: { ...sns.Records[0]!.Sns, Message: message, ...(attributes ? { MessageAttributes: attributes } : {}) } }] };
}

describe('SNS messages', () => {
  it('reads the sample: text message, attributes, topic name', () => {
    const [message] = normalizeSnsEvent(sns);
    expect(message).toEqual({
      messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      topicArn: 'arn:aws:sns:EXAMPLE',
      topicName: 'EXAMPLE',
      subject: 'TestInvoke',
      message: 'Hello from SNS!',
      attributes: { Test: 'TestString', TestBinary: 'TestBinary' },
    });
    expect(pubsubTrigger(message!)).toMatchObject({
      type: 'pubsub',
      pubsubSystem: 'amazon',
      subscriptionName: 'EXAMPLE',
      payload: {},
      message: 'Hello from SNS!',
    });
  });

  it('parses JSON messages into the payload', () => {
    const [message] = normalizeSnsEvent(withMessage('{"env":"prod","build":{"n":3}}'));
    expect(message!.payload).toEqual({ env: 'prod', build: { n: 3 } });
  });

  it('refuses events that are not SNS events', () => {
    expect(() => normalizeSnsEvent({ Records: [] })).toThrow(MalformedEventError);
    expect(() => normalizeSnsEvent({})).toThrow(MalformedEventError);
  });
});

describe("Echo's constraint semantics", () => {
  it.each([
    [{ env: 'prod' }, { env: 'production' }, true], // found anywhere, not a whole match
    [{ env: '^prod$' }, { env: 'production' }, false],
    [{ env: 'prod' }, { env: null }, false],
    [{ env: 'prod' }, {}, false],
    [{ n: '^3$' }, { n: 3 }, true],
    [{ build: '"n":3' }, { build: { n: 3 } }, true],
    [{ env: null }, { env: 'anything' }, true],
    [{}, {}, true],
    [undefined, undefined, true],
  ])('%j against %j → %s', (constraints, values, expected) => {
    expect(constraintsHold(constraints, values as Record<string, unknown>).ok).toBe(expected);
  });
});

describe('matching pubsub triggers', () => {
  const [text] = normalizeSnsEvent(sns);
  const [json] = normalizeSnsEvent(withMessage('{"env":"prod"}'));
  it.each([
    [{ pubsubSystem: 'amazon', subscriptionName: 'EXAMPLE' }, text, true],
    [{ pubsubSystem: 'amazon', subscriptionName: 'arn:aws:sns:EXAMPLE' }, text, true],
    [{ pubsubSystem: 'google', subscriptionName: 'EXAMPLE' }, text, false],
    [{ pubsubSystem: 'amazon', subscriptionName: 'OTHER' }, text, false],
    [{ subscriptionName: 'EXAMPLE', attributeConstraints: { Test: 'String$' } }, text, true],
    [{ subscriptionName: 'EXAMPLE', attributeConstraints: { Missing: '.*' } }, text, false],
    [{ subscriptionName: 'EXAMPLE', payloadConstraints: { env: 'prod' } }, text, false],
    [{ subscriptionName: 'EXAMPLE', payloadConstraints: { env: 'prod' } }, json, true],
  ])('%j → %s', (fields, message, expected) => {
    expect(matchPubsubTrigger({ type: 'pubsub', ...fields }, message!).matched).toBe(expected);
  });
});
