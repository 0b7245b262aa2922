// type-graphql's auth checker: `@Authorized('perm')` passes when the caller holds every named
// permission; otherwise UNAUTHENTICATED (no caller) or FORBIDDEN (caller lacks one).
import type { AuthChecker } from 'type-graphql';
import type { Context } from '../context.ts';
import { forbidden, unauthenticated } from '../common/errors.ts';

export const authChecker: AuthChecker<Context, string> = ({ context }, required) => {
  const principal = context.principal;
  if (!principal) throw unauthenticated();
  const missing = required.filter((permission) => !principal.permissions.has(permission as never));
  if (missing.length > 0) {
    throw forbidden(
      `Your ${principal.kind === 'USER' ? `role ${principal.role}` : principal.kind === 'CLIENT' ? 'access token' : 'API key'} lacks ${missing.join(', ')} for this operation; ask an administrator.`,
    );
  }
  return true;
};
