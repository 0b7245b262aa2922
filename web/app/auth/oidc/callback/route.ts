// The identity provider's answer: the code is exchanged (with the PKCE verifier, checking state and
// nonce), the API turns the ID token into a Threadline session, and the person lands on the overview.
import { headers } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';
import { ApiError, graphql } from '../../../../lib/graphql';
import { CALLBACK_PATH, finishSignIn, PENDING_COOKIE, portalOrigin, providerConfiguration, signInOptions, unseal } from '../../../../lib/oidc';
import { keepSession, SESSION_FIELDS, type SignedInSession } from '../../../../lib/session';
import { loginPageWith, type SignInError } from '../sign-in-errors';

export async function GET(request: NextRequest): Promise<NextResponse> {
  const pending = unseal(request.cookies.get(PENDING_COOKIE)?.value);
  const outcome = await (async (): Promise<SignInError | null> => {
    if (!pending) return 'expired';
    if (request.nextUrl.searchParams.has('error')) return 'denied';
    try {
      const { sso } = await signInOptions();
      if (!sso) return 'not_configured';
      const callbackUrl = new URL(`${CALLBACK_PATH}${request.nextUrl.search}`, portalOrigin(request));
      const idToken = await finishSignIn(await providerConfiguration(sso), callbackUrl, pending);
      const data = await graphql<{ loginWithSso: SignedInSession }>(
        `mutation($input: SsoLoginInput!) { loginWithSso(input: $input) { ${SESSION_FIELDS} } }`,
        { input: { idToken, nonce: pending.nonce } },
        '',
        (await headers()).get('x-forwarded-for') ?? undefined,
      );
      await keepSession(data.loginWithSso);
      return null;
    } catch (error) {
      return error instanceof ApiError && error.code === 'FORBIDDEN' ? 'refused' : 'failed';
    }
  })();
  const response = outcome ? loginPageWith(request, outcome) : NextResponse.redirect(new URL('/', portalOrigin(request)));
  response.cookies.delete({ name: PENDING_COOKIE, path: CALLBACK_PATH });
  return response;
}
