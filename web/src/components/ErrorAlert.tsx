// A refused request or a failed operation, said plainly: what kind of refusal
// it is (the lab or the policy forbids it, the lab is busy, the Docker Engine
// cannot be reached…) and the server's own message, with the request field
// it names. A start refused because the repository is not trusted lists what
// the lab asks for, one item a line, and how to trust the repository.
import type { ReactNode } from 'react';
import { ApiError, errorKindOf, errorMessage, type ErrorKind } from '../api';
import './ErrorAlert.css';

const LEAD: Record<ErrorKind, string> = {
  offline: 'No answer.',
  'bad-request': 'Not accepted.',
  unauthorized: 'Not logged in.',
  forbidden: 'Refused.',
  'not-found': 'Not found.',
  conflict: 'Busy.',
  'rate-limited': 'Too many attempts.',
  unavailable: 'The Docker Engine cannot be reached.',
  server: 'Failed.',
};

/** The message of an UntrustedError (internal/engine): "[prefix]repository R is not trusted and this lab asks for: a; b". */
const UNTRUSTED = /^([\s\S]*?)repository (\S+) is not trusted and this lab asks for: ([\s\S]+)$/;

/** The parts of a refusal because the repository is not trusted, or null when the message is another one. */
export function untrustedRefusal(message: string): { prefix: string; repo: string; asks: string[] } | null {
  const m = UNTRUSTED.exec(message.trim());
  if (!m) return null;
  const asks = m[3]
    .split('; ')
    .map((s) => s.trim())
    .filter(Boolean);
  return { prefix: m[1], repo: m[2], asks };
}

/** An error message, with a refusal of an untrusted repository laid out as a list. */
export function ErrorText({ text }: { text: string }) {
  const u = untrustedRefusal(text);
  if (!u) return <span className="error-text">{text}</span>;
  return (
    <span className="error-text" data-testid="untrusted-refusal">
      {u.prefix}repository <strong className="mono">{u.repo}</strong> is not trusted, and this lab asks for:
      <ul className="error-list">
        {u.asks.map((a, i) => (
          <li key={i}>{a}</li>
        ))}
      </ul>
      <span className="small">
        If you trust its author, trust the repository with <code>dsp repo trust {u.repo}</code>, then start the lab again.
      </span>
    </span>
  );
}

/** An alert for an error of any kind: ApiError (its status picks the lead), Error, or text. */
export function ErrorAlert({
  error,
  lead,
  testId,
  big,
}: {
  error: unknown;
  /** replaces the lead that the status picks ("Not removed:") */
  lead?: ReactNode;
  testId?: string;
  big?: boolean;
}) {
  if (error == null || error === '') return null;
  const status = error instanceof ApiError ? error.status : undefined;
  const kind = status === undefined ? undefined : errorKindOf(status);
  const field = error instanceof ApiError ? error.field : undefined;
  const text = errorMessage(error);
  const first = lead ?? (kind ? LEAD[kind] : null);
  return (
    <div
      className={`alert alert-error error-alert${big ? ' alert-big' : ''}`}
      role="alert"
      data-testid={testId}
      data-status={status}
      data-kind={kind}
    >
      {first && <strong className="error-lead">{first}</strong>} <ErrorText text={text} />
      {field && (
        <span className="muted small error-field">
          {' '}
          (field <code>{field}</code>)
        </span>
      )}
      {kind === 'unavailable' && (
        <div className="small error-hint">Start the Docker Engine (or check that dsp may use its socket), then try again.</div>
      )}
    </div>
  );
}
