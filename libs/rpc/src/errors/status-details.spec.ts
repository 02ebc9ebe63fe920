import { Metadata } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import {
  decodeStatusDetails,
  encodeStatusDetails,
  ERROR_INFO_TYPE_URL,
  errorInfoOf,
  STATUS_DETAILS_KEY,
} from './status-details.js';

// google.rpc.Status and ErrorInfo as googleapis defines them, parsed by protobufjs: the reference.
const reference = protobuf.parse(`
  syntax = "proto3";
  package google.rpc;
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
`).root;
const Status = reference.lookupType('google.rpc.Status');
const ErrorInfo = reference.lookupType('google.rpc.ErrorInfo');

describe('google.rpc.Status with ErrorInfo (grpc-status-details-bin)', () => {
  const errorInfo = { reason: 'NAME_REQUIRED', domain: 'greeter', metadata: { field: 'name', max: '256' } };

  it('encodes what the reference decodes', () => {
    const bytes = encodeStatusDetails({ code: 3, message: 'name is required', errorInfo });
    const status = Status.toObject(Status.decode(bytes)) as {
      code: number;
      message: string;
      details: { typeUrl: string; value: Uint8Array }[];
    };
    expect(status).toMatchObject({ code: 3, message: 'name is required' });
    expect(status.details[0]?.typeUrl).toBe(ERROR_INFO_TYPE_URL);
    expect(ErrorInfo.toObject(ErrorInfo.decode(status.details[0]!.value))).toEqual(errorInfo);
  });

  it('decodes what the reference encodes, skipping details it does not know', () => {
    const bytes = Status.encode(
      Status.fromObject({
        code: 5,
        message: 'not found',
        details: [
          { typeUrl: 'type.googleapis.com/google.rpc.DebugInfo', value: Buffer.from([8, 1]) },
          { typeUrl: ERROR_INFO_TYPE_URL, value: ErrorInfo.encode(ErrorInfo.fromObject(errorInfo)).finish() },
        ],
      }),
    ).finish();
    const decoded = decodeStatusDetails(bytes);
    expect(decoded).toMatchObject({ code: 5, message: 'not found', errorInfo });
    expect(decoded.details).toHaveLength(2);
  });

  it("reads the ErrorInfo from a failed call's trailers, and nothing from a call without", () => {
    const metadata = new Metadata();
    metadata.set(STATUS_DETAILS_KEY, encodeStatusDetails({ code: 3, message: 'm', errorInfo }));
    expect(errorInfoOf({ metadata })).toEqual(errorInfo);
    expect(errorInfoOf({ metadata: new Metadata() })).toBeUndefined();
    const garbage = new Metadata();
    garbage.set(STATUS_DETAILS_KEY, Buffer.from([0xff, 0xff, 0xff]));
    expect(errorInfoOf({ metadata: garbage })).toBeUndefined();
  });
});
