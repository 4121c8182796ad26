// The state behind the Repositories page: the repositories of the main
// directory and the suggestions, reloaded when a repository operation
// (clone, update, publish) ends, when a repository changes (the `repos`
// event: the CLI, another tab) and after the event stream reconnects.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type RepoInfo, type Suggestion } from '../../api';
import {
  latestRepoOperationOf,
  loadOperation,
  noteRepoOperation,
  useEvent,
  useLatestRepoOperation,
  useOperation,
  useReconnect,
  type OpLog,
} from '../../events';

export interface ReposData {
  repos: RepoInfo[] | null;
  /** why the list could not be loaded, or null */
  error: unknown;
  suggestions: Suggestion[] | null;
  suggestionsError: unknown;
  /** load the list and the suggestions again */
  reload: () => void;
  /** take the server's word on one repository (the answer of PUT …/trust) */
  replace: (repo: RepoInfo) => void;
  /** a repository was removed */
  removed: (name: string) => void;
}

export function useRepos(): ReposData {
  const [repos, setRepos] = useState<RepoInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [suggestions, setSuggestions] = useState<Suggestion[] | null>(null);
  const [suggestionsError, setSuggestionsError] = useState<unknown>(null);

  const loadRepos = useCallback(() => {
    api
      .repos()
      .then((r) => {
        setRepos(r);
        setError(null);
      })
      .catch((e) => setError(e));
  }, []);
  const loadSuggestions = useCallback(() => {
    api
      .repoSuggestions()
      .then((s) => {
        setSuggestions(s);
        setSuggestionsError(null);
      })
      .catch((e) => setSuggestionsError(e));
  }, []);
  const reload = useCallback(() => {
    loadRepos();
    loadSuggestions();
  }, [loadRepos, loadSuggestions]);

  useEffect(reload, [reload]);
  useReconnect(reload);

  // a clone, update or publish ended (here or in another tab): take the new state
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const soon = () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(reload, 200);
  };
  useEvent('operation', (ev) => {
    if (ev.repo && ev.state !== 'running') soon();
  });
  useEvent('repos', soon);

  const replace = useCallback((repo: RepoInfo) => {
    setRepos((list) => list && list.map((r) => (r.name === repo.name ? repo : r)));
  }, []);
  const removed = useCallback(
    (name: string) => {
      setRepos((list) => list && list.filter((r) => r.name !== name));
      loadSuggestions();
    },
    [loadSuggestions],
  );

  return { repos, error, suggestions, suggestionsError, reload, replace, removed };
}

/** The latest operation on a repository (clone, update, publish), and follow() for one the UI just started. */
export function useRepoOperation(repo: string): { op: OpLog | undefined; follow: (id: string, kind: string) => void } {
  const live = useLatestRepoOperation(repo);
  const [picked, setPicked] = useState<string | undefined>(() => latestRepoOperationOf(repo));
  useEffect(() => {
    if (picked) loadOperation(picked);
  }, [picked]);
  const any = useOperation(live ?? picked);
  // an id remembered from before a restart of dsp may name another operation
  const op = any && any.repo === repo ? any : undefined;
  const follow = useCallback(
    (id: string, kind: string) => {
      noteRepoOperation(id, kind, repo);
      setPicked(id);
    },
    [repo],
  );
  return { op, follow };
}
