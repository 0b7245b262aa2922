// A domain rule refused a change: the message says why, `field` names the input that broke it.
// The API turns it into an error of the same code with that field: BAD_USER_INPUT for a bad input,
// NOT_FOUND for a record the caller's organisation does not have, CONFLICT when the input is fine
// but the state of things forbids it, FORBIDDEN when this caller may not (four eyes); workers log it.
export type RefusalCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

export class Refusal extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly code: RefusalCode = 'BAD_USER_INPUT',
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
