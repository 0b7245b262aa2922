// Argument validation with class-validator, imported once. type-graphql's own validation imports
// class-validator dynamically on every object argument, which under the tsx loader is a round trip
// to its hooks thread per argument (~3 % of the API's CPU on the portal's overview). Same rules:
// missing properties are skipped, unknown values allowed, failures an ArgumentValidationError.
import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';

const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

export const validateArgs: ValidatorFn = async (value) => {
  if (!isObject(value)) return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isObject).map((item) => validateOrReject(item, OPTIONS)));
    else await validateOrReject(value, OPTIONS);
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
};
