// One repository of the main directory: its name, remote, branch, commit,
// when dsp last updated it, ahead/behind, local changes, labs, version and
// labels; whether it is trusted (Trust asks first; Distrust at once) and why
// an update dropped its trust; Update (live log; local edits that conflict
// offer to keep the local copies beside the new files), Remove (confirmed in
// a dialog; never the personal repository), the credentials (forget, or
// replace the token) and, for the personal repository, Publish. An SSH host
// key dsp does not know yet is asked about (HostKeyDialog), as when adding.
import { useId, useState, type FormEvent } from 'react';
import { ApiError, api, catalogueHref, errorMessage, type GitInfo, type HostKey, type RepoInfo, type UpdateRepoRequest } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert, ErrorText } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icons';
import { LabelChip } from '../../components/LabelChip';
import { ProgressLog, operationTitle } from '../../components/ProgressLog';
import { timeAgo } from '../../format';
import { HostKeyDialog } from './HostKeyDialog';
import { PublishForm } from './PublishForm';
import { useRepoOperation } from './useRepos';

/** "3 hours ago" (with the exact time as a tooltip) from an RFC 3339 time; '' when there is none. */
function When({ time }: { time: string }) {
  const t = Date.parse(time);
  if (!time || Number.isNaN(t)) return null;
  return <time dateTime={time} title={new Date(t).toLocaleString()}>{timeAgo(t / 1000)}</time>;
}

/** The repository's version.json: its "version" when it has one, else the JSON as it is. */
function versionText(v: RepoInfo['version']): string {
  if (!v) return '';
  if (typeof v.version === 'string' || typeof v.version === 'number') return String(v.version);
  const s = JSON.stringify(v);
  return s === '{}' ? '' : s;
}

function AheadBehind({ git }: { git: GitInfo }) {
  if (!git.commit) return <span className="muted">no commit yet</span>;
  if (git.ahead === 0 && git.behind === 0) return <span className="muted">even with the remote (as last fetched)</span>;
  const parts = [];
  if (git.ahead > 0) parts.push(`${git.ahead} commit${git.ahead === 1 ? '' : 's'} ahead`);
  if (git.behind > 0) parts.push(`${git.behind} behind`);
  return <span data-testid="repo-ahead-behind">{parts.join(', ')}</span>;
}

function GitFacts({ git }: { git: GitInfo }) {
  const dirty = git.dirty ?? [];
  return (
    <>
      <dt>Remote</dt>
      <dd className="mono wrap-anywhere" data-testid="repo-url">
        {git.url || <span className="muted">none</span>}
      </dd>
      <dt>Branch</dt>
      <dd className="mono" data-testid="repo-branch">
        {git.branch || <span className="muted">—</span>}
      </dd>
      <dt>Commit</dt>
      <dd data-testid="repo-commit">
        {git.commit ? (
          <>
            <code title={git.commit}>{git.commit.slice(0, 7)}</code> {git.commitMessage}
            <span className="muted small">
              {git.commitAuthor && ` · ${git.commitAuthor}`}
              {git.commitDate && ' · '}
              <When time={git.commitDate} />
            </span>
          </>
        ) : (
          <span className="muted">no commit yet</span>
        )}
      </dd>
      <dt>Updated</dt>
      <dd data-testid="repo-updated">
        {git.updated ? (
          <>
            updated <When time={git.updated} />
          </>
        ) : (
          <span className="muted">not by dsp yet</span>
        )}
        {' · '}
        <AheadBehind git={git} />
      </dd>
      <dt>Local changes</dt>
      <dd data-testid="repo-dirty" data-count={dirty.length}>
        {dirty.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <details className="dirty">
            <summary>
              {dirty.length} changed file{dirty.length === 1 ? '' : 's'}
            </summary>
            <ul className="plain-list mono small">
              {dirty.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          </details>
        )}
      </dd>
    </>
  );
}

