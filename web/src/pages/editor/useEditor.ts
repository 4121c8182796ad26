// The state of the lab editor: the compose text (the source of truth), the
// graph's working copy of its model (Doc), node positions, the story, the
// problems the server finds, undo/redo and saving.
//
//  - A graph edit changes the Doc at once and, 300 ms after the last one,
//    POSTs …/source/render {compose, model}: the server applies the model onto
//    the text (keeping comments, unknown keys and order) and answers the new
//    text with its problems. Renders run one after the other.
//  - A text edit changes the text at once and, 400 ms after the last one,
//    POSTs …/source/parse {compose}: the model it answers (null when the text
//    does not parse) replaces the Doc, keeping each node's uid (and so its
//    place) by key.
//  - Undo/redo work on whole states {compose, doc, positions}; edits in a
//    burst (same kind, less than a second apart) are one step.
//  - Save flushes a pending render, then PUTs {compose, story, layout}.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  labApi,
  type LabProblem,
  type LabSource,
  type ModelProblem,
  type SaveResult,
  type SyntaxError,
} from '../../api';
import { EMPTY_DOC, fromModel, layoutOf, placeMissing, positionsFromLayout, rendered, toModel, type Doc, type Positions, type WorkStory } from './model';

const RENDER_DELAY = 300;
const PARSE_DELAY = 400;
const BURST = 1000;

interface Snapshot {
  compose: string;
  doc: Doc;
  positions: Positions;
  /** the Doc has edits the text does not have yet */
  renderNeeded: boolean;
}

const EMPTY_STORY: WorkStory = { title: '', description: '', goal: '', solution: '', author: '', labels: [] };

function saveKey(compose: string, story: WorkStory, layout: unknown): string {
  return JSON.stringify([compose, story, layout]);
}

export interface Editor {
  source: LabSource | null;
  loadError: unknown;
  compose: string;
  doc: Doc;
  positions: Positions;
  story: WorkStory;
  problems: LabProblem[];
  modelProblems: ModelProblem[];
  syntax: SyntaxError | null;
  /** the text does not parse: the graph shows the last model that did */
  stale: boolean;
  /** a render or parse is pending or in flight */
  syncing: boolean;
  /** the latest render or parse refused (an ApiError) */
  syncError: unknown;
  dirty: boolean;
  saving: boolean;
  saveError: unknown;
  /** the answer of the latest save */
  saved: SaveResult | null;
  canUndo: boolean;
  canRedo: boolean;
  /** change the Doc (and positions) from the graph or the side panel; `burst` groups edits into one undo step */
  editGraph: (f: (d: Doc) => Doc, burst?: string, positions?: (p: Positions, d: Doc) => Positions) => void;
  /** move nodes (no render: positions are not in the text) */
  move: (positions: Positions, burst?: string) => void;
  editText: (compose: string) => void;
  setStory: (story: WorkStory) => void;
  undo: () => void;
  redo: () => void;
  /** run a pending render now; resolves when the text holds every graph edit */
  flush: () => Promise<void>;
  save: () => Promise<SaveResult | null>;
  reload: () => Promise<void>;
  /** the Doc as it is now (after a flush, say) */
  current: () => Doc;
}

