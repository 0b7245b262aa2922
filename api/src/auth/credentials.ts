// The credentials a request carries: the Authorization header and the X-API-Key header.
import type { FastifyRequest } from 'fastify';
import type { Credentials } from '../modules/people/access.service.ts';

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function credentialsOf(request: FastifyRequest): Credentials {
  return { authorization: header(request, 'authorization'), apiKey: header(request, 'x-api-key') };
}
