// Access operations: sign-in, the caller, users and API keys.
import type { ClassType } from 'type-graphql';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { newApiKey } from '../../auth/api-keys.ts';
import { hashPassword } from '@threadline/db/passwords';
import { tenantOf, type Context } from '../../context.ts';
import type { Row, TenantClient } from '../../common/entity-repository.ts';
import { revokeSession, revokeUserSessions, sessionEndReason } from '@threadline/db/people/sessions';
import { auditJson, runCommand } from '../../common/command.ts';
import { entityResolvers, type EntitySpec } from '../../common/entity-resolvers.ts';
import { badInput, notFound, requireUuid } from '../../common/errors.ts';
import { whereOf } from '../../common/filters.ts';
import { ApiKey, CreatedApiKey, Organization, Session, SignInOptions, User, Viewer } from './access.types.ts';
import { ApiKeyFilter, ApiKeyInput, LoginInput, SsoLoginInput, UserFilter, UserInput, UserUpdate } from './access.inputs.ts';
import type { SignedIn } from './access.service.ts';

/**
 * The user's row data from the input. A new password, another role or disabling the account ends
 * every session the user has open, in the same transaction.
 */
async function prepareUser(
  input: Partial<UserInput> & { disabled?: boolean },
  tx: TenantClient,
  ctx: Context,
  existing?: Row,
): Promise<Record<string, unknown>> {
  const { password, disabled, email, ...rest } = input;
  const now = ctx.services.clock.now();
  const ended = existing && sessionEndReason({ role: String(existing.role) }, input);
  if (existing && ended) {
    await revokeUserSessions(tx, existing.id, ended, now);
    ctx.services.access.sessions.forgetUser(existing.id);
  }
  return {
    ...rest,
    ...(email ? { email: email.toLowerCase() } : {}),
    ...(password ? { passwordHash: await hashPassword(password) } : {}),
    ...(disabled === undefined ? {} : { disabledAt: disabled ? now : null }),
  };
}

export const accessSpecs: EntitySpec[] = [
  {
    name: 'User',
    model: 'User',
    subject: 'user',
    node: () => User,
    list: 'users',
    single: 'user',
    filter: UserFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'email'] }),
    create: { input: UserInput, permission: 'access:admin', prepare: (input, tx, ctx) => prepareUser(input as UserInput, tx, ctx) },
    update: { input: UserUpdate, permission: 'access:admin', prepare: (input, tx, ctx, existing) => prepareUser(input as UserUpdate, tx, ctx, existing) },
  },
  {
    name: 'ApiKey',
    model: 'ApiKey',
    subject: 'api_key',
    node: () => ApiKey,
    list: 'apiKeys',
    single: 'apiKey',
    readPermission: 'access:admin',
    filter: ApiKeyFilter,
    toWhere: (f: ApiKeyFilter) => (f.active === undefined ? {} : { revokedAt: f.active ? null : { not: null } }),
  },
];

