// The scalars every module shares, so a type function reads `() => DateTime` everywhere.
import { BigIntResolver, DateTimeISOResolver, JSONResolver } from 'graphql-scalars';

export const DateTime = DateTimeISOResolver;
export const Json = JSONResolver;
export const BigIntScalar = BigIntResolver;
