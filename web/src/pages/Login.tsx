// The login page: the admin password (printed by `dsp serve`, kept in
// <home>/.dsp.d/admin-password), and the server's refusal when there is one.
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api';
import { hashQuery } from '../router';
import './Login.css';

export function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState(() =>
    hashQuery().has('expired') ? 'That login link has expired or was already used: log in with the password.' : '',
  );
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) {
      setError('Type the password first.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await api.login(password);
      setPassword('');
      onLoggedIn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-brand">
          <span className="logo-mark" aria-hidden="true">
            <svg viewBox="0 0 32 32" width="40" height="40">
              <rect width="32" height="32" rx="8" fill="currentColor" />
              <path d="M9 10h14M9 16h14M9 22h8" stroke="var(--logo-fg)" strokeWidth="3" strokeLinecap="round" />
            </svg>
          </span>
          <div>
            <h1>dsp</h1>
            <p className="muted">Docker Security Playground</p>
          </div>
        </div>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'login-error' : undefined}
          />
        </label>
        {error && (
          <div className="alert alert-error" role="alert" id="login-error">
            {error}
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="login-hint muted">
          The password was printed when <code>dsp serve</code> first started; it is kept in{' '}
          <code>.dsp.d/admin-password</code> in the main directory.
        </p>
      </form>
    </div>
  );
}
