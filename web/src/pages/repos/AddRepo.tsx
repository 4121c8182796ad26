// Adding a lab repository: suggestions (one click each) and a form (URL,
// optional name and branch, and how to authenticate: a user name and token
// for HTTPS, or an SSH key file). The clone's progress shows live; once done,
// a link opens the catalogue on the new repository's labs. An SSH server
// whose host key dsp does not know yet is asked about first (HostKeyDialog).
// Tokens stay in password fields and request bodies: never shown back, never
// in a URL, never logged; the form forgets them once the clone started.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, catalogueHref, type AddRepoRequest, type HostKey, type Suggestion } from '../../api';
import { ErrorAlert, ErrorText } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icons';
import { ProgressLog } from '../../components/ProgressLog';
import { loadOperation, noteRepoOperation, useOperation } from '../../events';
import { HostKeyDialog } from './HostKeyDialog';

type AuthMode = 'none' | 'token' | 'ssh';

/** The clone being followed. */
interface Clone {
  id: string;
  repo: string;
}

/** The request without empty optional fields (and without what the chosen authentication does not use). */
function addRequest(f: { url: string; name: string; branch: string; mode: AuthMode; username: string; token: string; sshKey: string }) {
  const req: AddRepoRequest = { url: f.url.trim() };
  if (f.name.trim()) req.name = f.name.trim();
  if (f.branch.trim()) req.branch = f.branch.trim();
  if (f.mode === 'token') {
    if (f.username.trim()) req.username = f.username.trim();
    if (f.token) req.token = f.token;
  }
  if (f.mode === 'ssh' && f.sshKey.trim()) req.sshKey = f.sshKey.trim();
  return req;
}

