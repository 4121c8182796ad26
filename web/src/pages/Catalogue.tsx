// The catalogue: every lab of every repository, grouped by repository, with
// a text search, a label filter and the live state of each lab; #/?repo=NAME
// shows one repository's labs (the Repositories page links there).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  api,
  DEFAULT_INSTANCE,
  editHref,
  instanceOf,
  labApi,
  labHref,
  TEST_INSTANCE,
  type EngineState,
  type Label,
  type LabList,
  type LabSummary,
  type TestSummary,
} from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { Icon } from '../components/Icons';
import { LabelChip } from '../components/LabelChip';
import { StateBadge } from '../components/StateBadge';
import { useEvent, useReconnect } from '../events';
import { clock, timeAgo } from '../format';
import { toPlainText } from '../rich';
import { hashQuery, navigate } from '../router';
import { ImportDialog, NameDialog } from './lab/LabManage';
import './Catalogue.css';

const ACTIVE = new Set(['running', 'starting', 'stopping', 'degraded', 'incomplete']);

/** The repository named in the address (#/?repo=NAME), followed as the address changes. */
function useRepoFilter(): string {
  const [repo, setRepo] = useState(() => hashQuery().get('repo') ?? '');
  useEffect(() => {
    const f = () => setRepo(hashQuery().get('repo') ?? '');
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return repo;
}

/** The instances of a lab that run beside its default one (a test run's left out). */
function otherInstances(l: LabSummary) {
  return (l.instances ?? []).filter((i) => i.instance !== DEFAULT_INSTANCE && i.instance !== TEST_INSTANCE);
}

function rank(l: LabSummary): number {
  if (l.state === 'running') return 0;
  if (ACTIVE.has(l.state) || otherInstances(l).length > 0) return 1;
  return 2;
}

/** A catalogue entry after a state event of one of its instances: `state` is the default instance's. */
function withState(l: LabSummary, instance: string, state: EngineState): LabSummary {
  const rest = (l.instances ?? []).filter((i) => i.instance !== instance);
  const instances = state === 'stopped' ? rest : [...rest, { instance, state }].sort((a, b) => a.instance.localeCompare(b.instance));
  return { ...l, instances, state: instance === DEFAULT_INSTANCE ? state : l.state };
}

/** "+2 instances": instances that run beside the default one. */
function InstancesBadge({ lab }: { lab: LabSummary }) {
  const others = otherInstances(lab);
  if (others.length === 0) return null;
  return (
    <span className="tag instances-badge" title={others.map((i) => `${i.instance}: ${i.state}`).join('\n')} data-testid="instances-badge">
      +{others.length} instance{others.length === 1 ? '' : 's'}
    </span>
  );
}

/** "✓ tests pass" / "✗ tests fail": the lab's last test or checks run. */
function TestBadge({ test }: { test: TestSummary }) {
  const passed = test.status === 'passed';
  const started = Date.parse(test.started);
  const when = Number.isNaN(started) ? test.started : `${clock(test.started)} (${timeAgo(started / 1000)})`;
  const what = test.mode === 'test' ? 'Last test (full cycle)' : 'Last checks run';
  const outcome = passed ? 'passed' : `failed${test.failed > 0 ? ` (${test.failed} failed step${test.failed === 1 ? '' : 's'})` : ''}`;
  return (
    <span
      className={`tag test-badge ${passed ? 'tag-ok' : 'tag-bad'}`}
      title={`${what}, ${when}: ${outcome}`}
      data-testid="test-badge"
      data-status={test.status}
      data-mode={test.mode}
    >
      <span aria-hidden="true">{passed ? '✓' : '✗'}</span> {passed ? 'tests pass' : 'tests fail'}
    </span>
  );
}

interface Entry {
  lab: LabSummary;
  text: string; // plain description
  haystack: string; // lower-case search text
}

export function Catalogue() {
  const onlyRepo = useRepoFilter();
  const [data, setData] = useState<LabList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState(() => sessionStorage.getItem('dsp-q') ?? '');
  const [dialog, setDialog] = useState<'' | 'new' | 'import'>('');
  const [selected, setSelected] = useState<string[]>(() => {
    try {
      return JSON.parse(sessionStorage.getItem('dsp-labels') ?? '[]');
    } catch {
      return [];
    }
  });

  const load = useCallback(() => {
    api
      .labs()
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(e));
  }, []);

  useEffect(load, [load]);
  useReconnect(load);
  const dataRef = useRef(data);
  dataRef.current = data;
  const unknownSeen = useRef(new Set<string>());
  const reloadTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(reloadTimer.current), []);
  useEvent('state', (ev) => {
    if (instanceOf(ev) === TEST_INSTANCE) return; // a test run's instance: the lab itself did not change
    const slash = ev.lab.indexOf('/');
    const repo = ev.lab.slice(0, slash);
    const name = ev.lab.slice(slash + 1);
    const known = (dataRef.current?.repositories ?? []).some(
      (r) => r.name === repo && (r.labs ?? []).some((l) => l.name === name),
    );
    if (!known) {
      // A lab we do not list: maybe new in a repository (take the new list,
      // once per lab and at most every few seconds), maybe a lab of another
      // main directory on the same Docker Engine (ignore it afterwards).
      if (!unknownSeen.current.has(ev.lab)) {
        unknownSeen.current.add(ev.lab);
        window.clearTimeout(reloadTimer.current);
        reloadTimer.current = window.setTimeout(load, 1500);
      }
      return;
    }
    setData((d) =>
      d && {
        ...d,
        repositories: (d.repositories ?? []).map((r) =>
          r.name !== repo
            ? r
            : { ...r, labs: (r.labs ?? []).map((l) => (l.name === name ? withState(l, instanceOf(ev), ev.state) : l)) },
        ),
      },
    );
  });

  // A repository was added, updated or removed: its labs changed.
  useEvent('repos', () => {
    window.clearTimeout(reloadTimer.current);
    reloadTimer.current = window.setTimeout(load, 300);
  });

  // A test or checks run ended here: its report is the lab's new lastTest.
  useEvent('operation', (ev) => {
    if ((ev.kind !== 'test' && ev.kind !== 'checks') || ev.state === 'running') return;
    window.clearTimeout(reloadTimer.current);
    reloadTimer.current = window.setTimeout(load, 300);
  });

  useEffect(() => {
    sessionStorage.setItem('dsp-q', query);
    sessionStorage.setItem('dsp-labels', JSON.stringify(selected));
  }, [query, selected]);

  // plain text and search text of each lab, computed once per list
  const entries = useMemo(() => {
    const m = new Map<string, Entry>();
    for (const r of data?.repositories ?? []) {
      for (const l of r.labs ?? []) {
        const text = toPlainText(l.description, l.format === 'upstream' ? 'html' : undefined);
        const labels = (l.labels ?? []).map((x) => x.name).join(' ');
        m.set(`${r.name}/${l.name}`, { lab: l, text, haystack: `${l.title} ${l.name} ${text} ${labels}`.toLowerCase() });
      }
    }
    return m;
  }, [data]);

  const allLabels = useMemo(() => {
    const m = new Map<string, Label>();
    for (const r of data?.repositories ?? []) for (const l of r.labs ?? []) for (const x of l.labels ?? []) if (!m.has(x.name)) m.set(x.name, x);
    return [...m.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [data]);

  const toggleLabel = (name: string) =>
    setSelected((s) => (s.includes(name) ? s.filter((x) => x !== name) : [...s, name]));

  if (error && !data) {
    return (
      <div className="page">
        <h1 className="page-title">Labs</h1>
        <ErrorAlert error={error} testId="load-error" />
      </div>
    );
  }
  if (!data) return <div className="page"><div className="loading">Loading labs…</div></div>;

  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (repo: string, l: LabSummary) => {
    const e = entries.get(`${repo}/${l.name}`);
    if (!e) return false;
    if (!words.every((w) => e.haystack.includes(w))) return false;
    const names = new Set((l.labels ?? []).map((x) => x.name));
    return selected.every((s) => names.has(s));
  };

  // running labs first: within a repository, and repositories with running labs first
  const repos = (data.repositories ?? [])
    .filter((r) => !onlyRepo || r.name === onlyRepo)
    .map((r) => ({
      repo: r,
      labs: (r.labs ?? [])
        .filter((l) => matches(r.name, l))
        .sort((a, b) => rank(a) - rank(b) || (a.title || a.name).localeCompare(b.title || b.name)),
    }))
    .map((g, i) => ({ ...g, order: g.labs.length === 0 ? 3 : g.labs.length > 0 && rank(g.labs[0]) < 2 ? rank(g.labs[0]) : 2, i }))
    .sort((a, b) => a.order - b.order || a.i - b.i);
  const total = (data.repositories ?? []).reduce((n, r) => n + (r.labs?.length ?? 0), 0);
  const shown = repos.reduce((n, r) => n + r.labs.length, 0);
  const running = (data.repositories ?? []).reduce((n, r) => n + (r.labs ?? []).filter((l) => ACTIVE.has(l.state)).length, 0);
  const filtering = words.length > 0 || selected.length > 0;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-title">Labs</h1>
          <p className="muted">
            {total} labs in {(data.repositories ?? []).length} repositories
            {running > 0 && (
              <>
                {' · '}
                <strong className="text-ok">{running} running</strong>
              </>
            )}
          </p>
        </div>
        <div className="catalogue-tools">
          <button type="button" className="btn btn-primary" onClick={() => setDialog('new')} data-testid="new-lab">
            New lab
          </button>
          <button type="button" className="btn" onClick={() => setDialog('import')} data-testid="import-lab">
            Import…
          </button>
        </div>
        <div className="search">
          <Icon name="search" size={16} />
          <input
            type="search"
            placeholder="Search title, name, description, labels…"
            aria-label="Search labs"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="lab-search"
          />
        </div>
      </header>

      <ErrorAlert error={error} testId="load-error" />
      <NameDialog
        open={dialog === 'new'}
        title="New lab"
        intro="An empty lab in your personal repository, opened in the editor."
        initial=""
        action="Create"
        submit={(name) => labApi.create(name)}
        onDone={(l) => {
          setDialog('');
          navigate(editHref(l.repo, l.name));
        }}
        onClose={() => setDialog('')}
        testId="new-lab-dialog"
      />
      <ImportDialog
        open={dialog === 'import'}
        onClose={() => setDialog('')}
        onDone={(l) => {
          setDialog('');
          navigate(editHref(l.repo, l.name));
        }}
      />

      {allLabels.length > 0 && (
        <div className="filter-bar" aria-label="Filter by label">
          <span className="filter-title">Labels</span>
          {allLabels.map((l) => (
            <LabelChip key={l.name} label={l} active={selected.includes(l.name)} onClick={toggleLabel} />
          ))}
          {filtering && (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              onClick={() => {
                setQuery('');
                setSelected([]);
              }}
            >
              Clear filters
            </button>
          )}
        </div>
      )}

      {onlyRepo && (
        <p className="repo-filter" data-testid="repo-filter">
          {repos.length > 0 ? (
            <>
              The labs of <strong>{onlyRepo}</strong>
            </>
          ) : (
            <>
              No repository named <strong>{onlyRepo}</strong>
            </>
          )}
          {' · '}
          <a href="#/">Show every repository</a>
        </p>
      )}

      {filtering && (
        <p className="muted filter-count">
          {shown} of {total} labs match
        </p>
      )}

      {shown === 0 && !(onlyRepo && repos.length === 0) && (
        <div className="empty">
          {total === 0 ? (
            <>
              No labs yet: <a href="#/repos">add a repository</a>.
            </>
          ) : onlyRepo && !filtering ? (
            `No labs in ${onlyRepo}.`
          ) : (
            'No lab matches this search.'
          )}
        </div>
      )}

      {repos
        .filter((r) => r.labs.length > 0 || (!filtering && r.repo.personal))
        .map(({ repo, labs }) => (
          <section key={repo.name} className="repo" data-testid={`repo-${repo.name}`}>
            <h2 className="repo-title">
              {repo.name}
              {repo.personal && <span className="tag">personal</span>}
              {repo.trusted ? <span className="tag tag-ok">trusted</span> : <span className="tag">untrusted</span>}
              <span className="repo-count">{labs.length}</span>
            </h2>
            {labs.length === 0 && (
              <div className="empty empty-small">
                No labs in your personal repository yet: <strong>New lab</strong> makes one (or create a lab folder in <code>{repo.dir}</code>).
              </div>
            )}
            <div className="cards">
              {labs.map((l) => {
                const e = entries.get(`${repo.name}/${l.name}`);
                return (
                  <article key={l.name} className={`card lab-card tone-${ACTIVE.has(l.state) ? l.state : 'idle'}`} data-lab={`${repo.name}/${l.name}`}>
                    <div className="card-top">
                      <h3 className="card-title">
                        <a className="stretched" href={labHref(repo.name, l.name)}>
                          {l.title || l.name}
                        </a>
                      </h3>
                      {l.valid === false ? (
                        <StateBadge state="invalid" title={(l.errors ?? []).join('\n')} />
                      ) : (
                        <StateBadge state={l.state} />
                      )}
                    </div>
                    {l.title && l.title !== l.name && <div className="card-name mono">{l.name}</div>}
                    {e?.text && <p className="card-desc">{e.text}</p>}
                    <InstancesBadge lab={l} />
                    {l.lastTest && <TestBadge test={l.lastTest} />}
                    {(l.labels ?? []).length > 0 && (
                      <div className="chips">
                        {(l.labels ?? []).map((x) => (
                          <LabelChip key={x.name} label={x} active={selected.includes(x.name)} onClick={toggleLabel} />
                        ))}
                      </div>
                    )}
                  </article>
                );
              })}
            </div>
          </section>
        ))}
    </div>
  );
}
