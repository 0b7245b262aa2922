// POST /devices/claim: a device claims its identity once, with the one-time token an administrator
// handed its installer and a certificate signing request made from its own key; it gets its client
// certificate, the authority's certificate and its broker credentials. The token is the only
// credential; an unknown, used or expired one is refused with its code.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { claimDeviceIdentity } from '@threadline/db/devices/device-identities';
import type { RawSql } from '@threadline/db/sql';
import type { Services } from '../../services.ts';
import { badInput, ThreadlineError } from '../../common/errors.ts';
import { withCodedErrors } from '../../common/domain-command.ts';
import { sendError, sendUnexpected } from '../../common/http-route.ts';

const claimSchema = z.object({ token: z.string().min(10).max(200), csr: z.string().min(100).max(20_000) });

export async function registerDeviceClaimRoute(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      if (error instanceof ThreadlineError) return sendError(reply, error);
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status < 500) return sendError(reply, badInput(`The body could not be read: ${(error as Error).message}`));
      return sendUnexpected(services, reply, error, 'device claim failed', 'The claim failed on the server; the token is still good. Try again.');
    });
    scope.post('/devices/claim', { bodyLimit: 64 * 1024 }, async (request) => {
      const parsed = claimSchema.safeParse(request.body);
      if (!parsed.success)
        throw badInput('Send { "token": the claim token, "csr": a PEM certificate signing request }.', { field: parsed.error.issues[0]?.path.join('.') });
      return withCodedErrors(() =>
        services.db.prisma.$transaction((tx) =>
          claimDeviceIdentity(tx as unknown as RawSql, services.devices.authoritySecret, services.devices.broker, parsed.data, services.clock.now()),
        ),
      );
    });
  });
}
