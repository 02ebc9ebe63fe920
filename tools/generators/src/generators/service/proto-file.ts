import type { NameForms } from '../../utils/names.js';

/** Path of the service's proto under the workspace's proto/ folder (buf wants lower_snake_case). */
export function protoPath(names: NameForms): string {
  return `proto/${names.snake}/v1/${names.snake}.proto`;
}

/** Full proto name of the service, e.g. `orders.v1.Orders`. */
export function protoServiceName(names: NameForms): string {
  return `${names.snake}.v1.${names.pascal}`;
}

/**
 * A starter API that passes buf's STANDARD lint: one unary method, marked idempotent so that
 * Flotilla clients may retry and hedge it.
 */
export function protoFile(names: NameForms): string {
  return `syntax = "proto3";

package ${names.snake}.v1;

// ${names.pascal} is the ${names.kebab} service's API. Add methods here; the TypeScript types and the
// service definition come from \`npm run generate\` (also run before every build).
service ${names.pascal} {
  // Echo answers with the text it was sent. Idempotent, so clients may retry and hedge it.
  rpc Echo(EchoRequest) returns (EchoResponse) {
    option idempotency_level = IDEMPOTENT;
  }
}

message EchoRequest {
  // Required; at most 256 characters.
  string text = 1;
}

message EchoResponse {
  // The request's text.
  string text = 1;
}
`;
}
