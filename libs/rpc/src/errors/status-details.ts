import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import type { Metadata } from '@grpc/grpc-js';

/**
 * Rich error details, as kratos and Google APIs send them: the trailer `grpc-status-details-bin`
 * holds a serialized `google.rpc.Status` whose `details` may carry a `google.rpc.ErrorInfo`
 * (a machine-readable reason, its domain and string metadata). Any gRPC client can decode it;
 * callers branch on `reason` rather than on message text.
 *
 * Only these two small messages are needed, so they are encoded here with the protobuf wire
 * codec rather than generated from googleapis.
 */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

export interface ErrorInfo {
  /** UPPER_SNAKE_CASE reason, unique within its domain, e.g. `NAME_REQUIRED`. */
  reason: string;
  /** Who defines the reason: the service name, e.g. `greeter` (`flotilla` for the framework's own). */
  domain: string;
  metadata: Record<string, string>;
}

export interface AnyMessage {
  typeUrl: string;
  value: Uint8Array;
}

export interface RichStatus {
  code: number;
  message: string;
  /** The packed details, ErrorInfo included. */
  details: AnyMessage[];
  /** The first ErrorInfo among the details, decoded. */
  errorInfo: ErrorInfo | undefined;
}

export function encodeErrorInfo(info: ErrorInfo): Uint8Array {
  const writer = new BinaryWriter();
  if (info.reason !== '') writer.uint32(10).string(info.reason);
  if (info.domain !== '') writer.uint32(18).string(info.domain);
  for (const [key, value] of Object.entries(info.metadata)) {
    // A map field is a repeated entry message {1: key, 2: value}.
    writer.uint32(26).fork().uint32(10).string(key).uint32(18).string(value).join();
  }
  return writer.finish();
}

export function decodeErrorInfo(bytes: Uint8Array): ErrorInfo {
  const reader = new BinaryReader(bytes);
  const info: ErrorInfo = { reason: '', domain: '', metadata: {} };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag) {
      case 10:
        info.reason = reader.string();
        break;
      case 18:
        info.domain = reader.string();
        break;
      case 26: {
        const entry = new BinaryReader(reader.bytes());
        let key = '';
        let value = '';
        while (entry.pos < entry.len) {
          const entryTag = entry.uint32();
          if (entryTag === 10) key = entry.string();
          else if (entryTag === 18) value = entry.string();
          else entry.skip(entryTag & 7);
        }
        info.metadata[key] = value;
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  return info;
}

/** Serializes `google.rpc.Status { code, message, details: [Any(ErrorInfo)] }`. */
export function encodeStatusDetails(status: {
  code: number;
  message: string;
  errorInfo?: ErrorInfo | undefined;
}): Buffer {
  const writer = new BinaryWriter();
  if (status.code !== 0) writer.uint32(8).int32(status.code);
  if (status.message !== '') writer.uint32(18).string(status.message);
  if (status.errorInfo) {
    writer
      .uint32(26)
      .fork()
      .uint32(10)
      .string(ERROR_INFO_TYPE_URL)
      .uint32(18)
      .bytes(encodeErrorInfo(status.errorInfo))
      .join();
  }
  return Buffer.from(writer.finish());
}

/** Parses a serialized `google.rpc.Status`; throws on malformed bytes. */
export function decodeStatusDetails(bytes: Uint8Array): RichStatus {
  const reader = new BinaryReader(bytes);
  const status: RichStatus = { code: 0, message: '', details: [], errorInfo: undefined };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag) {
      case 8:
        status.code = reader.int32();
        break;
      case 18:
        status.message = reader.string();
        break;
      case 26: {
        const any = new BinaryReader(reader.bytes());
        const packed: AnyMessage = { typeUrl: '', value: new Uint8Array() };
        while (any.pos < any.len) {
          const anyTag = any.uint32();
          if (anyTag === 10) packed.typeUrl = any.string();
          else if (anyTag === 18) packed.value = any.bytes();
          else any.skip(anyTag & 7);
        }
        status.details.push(packed);
        if (status.errorInfo === undefined && packed.typeUrl === ERROR_INFO_TYPE_URL)
          status.errorInfo = decodeErrorInfo(packed.value);
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  return status;
}

/**
 * The rich status a server attached to a failed call (from the error's trailing metadata), or
 * undefined if it sent none or it cannot be parsed.
 */
export function richStatusOf(
  error: { metadata?: Metadata | undefined } | null | undefined,
): RichStatus | undefined {
  const raw = error?.metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!(raw instanceof Uint8Array)) return undefined;
  try {
    return decodeStatusDetails(raw);
  } catch {
    return undefined;
  }
}

/** The ErrorInfo (reason, domain, metadata) of a failed call, if the server sent one. */
export function errorInfoOf(
  error: { metadata?: Metadata | undefined } | null | undefined,
): ErrorInfo | undefined {
  return richStatusOf(error)?.errorInfo;
}
