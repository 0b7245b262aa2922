// Sign-in page.
import { LoginForm } from './login-form';

export default function LoginPage() {
  return (
    <>
      <h1>Sign in</h1>
      <p className="lede">
        Demo users: viewer, engineer, data, approver and admin @northwind.example, password <code>threadline-demo</code>.
      </p>
      <LoginForm />
    </>
  );
}