export function useEditor(repo: string, lab: string): Editor {
  const [source, setSource] = useState<LabSource | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [compose, setComposeState] = useState('');
  const [doc, setDocState] = useState<Doc>(EMPTY_DOC);
  const [positions, setPositionsState] = useState<Positions>({});
  const [story, setStoryState] = useState<WorkStory>(EMPTY_STORY);
  const [problems, setProblems] = useState<LabProblem[]>([]);
  const [modelProblems, setModelProblems] = useState<ModelProblem[]>([]);
  const [syntax, setSyntax] = useState<SyntaxError | null>(null);
  const [stale, setStale] = useState(false);
  const [syncCount, setSyncCount] = useState(0);
  const [syncError, setSyncError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<SaveResult | null>(null);
  const [savedKey, setSavedKey] = useState('');
  const [historyVersion, setHistoryVersion] = useState(0);

  const composeRef = useRef('');
  const docRef = useRef<Doc>(EMPTY_DOC);
  const posRef = useRef<Positions>({});
  const storyRef = useRef<WorkStory>(EMPTY_STORY);
  const renderTimer = useRef<number | undefined>(undefined);
  const parseTimer = useRef<number | undefined>(undefined);
  const renderNeeded = useRef(false);
  const chain = useRef<Promise<void>>(Promise.resolve());
  /** bumped by undo, redo and reload: answers to requests made before are dropped */
  const generation = useRef(0);
  const undoStack = useRef<Snapshot[]>([]);
  const redoStack = useRef<Snapshot[]>([]);
  const lastBurst = useRef({ key: '', time: 0 });

  const setCompose = (c: string) => {
    composeRef.current = c;
    setComposeState(c);
  };
  const setDoc = (d: Doc) => {
    docRef.current = d;
    setDocState(d);
  };
  const setPositions = (p: Positions) => {
    posRef.current = p;
    setPositionsState(p);
  };

  const busy = (delta: number) => setSyncCount((n) => Math.max(0, n + delta));

  const snapshot = (): Snapshot => ({
    compose: composeRef.current,
    doc: docRef.current,
    positions: posRef.current,
    renderNeeded: renderNeeded.current,
  });

  const remember = (burst?: string) => {
    const now = Date.now();
    const same = !!burst && lastBurst.current.key === burst && now - lastBurst.current.time < BURST;
    lastBurst.current = { key: burst ?? '', time: now };
    if (same) return;
    undoStack.current.push(snapshot());
    if (undoStack.current.length > 200) undoStack.current.shift();
    redoStack.current = [];
    setHistoryVersion((v) => v + 1);
  };

  // ---- text → graph
  const runParse = useCallback(async () => {
    const text = composeRef.current;
    const gen = generation.current;
    busy(1);
    try {
      const r = await labApi.parse(repo, lab, text);
      if (gen !== generation.current || text !== composeRef.current) return;
      setSyncError(null);
      setProblems(r.problems ?? []);
      setModelProblems(r.modelProblems ?? []);
      setSyntax(r.syntax ?? null);
      if (r.model) {
        const d = fromModel(r.model, docRef.current);
        setDoc(d);
        setPositions(placeMissing(d, posRef.current));
        setStale(false);
      } else {
        setStale(true);
      }
    } catch (e) {
      if (gen === generation.current) setSyncError(e);
    } finally {
      busy(-1);
    }
  }, [repo, lab]);

  const scheduleParse = useCallback(() => {
    if (parseTimer.current === undefined) busy(1);
    window.clearTimeout(parseTimer.current);
    parseTimer.current = window.setTimeout(() => {
      busy(-1);
      parseTimer.current = undefined;
      runParse();
    }, PARSE_DELAY);
  }, [runParse]);

  // ---- graph → text
  const runRender = useCallback(async () => {
    if (!renderNeeded.current) return;
    renderNeeded.current = false;
    const sent = docRef.current;
    const text = composeRef.current;
    const gen = generation.current;
    busy(1);
    try {
      const r = await labApi.render(repo, lab, text, toModel(sent));
      if (gen !== generation.current) return;
      setSyncError(null);
      if (composeRef.current === text) setCompose(r.compose);
      setProblems(r.problems ?? []);
      setModelProblems(r.modelProblems ?? []);
      setSyntax(null);
      setStale(false);
      setDoc(rendered(docRef.current, sent, r.model));
    } catch (e) {
      if (gen !== generation.current) return;
      setSyncError(e);
    } finally {
      busy(-1);
    }
  }, [repo, lab]);

  const queueRender = useCallback(() => {
    const next = chain.current.then(runRender, runRender);
    chain.current = next;
    return next;
  }, [runRender]);

  const scheduleRender = useCallback(() => {
    renderNeeded.current = true;
    if (renderTimer.current === undefined) busy(1);
    window.clearTimeout(renderTimer.current);
    renderTimer.current = window.setTimeout(() => {
      renderTimer.current = undefined;
      busy(-1);
      queueRender();
    }, RENDER_DELAY);
  }, [queueRender]);

  const flush = useCallback(async () => {
    if (renderTimer.current !== undefined) {
      window.clearTimeout(renderTimer.current);
      renderTimer.current = undefined;
      busy(-1);
    }
    await queueRender();
  }, [queueRender]);

  const cancelPending = () => {
    if (renderTimer.current !== undefined) {
      window.clearTimeout(renderTimer.current);
      renderTimer.current = undefined;
      busy(-1);
    }
    if (parseTimer.current !== undefined) {
      window.clearTimeout(parseTimer.current);
      parseTimer.current = undefined;
      busy(-1);
    }
    renderNeeded.current = false;
  };

  // ---- load
  const reload = useCallback(async () => {
    generation.current++;
    try {
      const s = await labApi.source(repo, lab);
      const d = s.model ? fromModel(s.model) : EMPTY_DOC;
      const st = { ...EMPTY_STORY, ...(s.story ?? {}), labels: s.story?.labels ?? [] };
      const p = placeMissing(d, positionsFromLayout(d, s.layout));
      setSource(s);
      setCompose(s.compose ?? '');
      setDoc(d);
      setPositions(p);
      storyRef.current = st;
      setStoryState(st);
      setProblems(s.problems ?? []);
      setModelProblems(s.modelProblems ?? []);
      setSyntax(null);
      setStale(!s.model);
      setSavedKey(saveKey(s.compose ?? '', st, layoutOf(d, p)));
      undoStack.current = [];
      redoStack.current = [];
      setHistoryVersion((v) => v + 1);
      setLoadError(null);
      // the text may not parse: ask, for the line and the message
      if (!s.model) scheduleParse();
    } catch (e) {
      setLoadError(e);
    }
  }, [repo, lab, scheduleParse]);

  useEffect(() => {
    reload();
    return () => {
      window.clearTimeout(renderTimer.current);
      window.clearTimeout(parseTimer.current);
    };
  }, [reload]);

  const editGraph = useCallback(
    (f: (d: Doc) => Doc, burst?: string, pos?: (p: Positions, d: Doc) => Positions) => {
      remember(burst);
      const next = f(docRef.current);
      setDoc(next);
      setPositions(placeMissing(next, pos ? pos(posRef.current, next) : posRef.current));
      scheduleRender();
    },
    [scheduleRender],
  );

  const move = useCallback((p: Positions, burst?: string) => {
    remember(burst);
    setPositions(p);
  }, []);

  const editText = useCallback(
    (text: string) => {
      if (text === composeRef.current) return;
      remember('text');
      setCompose(text);
      scheduleParse();
    },
    [scheduleParse],
  );

  const setStory = useCallback((s: WorkStory) => {
    storyRef.current = s;
    setStoryState(s);
  }, []);

  const restore = (s: Snapshot) => {
    generation.current++;
    cancelPending();
    setCompose(s.compose);
    setDoc(s.doc);
    setPositions(s.positions);
    lastBurst.current = { key: '', time: 0 };
    if (s.renderNeeded) scheduleRender();
    else scheduleParse();
  };

  const undo = useCallback(() => {
    const s = undoStack.current.pop();
    if (!s) return;
    redoStack.current.push(snapshot());
    restore(s);
    setHistoryVersion((v) => v + 1);
  }, []);

  const redo = useCallback(() => {
    const s = redoStack.current.pop();
    if (!s) return;
    undoStack.current.push(snapshot());
    restore(s);
    setHistoryVersion((v) => v + 1);
  }, []);

  const save = useCallback(async () => {
    setSaving(true);
    setSaveError(null);
    try {
      await flush();
      const text = composeRef.current;
      const st = storyRef.current;
      const layout = layoutOf(docRef.current, posRef.current);
      const r = await labApi.save(repo, lab, text, st, layout);
      setSaved(r);
      setProblems(r.problems ?? []);
      setSavedKey(saveKey(text, st, layout));
      return r;
    } catch (e) {
      setSaveError(e);
      return null;
    } finally {
      setSaving(false);
    }
  }, [repo, lab, flush]);

  const layout = useMemo(() => layoutOf(doc, positions), [doc, positions]);
  const dirty = !!source && saveKey(compose, story, layout) !== savedKey;
  void historyVersion;

  return {
    source,
    loadError,
    compose,
    doc,
    positions,
    story,
    problems,
    modelProblems,
    syntax,
    stale,
    syncing: syncCount > 0,
    syncError,
    dirty,
    saving,
    saveError,
    saved,
    canUndo: undoStack.current.length > 0,
    canRedo: redoStack.current.length > 0,
    editGraph,
    move,
    editText,
    setStory,
    undo,
    redo,
    flush,
    save,
    reload,
    current: () => docRef.current,
  };
}