export function AddRepo({
  suggestions,
  suggestionsError,
  onAdded,
}: {
  suggestions: Suggestion[] | null;
  suggestionsError: unknown;
  /** a clone ended well: reload the list */
  onAdded: () => void;
}) {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [branch, setBranch] = useState('');
  const [mode, setMode] = useState<AuthMode>('none');
  const [username, setUsername] = useState('');
  const [token, setToken] = useState('');
  const [sshKey, setSshKey] = useState('');
  const [requesting, setRequesting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** the request waiting for the user's word on a host key (it may hold a token: memory only) */
  const [pending, setPending] = useState<{ req: AddRepoRequest; key: HostKey; fromForm: boolean } | null>(null);
  const [clone, setClone] = useState<Clone | null>(null);
  const op = useOperation(clone?.id);
  const cloning = requesting || op?.state === 'running';

  // the list takes the new repository in once the clone is done
  const ended = op?.state === 'done';
  useEffect(() => {
    if (ended) onAdded();
  }, [ended, onAdded]);

  const start = async (req: AddRepoRequest, fromForm: boolean) => {
    setError(null);
    setRequesting(true);
    try {
      const r = await api.addRepo(req);
      noteRepoOperation(r.operation, r.kind || 'clone', r.repo);
      setClone({ id: r.operation, repo: r.repo });
      loadOperation(r.operation);
      setPending(null);
      if (fromForm) {
        setToken('');
        setUrl('');
        setName('');
        setBranch('');
      }
    } catch (e) {
      if (e instanceof ApiError && e.hostKey) {
        setPending({ req, key: e.hostKey, fromForm });
        // a changed key is refused: the refusal stays said under the form once the dialog is closed
        setError(e.hostKey.changed ? e : null);
      } else {
        setPending(null);
        setError(e);
      }
    } finally {
      setRequesting(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!url.trim()) {
      setError(new ApiError(400, 'Give the repository’s git URL.', 'url'));
      return;
    }
    start(addRequest({ url, name, branch, mode, username, token, sshKey }), true);
  };

  const badField = error instanceof ApiError ? error.field : undefined;
  const list = suggestions ?? [];

  return (
    <section className="card section add-repo" aria-labelledby="add-repo-title" data-testid="add-repo">
      <div className="section-head">
        <h2 id="add-repo-title">Add a repository</h2>
      </div>

      {(list.length > 0 || suggestionsError != null) && (
        <div className="suggestions-block">
          <h3 className="sub-title">Suggestions</h3>
          <ErrorAlert error={suggestionsError} lead="No suggestions:" testId="suggestions-error" />
          <div className="suggestions" data-testid="suggestions">
            {list.map((s) => (
              <article key={s.url} className="suggestion" data-testid="suggestion" data-name={s.name} data-added={String(s.added)}>
                <div className="suggestion-head">
                  <h4 className="suggestion-name">{s.name}</h4>
                  <button
                    type="button"
                    className={`btn btn-sm${s.added ? '' : ' btn-primary'}`}
                    disabled={s.added || cloning}
                    onClick={() => start({ url: s.url, name: s.name }, false)}
                    aria-label={s.added ? `${s.name}: added` : `Add ${s.name}`}
                    data-testid="suggestion-add"
                  >
                    {s.added ? (
                      <>
                        <Icon name="check" size={14} /> Added
                      </>
                    ) : (
                      <>
                        <Icon name="plus" size={14} /> Add
                      </>
                    )}
                  </button>
                </div>
                {s.description && <p className="suggestion-desc">{s.description}</p>}
                <div className="suggestion-url mono small wrap-anywhere">{s.url}</div>
              </article>
            ))}
          </div>
        </div>
      )}

      <form className="add-form" onSubmit={submit} noValidate aria-label="Add a repository by its URL">
        <h3 className="sub-title">By its URL</h3>
        <label className="field">
          Git URL
          <input
            type="text"
            className="mono"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://github.com/owner/labs.git or git@host:owner/labs.git"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={badField === 'url'}
            data-testid="add-url"
          />
        </label>
        <div className="add-row">
          <label className="field">
            <span>
              Name <span className="muted optional">optional</span>
            </span>
            <input
              type="text"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="from the URL"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={badField === 'name'}
              data-testid="add-name"
            />
          </label>
          <label className="field">
            <span>
              Branch <span className="muted optional">optional</span>
            </span>
            <input
              type="text"
              className="mono"
              value={branch}
              onChange={(e) => setBranch(e.target.value)}
              placeholder="the default branch"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={badField === 'branch'}
              data-testid="add-branch"
            />
          </label>
        </div>

        <fieldset className="auth" data-testid="add-auth">
          <legend>Authentication</legend>
          <div className="auth-modes" role="radiogroup" aria-label="Authentication">
            {(
              [
                ['none', 'None (a public repository)'],
                ['token', 'User name and token (HTTPS)'],
                ['ssh', 'SSH key'],
              ] as const
            ).map(([m, label]) => (
              <label key={m} className="toggle">
                <input type="radio" name="auth" value={m} checked={mode === m} onChange={() => setMode(m)} data-testid={`auth-${m}`} />
                {label}
              </label>
            ))}
          </div>
          {mode === 'token' && (
            <div className="add-row">
              <label className="field">
                User name
                <input
                  type="text"
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={badField === 'username'}
                  data-testid="add-username"
                />
              </label>
              <label className="field">
                Token
                <input
                  type="password"
                  value={token}
                  onChange={(e) => setToken(e.target.value)}
                  autoComplete="new-password"
                  spellCheck={false}
                  aria-invalid={badField === 'token'}
                  data-testid="add-token"
                />
              </label>
            </div>
          )}
          {mode === 'token' && (
            <p className="small muted hint">
              dsp keeps the token outside the repository (never in its URL) and never shows it again.
            </p>
          )}
          {mode === 'ssh' && (
            <label className="field">
              Private key file on this machine
              <input
                type="text"
                className="mono"
                value={sshKey}
                onChange={(e) => setSshKey(e.target.value)}
                placeholder="/home/me/.ssh/id_ed25519"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={badField === 'sshKey'}
                data-testid="add-sshkey"
              />
            </label>
          )}
        </fieldset>

        <ErrorAlert error={error} lead="Not added:" testId="add-error" />
        <div className="add-actions">
          <button type="submit" className="btn btn-primary" disabled={cloning} data-testid="add-submit">
            <Icon name="plus" size={15} /> {requesting ? 'Adding…' : 'Add repository'}
          </button>
        </div>
      </form>

      {clone && (
        <div className="clone-progress" data-testid="clone-progress" data-state={op?.state ?? 'running'} data-repo={clone.repo} aria-live="polite">
          <div className="clone-head">
            {(!op || op.state === 'running') && (
              <>
                <span className="spinner" aria-hidden="true" /> Cloning <strong>{clone.repo}</strong>…
              </>
            )}
            {op?.state === 'done' && (
              <span className="text-ok" data-testid="clone-done">
                <Icon name="check" size={15} /> Added <strong>{clone.repo}</strong>.{' '}
                <a href={catalogueHref(clone.repo)} data-testid="clone-labs-link">
                  Open its labs
                </a>{' '}
                · <a href="#/">all labs</a>
              </span>
            )}
            {op?.state === 'failed' && (
              <span className="text-bad" data-testid="clone-failed">
                <Icon name="x" size={15} /> The clone of <strong>{clone.repo}</strong> failed.
              </span>
            )}
          </div>
          {op?.state === 'failed' && op.error && (
            <div className="alert alert-error" role="alert">
              <ErrorText text={op.error} />
            </div>
          )}
          <ProgressLog op={op} empty="Waiting for the clone to start…" />
        </div>
      )}

      <HostKeyDialog
        hostKey={pending?.key ?? null}
        busy={requesting}
        onCancel={() => setPending(null)}
        onAccept={(fingerprint) => {
          if (!pending) return;
          start({ ...pending.req, acceptHostKey: fingerprint }, pending.fromForm);
        }}
      />
    </section>
  );
}
