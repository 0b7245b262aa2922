// Why single sign-on did not sign someone in: a code in the sign-in page's address, shown there as a
// fixed sentence (never text from the address itself).
import { NextResponse, type NextRequest } from 'next/server';
import { portalOrigin } from '../../../lib/oidc';

export const SIGN_IN_ERRORS = {
  not_configured: 'Single sign-on is not configured here.',
  unavailable: 'The identity provider cannot be reached right now; try again in a moment.',
  expired: 'The sign-in took too long or was started elsewhere; start it again.',
  denied: 'The identity provider did not sign you in.',
  refused: 'Your account at the identity provider has no Threadline role, is disabled, or cannot be linked; ask an administrator.',
  failed: 'Single sign-on failed; start it again.',
} as const;

export type SignInError = keyof typeof SIGN_IN_ERRORS;

export function loginPageWith(request: NextRequest, error: SignInError): NextResponse {
  const url = new URL('/login', portalOrigin(request));
  url.searchParams.set('error', error);
  return NextResponse.redirect(url);
}
