// Inputs of access: sign-in, users and API keys.
import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsIn, IsOptional, Length, MaxLength, MinLength } from 'class-validator';
import { UserRole } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';
import { PERMISSIONS } from '../../auth/permissions.ts';
import { partialOf } from '../../common/inputs.ts';

@InputType()
export class LoginInput {
  @Field(() => String) @IsEmail() @MaxLength(254) email!: string;
  @Field(() => String) @Length(1, 200) password!: string;
  @Field(() => String, { nullable: true, description: "The organisation's slug, needed only when the e-mail and password open accounts in several." })
  @IsOptional()
  @MaxLength(100)
  organization?: string;
}

@InputType()
export class SsoLoginInput {
  @Field(() => String, { description: "The identity provider's ID token from the authorisation-code flow." }) @Length(1, 16_000) idToken!: string;
  @Field(() => String, { description: 'The nonce the sign-in request carried.' }) @Length(16, 200) nonce!: string;
}

@InputType()
export class UserInput {
  @Field(() => String) @IsEmail() @MaxLength(254) email!: string;
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => UserRole) role!: UserRole;
  @Field(() => String, { description: 'At least 12 characters.' }) @MinLength(12) @MaxLength(200) password!: string;
}

@InputType()
export class UserUpdate extends partialOf(UserInput, 'UserUpdateFields', ['email']) {
  @Field(() => Boolean, { nullable: true, description: 'Disable (true) or re-enable (false) sign-in.' }) @IsOptional() disabled?: boolean;
}

@InputType()
export class UserFilter {
  @Field(() => UserRole, { nullable: true }) @IsOptional() role?: UserRole;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class ApiKeyInput {
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => [String], { description: `Any of: ${PERMISSIONS.join(', ')}.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(PERMISSIONS.length)
  @IsIn([...PERMISSIONS], { each: true, message: `each scope must be one of ${PERMISSIONS.join(', ')}` })
  scopes!: string[];
  @Field(() => DateTime, { nullable: true }) @IsOptional() expiresAt?: Date;
}

@InputType()
export class ApiKeyFilter {
  @Field(() => Boolean, { nullable: true, description: 'Only keys that are not revoked.' }) @IsOptional() active?: boolean;
}