@Resolver()
export class AccessResolver {
  @Mutation(() => Session, {
    description:
      'Public. Exchanges e-mail and password for a session token. Failed attempts are throttled per account and per source address (RATE_LIMITED with retryAfterSeconds).',
  })
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: Context): Promise<Session> {
    const signedIn = await ctx.services.access.signIn({
      email: input.email,
      password: input.password,
      organization: input.organization ?? null,
      sourceAddress: ctx.sourceAddress,
    });
    return sessionOf(signedIn, ctx);
  }

  @Mutation(() => Session, {
    description:
      "Public. Exchanges the identity provider's ID token (relayed by the portal after the authorisation-code flow, with its nonce) for a session token; the person is provisioned on first sign-in with the role their groups map to. FORBIDDEN when no group maps to a role.",
  })
  async loginWithSso(@Arg('input', () => SsoLoginInput) input: SsoLoginInput, @Ctx() ctx: Context): Promise<Session> {
    const signedIn = await ctx.services.access.signInWithSso({ idToken: input.idToken, nonce: input.nonce, sourceAddress: ctx.sourceAddress });
    return sessionOf(signedIn, ctx);
  }

  @Query(() => SignInOptions, { description: 'Public. How people sign in here: password, single sign-on, or both.' })
  signInOptions(@Ctx() ctx: Context): SignInOptions {
    const { oidc, passwordSignIn } = ctx.services.access;
    return {
      password: passwordSignIn,
      sso: oidc && { displayName: oidc.settings.displayName, issuer: oidc.settings.issuer, clientId: oidc.settings.clientId },
    };
  }

  @Authorized('read')
  @Mutation(() => Boolean, { description: 'Ends the session whose token the request carries, at once; audited as user.signed_out.' })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    const { principal } = tenantOf(ctx);
    const sessionId = principal.sessionId;
    if (!sessionId) throw badInput('Only a session token can be signed out; revoke an API key with revokeApiKey.');
    await runCommand(ctx, { type: 'user.signed_out', subjectType: 'user' }, async (tx) => {
      await revokeSession(tx, sessionId, 'signed_out', ctx.services.clock.now());
      return { result: true, subjectId: principal.id, payload: { sessionId } };
    });
    ctx.services.access.sessions.forgetSession(sessionId);
    return true;
  }

  @Authorized('read')
  @Query(() => Viewer, { description: 'Who you are and what you may do.' })
  async viewer(@Ctx() ctx: Context): Promise<Viewer> {
    const { principal, tenant } = tenantOf(ctx);
    const organization = await tenant.organization.findFirstOrThrow({});
    return {
      kind: principal.kind,
      id: principal.id,
      label: principal.label,
      role: (principal.role ?? null) as Viewer['role'],
      permissions: [...principal.permissions],
      organization,
    };
  }

  @Authorized('read')
  @Query(() => Organization, { description: 'Your organisation.' })
  organization(@Ctx() ctx: Context): Promise<Organization> {
    return tenantOf(ctx).tenant.organization.findFirstOrThrow({});
  }

  @Authorized('access:admin')
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key; the token in the answer is shown only once.' })
  async createApiKey(@Arg('input', () => ApiKeyInput) input: ApiKeyInput, @Ctx() ctx: Context): Promise<CreatedApiKey> {
    if (input.expiresAt && input.expiresAt <= ctx.services.clock.now()) throw badInput('expiresAt must be in the future.', { field: 'expiresAt' });
    const { principal } = tenantOf(ctx);
    const key = newApiKey();
    return runCommand(ctx, { type: 'api_key.created', subjectType: 'api_key' }, async (tx) => {
      const apiKey = await tx.apiKey.create({
        data: {
          organizationId: principal.organizationId,
          name: input.name,
          prefix: key.prefix,
          secretHash: key.secretHash,
          scopes: [...new Set(input.scopes)],
          expiresAt: input.expiresAt ?? null,
          createdById: principal.kind === 'USER' ? principal.id : null,
        },
      });
      return { result: { apiKey, token: key.token }, subjectId: apiKey.id, payload: { after: auditJson(apiKey) } };
    });
  }

  @Authorized('access:admin')
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return runCommand(ctx, { type: 'api_key.revoked', subjectType: 'api_key' }, async (tx) => {
      const existing = await tx.apiKey.findFirst({ where: { id: requireUuid(id) } });
      if (!existing) throw notFound('ApiKey', id);
      if (existing.revokedAt) throw badInput('This API key is already revoked.');
      const apiKey = await tx.apiKey.update({ where: { id }, data: { revokedAt: ctx.services.clock.now() } });
      return { result: apiKey, subjectId: id, payload: { name: apiKey.name } };
    });
  }
}

export const accessResolvers: ClassType[] = [AccessResolver, ...accessSpecs.flatMap(entityResolvers)];

async function sessionOf({ userId, token, expiresAt }: SignedIn, ctx: Context): Promise<Session> {
  const { organization, ...user } = await ctx.services.db.prisma.user.findUniqueOrThrow({ where: { id: userId }, include: { organization: true } });
  return { token, expiresAt, user, organization };
}
