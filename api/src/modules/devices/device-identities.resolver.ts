// Device identities (prisma/src/devices): administrators create them (a one-time claim token to
// hand to the installer) and revoke them; anyone who reads sees them and the organisation's
// device certificate authority with its revocation list; an administrator issues the broker's
// server certificate from that authority.
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, Matches } from 'class-validator';
import { DeviceIdentityStatus } from '@threadline/db/client';
import { deviceAuthority, issueServerCertificate, revocationList } from '@threadline/db/devices/device-authority';
import { createDeviceIdentity, revokeDeviceIdentity } from '@threadline/db/devices/device-identities';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { requireUuid } from '../../common/errors.ts';
import { DateTime } from '../../common/scalars.ts';

registerEnumType(DeviceIdentityStatus, { name: 'DeviceIdentityStatus', description: 'PENDING (not claimed yet), ACTIVE, REVOKED.' });

@ObjectType({ description: "A gateway's or device's own identity: a client certificate and broker credentials that may publish under its topics only." })
export class DeviceIdentity {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Its broker user name and certificate common name.' }) name!: string;
  @Field(() => ID, { nullable: true }) edgeTargetId!: string | null;
  @Field(() => [String], { description: 'The topic filters it may publish under.' }) topics!: string[];
  @Field(() => DeviceIdentityStatus) status!: DeviceIdentityStatus;
  @Field(() => DateTime, { nullable: true, description: 'Until when its claim token is good (PENDING).' }) claimExpiresAt!: Date | null;
  @Field(() => String, { nullable: true }) certificateSerial!: string | null;
  @Field(() => DateTime, { nullable: true }) claimedAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) revokedAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType()
export class NewDeviceIdentity {
  @Field(() => DeviceIdentity) identity!: DeviceIdentity;
  @Field(() => String, { description: 'The one-time claim token: shown once; the device claims its certificate with it (POST /devices/claim) within a day.' })
  claimToken!: string;
}

@ObjectType()
export class DeviceAuthorityView {
  @Field(() => String, { description: "The organisation's device CA certificate (PEM): the broker's cafile." }) certificate!: string;
  @Field(() => String, { description: 'The revoked device certificates (PEM CRL): the broker loads it as its crlfile when it starts.' })
  revocationList!: string;
}

@ObjectType()
export class BrokerCertificate {
  @Field(() => String) certificate!: string;
  @Field(() => String, { description: 'Its private key (PEM PKCS#8), shown once.' }) privateKey!: string;
}

@InputType()
export class DeviceIdentityInput {
  @Field(() => String) @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/) name!: string;
  @Field(() => [String], { description: 'Topic filters, e.g. threadline/lej/LEJ-L1-CNC01/#.' }) @ArrayMinSize(1) @ArrayMaxSize(32) topics!: string[];
  @Field(() => ID, { nullable: true }) edgeTargetId?: string | null;
}

@Resolver()
export class DeviceIdentityResolver {
  @Authorized('access:admin')
  @Mutation(() => NewDeviceIdentity, { description: 'Creates a device identity and its one-time claim token (valid a day). CONFLICT when the name is taken.' })
  createDeviceIdentity(@Arg('input', () => DeviceIdentityInput) input: DeviceIdentityInput, @Ctx() ctx: Context): Promise<NewDeviceIdentity> {
    const edgeTargetId = input.edgeTargetId ? requireUuid(input.edgeTargetId, 'edgeTargetId') : null;
    return domainCommand(ctx, (db, actor, organizationId) =>
      createDeviceIdentity(db, organizationId, { name: input.name, topics: input.topics, edgeTargetId }, actor, ctx.services.clock.now()),
    ) as Promise<NewDeviceIdentity>;
  }

  @Authorized('access:admin')
  @Mutation(() => DeviceIdentity, {
    description: 'Revokes a device identity: the broker closes its connections and refuses new ones at once; its certificate joins the revocation list.',
  })
  revokeDeviceIdentity(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DeviceIdentity> {
    const identityId = requireUuid(id);
    return domainCommand(ctx, (db, actor, organizationId) =>
      revokeDeviceIdentity(db, ctx.services.devices.broker, organizationId, identityId, actor, ctx.services.clock.now()),
    ) as Promise<DeviceIdentity>;
  }

  @Authorized('access:admin')
  @Mutation(() => BrokerCertificate, {
    description: "Issues the plant broker's TLS server certificate from the organisation's device authority, for the host names and addresses given.",
  })
  issueBrokerCertificate(@Arg('hosts', () => [String]) hosts: string[], @Ctx() ctx: Context): Promise<BrokerCertificate> {
    return domainCommand(ctx, async (db, _actor, organizationId) => {
      const now = ctx.services.clock.now();
      return issueServerCertificate(await deviceAuthority(db, organizationId, ctx.services.devices.authoritySecret, now), hosts, now);
    });
  }

  @Authorized('read')
  @Query(() => [DeviceIdentity], { description: "The organisation's device identities, newest first." })
  deviceIdentities(@Ctx() ctx: Context): Promise<DeviceIdentity[]> {
    return tenantOf(ctx).tenant.deviceIdentity.findMany({ orderBy: { createdAt: 'desc' }, take: 1000 }) as Promise<DeviceIdentity[]>;
  }

  @Authorized('read')
  @Query(() => DeviceAuthorityView, { description: "The organisation's device certificate authority and its revocation list (made on first use)." })
  deviceAuthority(@Ctx() ctx: Context): Promise<DeviceAuthorityView> {
    return domainCommand(ctx, async (db, _actor, organizationId) => {
      const now = ctx.services.clock.now();
      const authority = await deviceAuthority(db, organizationId, ctx.services.devices.authoritySecret, now);
      return { certificate: authority.certificate.toString('pem'), revocationList: await revocationList(db, organizationId, authority, now) };
    });
  }
}
