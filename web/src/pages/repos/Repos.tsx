// The Repositories page: every lab repository of the main directory (the
// personal one first) with its git checkout, trust, credentials and the
// operations on it, then adding one (suggestions, or by URL).
import { ErrorAlert } from '../../components/ErrorAlert';
import { AddRepo } from './AddRepo';
import { RepoCard } from './RepoCard';
import { useRepos } from './useRepos';
import './Repos.css';

export function Repos() {
  const { repos, error, suggestions, suggestionsError, reload, replace, removed } = useRepos();
  return (
    <div className="page repos-page">
      <header className="page-head">
        <div>
          <h1 className="page-title">Repositories</h1>
          <p className="muted">
            Lab repositories are git repositories: add one by its URL, update it, and trust it if you trust its authors.
          </p>
        </div>
      </header>
      <ErrorAlert error={error} testId="load-error" />
      {!repos && error == null && <div className="loading">Loading repositories…</div>}
      {repos && (
        <section className="repo-list" aria-label="Repositories" data-testid="repo-list">
          {repos.length === 0 && <div className="empty">No repositories yet: add one below.</div>}
          {repos.map((r) => (
            <RepoCard key={r.name} repo={r} onChanged={replace} onRemoved={removed} reload={reload} />
          ))}
        </section>
      )}
      <AddRepo suggestions={suggestions} suggestionsError={suggestionsError} onAdded={reload} />
    </div>
  );
}
