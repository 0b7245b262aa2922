// Starts single sign-on: a fresh PKCE verifier, state and nonce, sealed in a cookie for the callback,
// and a redirect to the identity provider.
import { NextResponse, type NextRequest } from 'next/server';
import { CALLBACK_PATH, PENDING_COOKIE, PENDING_SECONDS, portalOrigin, providerConfiguration, seal, signInOptions, startSignIn } from '../../../../lib/oidc';
import { loginPageWith } from '../sign-in-errors';

export async function GET(request: NextRequest): Promise<NextResponse> {
  try {
    const { sso } = await signInOptions();
    if (!sso) return loginPageWith(request, 'not_configured');
    const { url, pending } = await startSignIn(await providerConfiguration(sso), new URL(CALLBACK_PATH, portalOrigin(request)).href);
    const response = NextResponse.redirect(url);
    response.cookies.set(PENDING_COOKIE, seal(pending), {
      httpOnly: true,
      sameSite: 'lax',
      secure: request.nextUrl.protocol === 'https:',
      path: CALLBACK_PATH,
      maxAge: PENDING_SECONDS,
    });
    return response;
  } catch {
    return loginPageWith(request, 'unavailable');
  }
}
