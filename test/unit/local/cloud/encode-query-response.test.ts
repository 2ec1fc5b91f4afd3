import { describe, expect, it } from 'vitest';
import { encodeQueryError, encodeQueryResponse } from '../../../../local/cloud/encode-query-response.ts';
import { AwsServiceError } from '../../../../local/cloud/service.ts';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

describe('encodeQueryResponse', () => {
  it('answers an action whose output has no members with an empty Result element', () => {
    const body = encodeQueryResponse('ExecuteChangeSet', NS, {}, 'r').body;
    expect(body).toContain('<ExecuteChangeSetResult></ExecuteChangeSetResult>');
  });

  it('answers an action without an output shape with no Result element', () => {
    const body = encodeQueryResponse('DeleteStack', NS, {}, 'r', { withoutOutput: true }).body;
    expect(body).not.toContain('DeleteStackResult');
    expect(body).toContain('<RequestId>r</RequestId>');
  });

  it('wraps the output in <ActionResponse> with the result and the request id', () => {
    const { statusCode, headers, body } = encodeQueryResponse(
      'CreateStack',
      NS,
      { StackId: 'id-1' },
      'req-1',
    );
    expect(statusCode).toBe(200);
    expect(headers['content-type']).toBe('text/xml');
    expect(body).toContain(
      `<CreateStackResponse xmlns="${NS}"><CreateStackResult><StackId>id-1</StackId></CreateStackResult>` +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateStackResponse>',
    );
  });

  it.each([
    [
      'arrays as member elements',
      { Names: ['a', 'b'] },
      '<Names><member>a</member><member>b</member></Names>',
    ],
    ['empty arrays as empty elements', { Names: [] }, '<Names></Names>'],
    ['dates as ISO 8601', { At: new Date('2026-01-02T03:04:05.006Z') }, '<At>2026-01-02T03:04:05.006Z</At>'],
    ['booleans as true/false', { On: true, Off: false }, '<On>true</On><Off>false</Off>'],
    ['numbers as decimals', { N: 30 }, '<N>30</N>'],
    [
      'text escaped',
      { T: `a & <b> "c" 'd'\r\n` },
      '<T>a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;&#xD;\n</T>',
    ],
    ['Maps as entries', { M: new Map([['k', 'v']]) }, '<M><entry><key>k</key><value>v</value></entry></M>'],
    ['nested structures', { S: { Inner: { Leaf: 'x' } } }, '<S><Inner><Leaf>x</Leaf></Inner></S>'],
    ['undefined and null members left out', { A: undefined, B: null, C: 'c' }, '<C>c</C>'],
  ])('encodes %s', (_name, output, xml) => {
    expect(encodeQueryResponse('Op', NS, output, 'r').body).toContain(`<OpResult>${xml}</OpResult>`);
  });

  it('puts ResponseMetadata right after the opening element when there is no output shape', () => {
    expect(encodeQueryResponse('DeleteStack', NS, {}, 'r', { withoutOutput: true }).body).toContain(
      `<DeleteStackResponse xmlns="${NS}"><ResponseMetadata>`,
    );
  });
});

describe('encodeQueryError', () => {
  it('encodes <ErrorResponse> with type, code, message, request id and the status', () => {
    const error = new AwsServiceError('ValidationError', 'Stack <x> does not exist');
    const { statusCode, body } = encodeQueryError(error, NS, 'req-2');
    expect(statusCode).toBe(400);
    expect(body).toContain(
      `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ValidationError</Code>` +
        '<Message>Stack &lt;x&gt; does not exist</Message></Error><RequestId>req-2</RequestId></ErrorResponse>',
    );
  });

  it('marks 5xx errors as Receiver faults', () => {
    const error = new AwsServiceError('InternalFailure', 'boom', { statusCode: 500 });
    const { statusCode, body } = encodeQueryError(error, NS, 'r');
    expect(statusCode).toBe(500);
    expect(body).toContain('<Type>Receiver</Type>');
  });
});
