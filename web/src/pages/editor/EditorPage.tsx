// The lab editor (#/edit/REPO/LAB): the lab as a graph, as compose text and
// as a story, kept in sync through the server (useEditor.ts: the text is the
// source of truth, the graph its view). The toolbar: Undo / Redo, Save (a lab
// that does not validate is saved as a draft, and cannot start until its
// errors are fixed), Start / Stop, Apply (a running lab: the plan in a
// dialog, then the apply's live log), the problems count, and "?" for the
// keyboard shortcuts. A lab of another repository is shown read-only, with
// "Copy to my labs".
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { DEFAULT_INSTANCE, labApi, labHref, type ApplyPlan, type LabProblem } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ProgressLog, operationTitle } from '../../components/ProgressLog';
import { StateBadge } from '../../components/StateBadge';
import { noteOperation } from '../../events';
import { CopyLabDialog } from '../lab/LabManage';
import { useLabData, useLabOperations } from '../lab/useLab';
import { ComposeView } from './ComposeView';
import { GraphView, type GraphApi } from './GraphView';
import { Inspector } from './Inspector';
import {
  attach,
  autoLayout,
  detach,
  netNodeId,
  newNetwork,
  newService,
  removeNetworks,
  removeServices,
  renameNetwork,
  renameService,
  svcNodeId,
  toModel,
  type XY,
} from './model';
import { StoryView } from './StoryView';
import { useEditor } from './useEditor';
import { useVMs } from './useVMs';
import { useImages } from './useImages';
import './EditorPage.css';

type Tab = 'graph' | 'compose' | 'story';
const TABS: { id: Tab; label: string }[] = [
  { id: 'graph', label: 'Graph' },
  { id: 'compose', label: 'Compose' },
  { id: 'story', label: 'Story' },
];

const SHORTCUTS: [string, string][] = [
  ['Ctrl+S', 'Save'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z, Ctrl+Y', 'Redo'],
  ['N', 'New service (graph)'],
  ['Shift+N', 'New network (graph)'],
  ['Delete, Backspace', 'Delete the selection (graph)'],
  ['Drag from a node’s dot', 'Attach a service to a network'],
  ['Shift+drag', 'Select several'],
];

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest?.('.cm-editor');
}

/** "will recreate web; create db; remove old; leave router as it is" */
export function planSentence(p: ApplyPlan): string {
  const parts: string[] = [];
  const list = (xs: string[]) => xs.join(', ');
  if ((p.recreate ?? []).length) parts.push(`recreate ${list(p.recreate ?? [])}`);
  if ((p.create ?? []).length) parts.push(`create ${list(p.create ?? [])}`);
  if ((p.remove ?? []).length) parts.push(`remove ${list(p.remove ?? [])}`);
  if ((p.unchanged ?? []).length) parts.push(`leave ${list(p.unchanged ?? [])} as ${(p.unchanged ?? []).length === 1 ? 'it is' : 'they are'}`);
  if (parts.length === 0) return 'Nothing to change.';
  return `Apply will ${parts.join('; ')}.`;
}

function errorsOf(problems: LabProblem[]): LabProblem[] {
  return problems.filter((p) => p.severity === 'error');
}

