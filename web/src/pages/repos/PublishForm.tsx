// Publishing the personal repository: dsp commits every change and pushes
// it, first linking the repository to a remote when one is given; the user
// name and token (for HTTPS) are kept like other credentials. The progress
// shows in the repository's card; the token field is emptied once sent. An
// SSH host key dsp does not know yet is asked about first (HostKeyDialog).
import { useState, type FormEvent } from 'react';
import { ApiError, api, type HostKey, type PublishRequest, type RepoInfo } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icons';
import { HostKeyDialog } from './HostKeyDialog';

export function PublishForm({
  repo,
  busy,
  onStarted,
}: {
  repo: RepoInfo;
  /** an operation runs on the repository */
  busy: boolean;
  onStarted: (operation: string, kind: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [remote, setRemote] = useState('');
  const [username, setUsername] = useState('');
  const [token, setToken] = useState('');
  const [requesting, setRequesting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** the publish waiting for the user's word on a host key (it may hold a token: memory only) */
  const [pending, setPending] = useState<{ req: PublishRequest; key: HostKey } | null>(null);
  const linked = !!repo.git?.url;
  const dirty = repo.git?.dirty.length ?? 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!linked && !remote.trim()) {
      setError(new ApiError(400, 'The repository has no remote yet: give the URL to push to.', 'remote'));
      return;
    }
    const req: PublishRequest = {};
    if (message.trim()) req.message = message.trim();
    if (remote.trim()) req.remote = remote.trim();
    if (username.trim()) req.username = username.trim();
    if (token) req.token = token;
    send(req);
  };

  const send = async (req: PublishRequest) => {
    setError(null);
    setRequesting(true);
    try {
      const r = await api.publishRepo(repo.name, req);
      setPending(null);
      setToken('');
      setMessage('');
      setOpen(false);
      onStarted(r.operation, r.kind || 'publish');
    } catch (err) {
      if (err instanceof ApiError && err.hostKey) {
        setPending({ req, key: err.hostKey });
        if (err.hostKey.changed) setError(err);
      } else {
        setPending(null);
        setError(err);
      }
    } finally {
      setRequesting(false);
    }
  };

  const badField = error instanceof ApiError ? error.field : undefined;
  return (
    <div className="publish" data-testid="publish">
      {!open ? (
        <div className="publish-line">
          <button type="button" className="btn btn-sm btn-primary" disabled={busy} onClick={() => setOpen(true)} data-testid="repo-publish">
            <Icon name="upload" size={14} /> Publish…
          </button>
          <span className="small muted">
            {linked
              ? `Commit ${dirty > 0 ? `${dirty} changed file${dirty === 1 ? '' : 's'}` : 'every change'} and push to ${repo.git?.url}.`
              : 'Share your labs: link the repository to a remote and push it.'}
          </span>
        </div>
      ) : (
        <form className="publish-form" onSubmit={submit} noValidate aria-label={`Publish ${repo.name}`}>
          <h3 className="sub-title">Publish {repo.name}</h3>
          <label className="field">
            <span>
              Commit message <span className="muted optional">optional</span>
            </span>
            <input type="text" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="dsp writes one" data-testid="publish-message" />
          </label>
          <label className="field">
            <span>
              Remote URL {linked && <span className="muted optional">optional: now {repo.git?.url}</span>}
            </span>
            <input
              type="text"
              className="mono"
              value={remote}
              onChange={(e) => setRemote(e.target.value)}
              placeholder={linked ? 'keep the current one' : 'https://github.com/me/my-labs.git'}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={badField === 'remote'}
              data-testid="publish-remote"
            />
          </label>
          <div className="add-row">
            <label className="field">
              <span>
                User name <span className="muted optional">optional</span>
              </span>
              <input type="text" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" spellCheck={false} />
            </label>
            <label className="field">
              <span>
                Token <span className="muted optional">{repo.hasCredentials ? 'optional: dsp keeps one' : 'optional'}</span>
              </span>
              <input
                type="password"
                value={token}
                onChange={(e) => setToken(e.target.value)}
                autoComplete="new-password"
                aria-invalid={badField === 'token'}
                data-testid="publish-token"
              />
            </label>
          </div>
          <ErrorAlert error={error} lead="Not published:" testId="publish-error" />
          <div className="add-actions">
            <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-sm btn-primary" disabled={requesting || busy} data-testid="publish-submit">
              <Icon name="upload" size={14} /> {requesting ? 'Publishing…' : 'Commit and push'}
            </button>
          </div>
        </form>
      )}
      <HostKeyDialog
        hostKey={pending?.key ?? null}
        busy={requesting}
        onCancel={() => setPending(null)}
        onAccept={(fingerprint) => pending && send({ ...pending.req, acceptHostKey: fingerprint })}
      />
    </div>
  );
}