/** Trust (asked first: it lets the repository's labs ask for powers) or Distrust. */
function TrustControl({ repo, onChanged }: { repo: RepoInfo; onChanged: (r: RepoInfo) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState(false);
  const set = async (trusted: boolean) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.setRepoTrust(repo.name, trusted));
      setAsking(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const titleId = useId();
  return (
    <>
      {repo.trusted ? (
        <button type="button" className="btn btn-sm" disabled={busy} onClick={() => set(false)} data-testid="repo-distrust">
          {busy ? 'Saving…' : 'Distrust'}
        </button>
      ) : (
        <button type="button" className="btn btn-sm" disabled={busy} onClick={() => setAsking(true)} data-testid="repo-trust">
          <Icon name="lock" size={14} /> Trust…
        </button>
      )}
      {!asking && <ErrorAlert error={error} lead="Not changed:" testId="repo-trust-error" />}
      <Dialog open={asking} onClose={() => setAsking(false)} labelId={titleId} testId="repo-trust-dialog">
        <h2 id={titleId}>Trust {repo.name}?</h2>
        <p>
          The labs of a trusted repository may ask for more than a plain container: privileged mode, added capabilities, the
          host’s namespaces or devices. Such a container can reach far into this machine.
        </p>
        <p>Trust it only if you trust its authors. An update that makes a lab ask for more drops the trust again.</p>
        <ErrorAlert error={error} lead="Not changed:" />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setAsking(false)} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => set(true)} data-testid="repo-trust-confirm">
            Trust {repo.name}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** Remove, confirmed in a dialog that names the repository. */
function RemoveControl({ repo, noteId, onRemoved }: { repo: RepoInfo; noteId: string; onRemoved: (name: string) => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const titleId = useId();
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.removeRepo(repo.name);
      setAsking(false);
      onRemoved(repo.name);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (repo.personal) {
    return (
      <button
        type="button"
        className="btn btn-sm btn-danger"
        disabled
        title="Your personal repository holds your own labs: dsp does not remove it."
        aria-describedby={noteId}
        data-testid="repo-remove"
      >
        <Icon name="trash" size={14} /> Remove
      </button>
    );
  }
  return (
    <>
      <button type="button" className="btn btn-sm btn-danger" onClick={() => setAsking(true)} data-testid="repo-remove">
        <Icon name="trash" size={14} /> Remove…
      </button>
      <Dialog open={asking} onClose={() => setAsking(false)} labelId={titleId} testId="repo-remove-dialog">
        <h2 id={titleId}>Remove {repo.name}?</h2>
        <p>
          Its folder <code className="wrap-anywhere">{repo.dir}</code> is deleted with its {repo.labs} lab
          {repo.labs === 1 ? '' : 's'}
          {(repo.git?.dirty ?? []).length > 0 && (
            <>
              {' '}
              and <strong>{repo.git?.dirty.length} locally changed file{repo.git?.dirty.length === 1 ? '' : 's'}</strong>
            </>
          )}
          , and what dsp keeps about it (trust, credentials).
        </p>
        <ErrorAlert error={error} lead="Not removed:" testId="repo-remove-error" />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setAsking(false)} autoFocus data-testid="repo-remove-cancel">
            Cancel
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={remove} data-testid="repo-remove-confirm">
            <Icon name="trash" size={14} /> {busy ? 'Removing…' : `Remove ${repo.name}`}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** Forget the credentials, or replace the token (a small form; the token is never shown back). */
function CredentialsControl({ repo, onChanged }: { repo: RepoInfo; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const forget = async () => {
    setBusy(true);
    setError(null);
    setNote('');
    try {
      await api.forgetRepoCredentials(repo.name);
      setNote('Credentials forgotten.');
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!token) {
      setError(new ApiError(400, 'Give the new token.', 'token'));
      return;
    }
    setBusy(true);
    setError(null);
    setNote('');
    try {
      await api.setRepoCredentials(repo.name, token, username.trim() || undefined);
      setToken('');
      setUsername('');
      setOpen(false);
      setNote('Token replaced.');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="repo-credentials" data-testid="repo-credentials" data-has={String(repo.hasCredentials)}>
      <span className="small muted">
        <Icon name="key" size={14} /> {repo.hasCredentials ? 'dsp keeps credentials for its remote' : 'no credentials kept'}
      </span>
      {repo.hasCredentials && (
        <button type="button" className="btn btn-sm btn-ghost" disabled={busy} onClick={forget} data-testid="repo-forget-credentials">
          Forget credentials
        </button>
      )}
      <button
        type="button"
        className="btn btn-sm btn-ghost"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
          setToken('');
        }}
        data-testid="repo-replace-token"
      >
        {repo.hasCredentials ? 'Replace token…' : 'Set a token…'}
      </button>
      {note && (
        <span className="small text-ok" role="status">
          {note}
        </span>
      )}
      {open && (
        <form className="token-form" onSubmit={save} noValidate aria-label={`Token for ${repo.name}`}>
          <label className="field">
            User name <span className="muted optional">optional</span>
            <input type="text" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" spellCheck={false} />
          </label>
          <label className="field">
            Token
            <input
              type="password"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              autoComplete="new-password"
              aria-invalid={error instanceof ApiError && error.field === 'token'}
              data-testid="repo-token"
            />
          </label>
          <button type="submit" className="btn btn-sm btn-primary" disabled={busy} data-testid="repo-token-save">
            {busy ? 'Saving…' : 'Save token'}
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
      <ErrorAlert error={error} lead="Not changed:" testId="repo-credentials-error" />
    </div>
  );
}

export function RepoCard({
  repo,
  onChanged,
  onRemoved,
  reload,
}: {
  repo: RepoInfo;
  onChanged: (r: RepoInfo) => void;
  onRemoved: (name: string) => void;
  reload: () => void;
}) {
  const uid = useId();
  const { op, follow } = useRepoOperation(repo.name);
  const [requesting, setRequesting] = useState(false);
  const [updateError, setUpdateError] = useState<unknown>(null);
  /** the update waiting for the user's word on a host key */
  const [pending, setPending] = useState<{ req: UpdateRepoRequest; key: HostKey } | null>(null);
  const running = op?.state === 'running';
  const git = repo.git;
  const dropped = repo.trustDropped ?? [];
  const version = versionText(repo.version);
  const labels = repo.labels ?? [];

  const update = async (req: UpdateRepoRequest) => {
    setUpdateError(null);
    setRequesting(true);
    try {
      const r = await api.updateRepo(repo.name, req);
      setPending(null);
      follow(r.operation, r.kind || 'update');
    } catch (e) {
      if (e instanceof ApiError && e.hostKey) {
        setPending({ req, key: e.hostKey });
        if (e.hostKey.changed) setUpdateError(e);
      } else {
        setPending(null);
        setUpdateError(e);
      }
    } finally {
      setRequesting(false);
    }
  };
  // local edits in the way, said by the request's refusal or by the update itself
  // (the failed update names them in localChanges): keepLocal may help
  const conflict = !updateError && op?.kind === 'update' && op.state === 'failed' && op.localChanges.length > 0;

  return (
    <article
      className="card repo-card"
      data-testid="repo"
      data-repo={repo.name}
      data-trusted={String(repo.trusted)}
      data-personal={String(repo.personal)}
      aria-labelledby={`${uid}-title`}
    >
      <header className="repo-card-head">
        <div className="repo-card-title">
          <h2 id={`${uid}-title`}>{repo.name}</h2>
          {repo.personal && <span className="tag">personal</span>}
          {repo.trusted ? (
            <span className="tag tag-ok" data-testid="repo-trusted">
              trusted
            </span>
          ) : (
            <span className="tag" data-testid="repo-trusted">
              not trusted
            </span>
          )}
          {repo.exposed && (
            <span className="tag tag-warn" title="Every lab of it offers its ports to the network (dsp repo unexpose)">
              exposed
            </span>
          )}
          {!git && <span className="tag">not a git checkout</span>}
        </div>
        <div className="repo-card-actions">
          <TrustControl repo={repo} onChanged={onChanged} />
          {git && (
            <button
              type="button"
              className={`btn btn-sm${repo.personal ? '' : ' btn-primary'}`}
              disabled={requesting || running}
              onClick={() => update({})}
              data-testid="repo-update"
            >
              <Icon name="refresh" size={14} /> {running && op?.kind === 'update' ? 'Updating…' : 'Update'}
            </button>
          )}
          <RemoveControl repo={repo} noteId={`${uid}-note`} onRemoved={onRemoved} />
        </div>
      </header>

      {dropped.length > 0 && (
        <div className="alert alert-warn" data-testid="trust-dropped">
          <strong>dsp stopped trusting {repo.name}</strong> because its last update changed:
          <ul>
            {dropped.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
          <span className="small">Look at what changed; trust it again if you still trust its authors.</span>
        </div>
      )}

      <dl className="facts repo-facts">
        {git && <GitFacts git={git} />}
        <dt>Labs</dt>
        <dd data-testid="repo-labs">
          {repo.labs > 0 ? (
            <a href={catalogueHref(repo.name)}>
              {repo.labs} lab{repo.labs === 1 ? '' : 's'}
            </a>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        {version && (
          <>
            <dt>Version</dt>
            <dd className="mono" data-testid="repo-version">
              {version}
            </dd>
          </>
        )}
        <dt>Folder</dt>
        <dd className="mono small wrap-anywhere">{repo.dir}</dd>
      </dl>
      {labels.length > 0 && (
        <div className="chips repo-labels">
          {labels.map((l) => (
            <LabelChip key={l.name} label={l} />
          ))}
        </div>
      )}
      {repo.personal && (
        <p className="small muted" id={`${uid}-note`}>
          Your personal repository holds your own labs: dsp does not remove it.
        </p>
      )}

      {conflict ? (
        <div className="alert alert-warn" role="alert" data-testid="update-conflict">
          <strong>Not updated: files you edited are in the way.</strong>{' '}
          <ErrorText text={updateError ? errorMessage(updateError) : (op?.error ?? '')} />
          <div className="conflict-actions">
            <button type="button" className="btn btn-sm btn-primary" disabled={requesting || running} onClick={() => update({ keepLocal: true })} data-testid="update-keep-local">
              Update and keep my copies beside the new files
            </button>
          </div>
        </div>
      ) : (
        <ErrorAlert error={updateError} lead="Not updated:" testId="update-error" />
      )}

      {op && (
        <details className="repo-activity" open={running || op.state === 'failed'} data-testid="repo-activity" data-kind={op.kind} data-state={op.state}>
          <summary>
            {operationTitle(op.kind)}:{' '}
            {op.state === 'running' ? (
              <span className="text-busy">running…</span>
            ) : op.state === 'done' ? (
              <span className="text-ok">done</span>
            ) : (
              <span className="text-bad">failed</span>
            )}
          </summary>
          {op.state === 'failed' && op.error && !conflict && (
            <div className="alert alert-error" role="alert">
              <ErrorText text={op.error} />
            </div>
          )}
          <ProgressLog op={op} />
        </details>
      )}

      <HostKeyDialog
        hostKey={pending?.key ?? null}
        busy={requesting}
        onCancel={() => setPending(null)}
        onAccept={(fingerprint) => pending && update({ ...pending.req, acceptHostKey: fingerprint })}
      />

      {(git || repo.hasCredentials) && <CredentialsControl repo={repo} onChanged={reload} />}
      {repo.personal && <PublishForm repo={repo} busy={requesting || running} onStarted={follow} />}
    </article>
  );
}
