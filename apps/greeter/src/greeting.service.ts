import { Injectable } from '@nestjs/common';
import { ValidationError } from '@flotilla/nest';
import { greet, streamCount } from './greeting.js';

/** The greeter's domain logic, injected into the gRPC controller by type (decorator metadata). */
@Injectable()
export class GreetingService {
  greet(name: unknown): string {
    return greet(name);
  }

  repeat(count: unknown): number {
    return streamCount(count);
  }

  greetAll(names: string[]): string {
    if (names.length === 0)
      throw new ValidationError('at least one request with a name is required', { reason: 'NAMES_REQUIRED' });
    return `Hello ${names.join(', ')}`;
  }

  /** Validates a name for a combined greeting and returns it as given. */
  checkName(name: unknown): string {
    return greet(name).slice('Hello '.length);
  }
}
