import { ApiProperty } from '@nestjs/swagger';

export class ErrorDetail {
  @ApiProperty({ description: 'gRPC status name', example: 'NOT_FOUND' })
  code!: string;

  @ApiProperty({ example: 'unknown language "xx" (known: en, fr, de, es, it, nl, pt)' })
  message!: string;
}

/** Every error the gateway answers: `{ "error": { "code": "<GRPC_CODE_NAME>", "message": "..." } }`. */
export class ErrorBody {
  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