export function EditorPage({ repo, lab }: { repo: string; lab: string }) {
  const ed = useEditor(repo, lab);
  const { lab: details, state } = useLabData(repo, lab, DEFAULT_INSTANCE);
  const { op, requesting, requestError, run } = useLabOperations(repo, lab, DEFAULT_INSTANCE, details);
  const images = useImages();
  const vms = useVMs(repo, lab, details, ed.saved);
  const [tab, setTab] = useState<Tab>('graph');
  const [selection, setSelection] = useState<string[]>([]);
  const [help, setHelp] = useState(false);
  const [copying, setCopying] = useState(false);
  const [plan, setPlan] = useState<ApplyPlan | null>(null);
  const [planning, setPlanning] = useState(false);
  const [applyError, setApplyError] = useState<unknown>(null);
  const [applying, setApplying] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const [suggestError, setSuggestError] = useState<unknown>(null);
  const [fitRequest, setFitRequest] = useState(0);
  const graph = useRef<GraphApi | null>(null);
  const tabIds = useId();
  const planLabel = useId();
  const helpId = useId();

  const source = ed.source;
  const readOnly = !source?.editable;
  const isUp = state !== 'stopped' && state !== 'unknown';
  const running = state === 'running' || state === 'degraded' || state === 'incomplete';
  const opRunning = op?.state === 'running';
  const busy = requesting || opRunning || state === 'starting' || state === 'stopping' || applying;

  // valid: the latest save's word, else the problems of the loaded (saved) lab
  const savedErrors = ed.saved ? errorsOf(ed.saved.problems ?? []) : source ? errorsOf(source.problems ?? []) : [];
  const valid = ed.saved ? ed.saved.valid : savedErrors.length === 0 && details?.valid !== false;
  const problemCount = ed.problems.length + ed.modelProblems.length + (ed.syntax ? 1 : 0);
  const errorCount = errorsOf(ed.problems).length + ed.modelProblems.length + (ed.syntax ? 1 : 0);

  const addNode = useCallback(
    (kind: 'network' | 'service', at?: XY) => {
      if (readOnly) return;
      let uid = '';
      const where = at ?? graph.current?.centre() ?? { x: 0, y: 0 };
      ed.editGraph(
        (d) => {
          const item = kind === 'network' ? newNetwork(d) : newService(d);
          uid = item.uid;
          return kind === 'network' ? { ...d, networks: [...d.networks, item as never] } : { ...d, services: [...d.services, item as never] };
        },
        undefined,
        (p) => ({ ...p, [uid]: at ? where : { x: where.x - 80 + Math.random() * 40, y: where.y - 20 + Math.random() * 40 } }),
      );
      setSelection([kind === 'network' ? netNodeId(uid) : svcNodeId(uid)]);
    },
    [ed, readOnly],
  );

  const removeNodes = useCallback(
    (nodeIds: string[], edges: { svcUid: string; network: string }[] = []) => {
      if (readOnly || (nodeIds.length === 0 && edges.length === 0)) return;
      const nets = new Set(nodeIds.filter((i) => i.startsWith('net:')).map((i) => i.slice(4)));
      const svcs = new Set(nodeIds.filter((i) => i.startsWith('svc:')).map((i) => i.slice(4)));
      ed.editGraph((d) => {
        let next = removeServices(removeNetworks(d, nets), svcs);
        for (const e of edges) next = detach(next, e.svcUid, e.network);
        return next;
      });
      setSelection((s) => s.filter((x) => !nodeIds.includes(x)));
    },
    [ed, readOnly],
  );

  const switchTab = async (t: Tab) => {
    if (t === tab) return;
    if (tab === 'graph') await ed.flush();
    setTab(t);
  };

  const save = useCallback(async () => {
    if (readOnly) return null;
    return ed.save();
  }, [ed, readOnly]);

  const start = async () => {
    if (ed.dirty) {
      const r = await save();
      if (!r || !r.valid) return;
    }
    setShowLog(true);
    run('up');
  };

  const askApply = async () => {
    setApplyError(null);
    setPlanning(true);
    try {
      if (ed.dirty) {
        const r = await save();
        if (!r) return;
        if (!r.valid) return;
      }
      setPlan(await labApi.plan(repo, lab));
    } catch (e) {
      setApplyError(e);
    } finally {
      setPlanning(false);
    }
  };

  const apply = async () => {
    setApplying(true);
    setApplyError(null);
    try {
      const r = await labApi.apply(repo, lab);
      noteOperation(r.operation, r.kind || 'apply', r.lab || `${repo}/${lab}`, r.instance || DEFAULT_INSTANCE);
      setPlan(null);
      setShowLog(true);
    } catch (e) {
      setApplyError(e);
    } finally {
      setApplying(false);
    }
  };

  // keyboard shortcuts of the page
  const keys = useRef({ save, undo: ed.undo, redo: ed.redo, addNode, tab });
  keys.current = { save, undo: ed.undo, redo: ed.redo, addNode, tab };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 's') {
        e.preventDefault();
        keys.current.save();
        return;
      }
      if (e.defaultPrevented) return;
      const inCode = !!(e.target as HTMLElement | null)?.closest?.('.cm-editor');
      const inText = (e.target as HTMLElement | null)?.tagName === 'TEXTAREA';
      if (mod && !inCode && !inText && (k === 'z' || k === 'y')) {
        e.preventDefault();
        if (k === 'y' || e.shiftKey) keys.current.redo();
        else keys.current.undo();
        return;
      }
      if (mod || e.altKey || isTyping(e.target)) return;
      if (e.key === '?') {
        setHelp((h) => !h);
        return;
      }
      if (keys.current.tab === 'graph' && k === 'n') {
        e.preventDefault();
        keys.current.addNode(e.shiftKey ? 'network' : 'service');
      }
      if (e.key === 'Escape') setHelp(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // leaving with unsaved edits asks the browser's question
  useEffect(() => {
    if (!ed.dirty) return;
    const f = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', f);
    return () => window.removeEventListener('beforeunload', f);
  }, [ed.dirty]);

  const onReady = useCallback((api: GraphApi) => {
    graph.current = api;
  }, []);

  const images_ = useMemo(() => images ?? [], [images]);

  if (ed.loadError && !source) {
    return (
      <div className="page">
        <a className="back" href={labHref(repo, lab)}>
          ← {lab}
        </a>
        <ErrorAlert error={ed.loadError} lead="Could not open the lab:" testId="load-error" />
      </div>
    );
  }
  if (!source) return <div className="page"><div className="loading">Opening {lab}…</div></div>;

  const startReason = !valid
    ? `It cannot start until its errors are fixed: ${savedErrors.map((p) => p.message).slice(0, 3).join('; ') || 'see the problems'}`
    : ed.dirty
      ? 'Saves, then starts'
      : undefined;
  const saveState = ed.saving ? 'Saving…' : ed.dirty ? 'Unsaved changes' : ed.saved ? (ed.saved.valid ? 'Saved' : 'Saved as a draft') : 'No changes';

  return (
    <div className="page editor-page" data-testid="editor">
      <header className="editor-head">
        <div className="editor-title">
          <a className="back" href={labHref(repo, lab)}>
            ← {lab}
          </a>
          <h1 className="page-title">
            Edit <span className="mono">{lab}</span>
          </h1>
          <StateBadge state={state} />
          <span className="muted small">
            {repo} · {source.format === 'upstream' ? 'DSP lab' : 'native lab'} · <span className="mono">{source.file.split('/').pop()}</span>
          </span>
        </div>
        <div className="editor-toolbar" role="toolbar" aria-label="Editor">
          <button type="button" className="btn btn-sm" onClick={ed.undo} disabled={readOnly || !ed.canUndo} title="Ctrl+Z">
            Undo
          </button>
          <button type="button" className="btn btn-sm" onClick={ed.redo} disabled={readOnly || !ed.canRedo} title="Ctrl+Shift+Z or Ctrl+Y">
            Redo
          </button>
          <button type="button" className="btn btn-sm btn-primary" onClick={save} disabled={readOnly || ed.saving || !ed.dirty} title="Ctrl+S" data-testid="save">
            {ed.saving ? 'Saving…' : 'Save'}
          </button>
          <span className={`editor-save-state${ed.dirty ? ' is-dirty' : ''}`} role="status" data-testid="save-state">
            {saveState}
            {ed.syncing && <span className="spinner editor-sync" role="img" aria-label="syncing" />}
          </span>
          <span className="editor-sep" />
          <button
            type="button"
            className="btn btn-sm"
            disabled={readOnly || busy || !valid || running || isUp}
            onClick={start}
            title={startReason}
            aria-describedby={!valid ? 'editor-start-reason' : undefined}
            data-testid="editor-start"
          >
            {state === 'starting' || (opRunning && op?.kind === 'up') ? 'Starting…' : 'Start'}
          </button>
          <button
            type="button"
            className="btn btn-sm btn-danger"
            disabled={busy || !isUp}
            onClick={() => {
              setShowLog(true);
              run('down');
            }}
            data-testid="editor-stop"
          >
            {state === 'stopping' || (opRunning && op?.kind === 'down') ? 'Stopping…' : 'Stop'}
          </button>
          {running && (
            <button type="button" className="btn btn-sm" disabled={readOnly || busy || planning || !valid} onClick={askApply} data-testid="apply">
              {planning ? 'Planning…' : applying ? 'Applying…' : 'Apply'}
            </button>
          )}
          <span className="editor-sep" />
          <button
            type="button"
            className={`btn btn-sm problems-count${errorCount ? ' has-errors' : problemCount ? ' has-warnings' : ''}`}
            onClick={() => switchTab('compose')}
            aria-label={`${problemCount} problem${problemCount === 1 ? '' : 's'}`}
            data-testid="problems-count"
            data-count={problemCount}
          >
            {problemCount === 0 ? '✓ no problems' : `⚠ ${problemCount} problem${problemCount === 1 ? '' : 's'}`}
          </button>
          <div className="editor-help-wrap">
            <button
              type="button"
              className="btn btn-sm btn-icon"
              aria-label="Keyboard shortcuts"
              aria-expanded={help}
              aria-controls={helpId}
              onClick={() => setHelp((h) => !h)}
            >
              ?
            </button>
            {help && (
              <div className="editor-help card" id={helpId} role="dialog" aria-label="Keyboard shortcuts">
                <h2>Keyboard shortcuts</h2>
                <table>
                  <tbody>
                    {SHORTCUTS.map(([k, what]) => (
                      <tr key={k}>
                        <td>
                          <kbd>{k}</kbd>
                        </td>
                        <td>{what}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <button type="button" className="btn btn-sm" onClick={() => setHelp(false)}>
                  Close
                </button>
              </div>
            )}
          </div>
        </div>
      </header>

      {readOnly && (
        <div className="alert alert-warn editor-readonly" data-testid="read-only">
          <strong>Read-only:</strong> this lab belongs to the repository <strong>{repo}</strong>. Copy it to your labs to change it.{' '}
          <button type="button" className="btn btn-sm btn-primary" onClick={() => setCopying(true)}>
            Copy to my labs
          </button>
        </div>
      )}
      <CopyLabDialog repo={repo} lab={lab} open={copying} onClose={() => setCopying(false)} />

      {!valid && !readOnly && (
        <div className="alert alert-warn" id="editor-start-reason" data-testid="draft-note">
          <strong>{ed.saved ? 'Saved as a draft:' : 'A draft:'}</strong> it cannot start until{' '}
          {savedErrors.length === 1 ? 'this is fixed' : 'these are fixed'}:
          <ul>
            {savedErrors.slice(0, 8).map((p, i) => (
              <li key={i}>
                {p.line ? `line ${p.line}: ` : ''}
                {p.field ? <span className="mono">{p.field}: </span> : null}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {ed.saved?.valid && !ed.dirty && <p className="sr-only" role="status">Saved.</p>}
      <ErrorAlert error={ed.saveError} lead="Not saved:" testId="save-error" />
      <ErrorAlert error={ed.syncError} lead="The editor could not sync the graph and the text:" testId="sync-error" />
      <ErrorAlert error={requestError} testId="request-error" />
      <ErrorAlert error={suggestError} lead="No free address:" testId="suggest-error" />
      {op?.state === 'failed' && op.error && (
        <div className="alert alert-error" role="alert">
          <strong>{operationTitle(op.kind)} failed:</strong> {op.error}
        </div>
      )}

      <div className="editor-tabs" role="tablist" aria-label="Views">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${tabIds}-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`${tabIds}-${t.id}-panel`}
            className={`editor-tab${tab === t.id ? ' is-active' : ''}`}
            onClick={() => switchTab(t.id)}
          >
            {t.label}
            {t.id === 'compose' && problemCount > 0 && <span className="editor-tab-count">{problemCount}</span>}
          </button>
        ))}
        {ed.stale && tab === 'graph' && (
          <span className="editor-stale" role="status" data-testid="graph-stale">
            The text does not parse: the graph shows the last version that did.
          </span>
        )}
      </div>

      <div className="editor-body" role="tabpanel" id={`${tabIds}-${tab}-panel`} aria-labelledby={`${tabIds}-${tab}`}>
        {tab === 'graph' && (
          <div className="editor-graph">
            <GraphView
              doc={ed.doc}
              positions={ed.positions}
              modelProblems={ed.modelProblems}
              readOnly={readOnly}
              selection={selection}
              onSelect={setSelection}
              onMove={ed.move}
              onAdd={addNode}
              onConnect={(svcUid, netUid) => {
                const net = ed.doc.networks.find((n) => n.uid === netUid);
                if (net) ed.editGraph((d) => attach(d, svcUid, net.name));
              }}
              onDelete={removeNodes}
              onAutoLayout={() => {
                ed.move(autoLayout(ed.doc));
                setFitRequest((n) => n + 1);
              }}
              fitRequest={fitRequest}
              onReady={onReady}
            />
            <Inspector
              doc={ed.doc}
              selection={selection}
              modelProblems={ed.modelProblems}
              images={images_}
              readOnly={readOnly}
              edit={(f, burst) => ed.editGraph(f, burst)}
              renameNetwork={(uid, name) => ed.editGraph((d) => renameNetwork(d, uid, name), `rename:${uid}`)}
              renameService={(uid, name) => ed.editGraph((d) => renameService(d, uid, name), `rename:${uid}`)}
              attach={(svcUid, network) => ed.editGraph((d) => attach(d, svcUid, network))}
              detach={(svcUid, network) => ed.editGraph((d) => detach(d, svcUid, network))}
              suggest={async (svcUid, network) => {
                await ed.flush();
                try {
                  const { address } = await labApi.freeAddress(repo, lab, toModel(ed.current()), network);
                  ed.editGraph((d) => ({
                    ...d,
                    services: d.services.map((s) =>
                      s.uid === svcUid ? { ...s, networks: s.networks.map((a) => (a.network === network ? { ...a, ipv4: address } : a)) } : s,
                    ),
                  }));
                  setSuggestError(null);
                } catch (e) {
                  setSuggestError(e);
                }
              }}
              vms={vms}
              openCompose={() => void switchTab('compose')}
              remove={(id) => removeNodes([id])}
            />
          </div>
        )}
        {tab === 'compose' && (
          <ComposeView
            value={ed.compose}
            file={source.file}
            problems={ed.problems}
            syntax={ed.syntax}
            readOnly={readOnly}
            onChange={ed.editText}
            onUndo={ed.undo}
            onRedo={ed.redo}
            onSave={save}
          />
        )}
        {tab === 'story' && <StoryView story={ed.story} format={source.format} readOnly={readOnly} onChange={ed.setStory} />}
      </div>

      {ed.modelProblems.length > 0 && tab !== 'graph' && (
        <div className="alert alert-warn editor-model-problems" data-testid="model-problems">
          <strong>In the model:</strong>
          <ul>
            {ed.modelProblems.map((p, i) => (
              <li key={i}>
                <span className="mono">{p.field}</span>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      {(showLog || opRunning) && op && (
        <section className="card section editor-log" aria-label="Activity">
          <div className="section-head">
            <h2>
              {operationTitle(op.kind)} <span className="section-sub">{op.state}</span>
            </h2>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setShowLog(false)} disabled={opRunning}>
              Hide
            </button>
          </div>
          <ProgressLog op={op} />
        </section>
      )}

      <Dialog open={plan !== null} onClose={() => setPlan(null)} labelId={planLabel} testId="apply-dialog" wide>
        <h2 id={planLabel}>Apply the saved lab to the running one?</h2>
        {plan && (
          <>
            <p data-testid="plan-sentence">{planSentence(plan)}</p>
            <ul className="plan-list">
              {(plan.recreate ?? []).map((s) => (
                <li key={`r-${s}`} data-plan="recreate" data-service={s}>
                  <span className="tag tag-warn">recreate</span> {s}
                </li>
              ))}
              {(plan.create ?? []).map((s) => (
                <li key={`c-${s}`} data-plan="create" data-service={s}>
                  <span className="tag tag-ok">create</span> {s}
                </li>
              ))}
              {(plan.remove ?? []).map((s) => (
                <li key={`d-${s}`} data-plan="remove" data-service={s}>
                  <span className="tag tag-bad">remove</span> {s}
                </li>
              ))}
              {(plan.unchanged ?? []).map((s) => (
                <li key={`u-${s}`} data-plan="unchanged" data-service={s}>
                  <span className="tag">unchanged</span> {s}
                </li>
              ))}
            </ul>
          </>
        )}
        <ErrorAlert error={applyError} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setPlan(null)}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={apply} disabled={applying}>
            {applying ? 'Applying…' : 'Apply'}
          </button>
        </div>
      </Dialog>
      {plan === null && applyError != null && <ErrorAlert error={applyError} lead="Apply:" />}
    </div>
  );
}
