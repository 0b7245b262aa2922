// Sign-in page: single sign-on when the API has a provider, the e-mail and password form unless it
// is switched off.
import { signInOptions, type SignInOptions } from '../../lib/oidc';
import { SIGN_IN_ERRORS } from '../auth/oidc/sign-in-errors';
import { LoginForm } from './login-form';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const message = error && error in SIGN_IN_ERRORS ? SIGN_IN_ERRORS[error as keyof typeof SIGN_IN_ERRORS] : null;
  const options: SignInOptions = await signInOptions().catch(() => ({ password: true, sso: null }));
  return (
    <>
      <h1>Sign in</h1>
      {message ? (
        <p className="error" role="alert">
          {message}
        </p>
      ) : null}
      {options.sso ? (
        <p>
          <a className="button-link" href="/auth/oidc/login">
            Sign in with {options.sso.displayName}
          </a>
        </p>
      ) : null}
      {options.password ? (
        <>
          <p className="lede">
            Demo users: viewer, engineer, data, approver and admin @northwind.example, password <code>threadline-demo</code>.
          </p>
          <LoginForm />
        </>
      ) : null}
    </>
  );
}
