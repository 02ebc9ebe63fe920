/** An operation the control API refuses; `status` is the HTTP status it answers with. */
export class ControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
