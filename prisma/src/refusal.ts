// A domain rule refused a change: the message says why, `field` names the input that broke it.
// The API turns it into BAD_USER_INPUT with that field (CONFLICT when the input is fine but the
// state of things forbids it); workers log it.
export class Refusal extends Error {
  constructor(message: string, readonly field: string, readonly code: 'BAD_USER_INPUT' | 'CONFLICT' = 'BAD_USER_INPUT') {
    super(message);
    this.name = 'Refusal';
  }
}
