// GraphQL types of access: the organisation, its users, API keys and sessions.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { UserRole } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';

registerEnumType(UserRole, { name: 'UserRole', description: 'What a person may do in Threadline.' });

@ObjectType()
export class Organization {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) slug!: string;
  @Field(() => String, { description: 'ISO 4217 code of money figures.' }) currency!: string;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType()
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) name!: string;
  @Field(() => UserRole) role!: UserRole;
  @Field(() => DateTime, { nullable: true }) disabledAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) lastLoginAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'An API key for an integrator or gateway; its secret is shown once, at creation.' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The public part of the key, tl_<prefix>_…' }) prefix!: string;
  @Field(() => [String]) scopes!: string[];
  @Field(() => DateTime, { nullable: true }) expiresAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) revokedAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field(() => String, { description: 'The whole key. Store it now: it is not shown again.' }) token!: string;
}

@ObjectType()
export class Session {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`.' }) token!: string;
  @Field(() => DateTime) expiresAt!: Date;
  @Field(() => User) user!: User;
  @Field(() => Organization, { description: 'The organisation signed in to.' }) organization!: Organization;
}

@ObjectType({ description: "The plant's OpenID Connect provider, for the portal's sign-in." })
export class SsoProvider {
  @Field(() => String, { description: 'The name of the sign-in button.' }) displayName!: string;
  @Field(() => String) issuer!: string;
  @Field(() => String, { description: "The portal's client id at the provider." }) clientId!: string;
}

@ObjectType({ description: 'How people sign in here.' })
export class SignInOptions {
  @Field(() => Boolean, { description: 'Whether e-mail and password sign-in is on.' }) password!: boolean;
  @Field(() => SsoProvider, { nullable: true, description: 'Single sign-on, when configured.' }) sso!: SsoProvider | null;
}

@ObjectType({ description: 'The caller: a user, an API key or a machine client, and what it may do.' })
export class Viewer {
  @Field(() => String) kind!: string;
  @Field(() => ID) id!: string;
  @Field(() => String) label!: string;
  @Field(() => UserRole, { nullable: true }) role!: UserRole | null;
  @Field(() => [String]) permissions!: string[];
  @Field(() => Organization) organization!: Organization;
}
