// What each role and API-key scope may do. Permissions are the only thing resolvers check; roles
// and scopes are mapped to them here, in one table.
import type { UserRole } from '@threadline/db/client';

export const PERMISSIONS = [
  'read',
  'plant:write',
  'telemetry:write',
  'usecase:write',
  'model:write',
  /** Name a version champion, decide promotions, roll back: an approver's call, not the model's authors'. */
  'model:promote',
  'operations:write',
  'approval:decide',
  'access:admin',
  /** An edge agent forwards what it scored on site and reports its health (API keys of edge targets). */
  'edge:write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  VIEWER: ['read'],
  ENGINEER: ['read', 'plant:write', 'telemetry:write', 'operations:write'],
  DATA_SCIENTIST: ['read', 'model:write', 'operations:write'],
  APPROVER: ['read', 'usecase:write', 'approval:decide', 'model:promote'],
  ADMIN: PERMISSIONS,
};

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
