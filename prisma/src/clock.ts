// The one source of the current time. Code that reads the time takes a Clock (the API's services
// and the workers build theirs at start, `systemClock` unless told otherwise) or a `now` argument
// that defaults to it; tests pass a `fixedClock` and so run the same at any hour. Lint refuses
// `Date.now()` and `new Date()` everywhere else in shipped code.
export interface Clock {
  now(): Date;
  nowMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};

export interface FixedClock extends Clock {
  set(at: Date | number): void;
  advance(ms: number): void;
}

/** A clock that stands still at `at` until it is set or advanced. */
export function fixedClock(at: Date | number): FixedClock {
  let ms = typeof at === 'number' ? at : at.getTime();
  return {
    now: () => new Date(ms),
    nowMs: () => ms,
    set: (to) => {
      ms = typeof to === 'number' ? to : to.getTime();
    },
    advance: (by) => {
      ms += by;
    },
  };
}
