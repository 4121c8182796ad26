// One-shot tools (nmap, ping, curl…): each runs in a fresh container on a lab
// network and is removed when it ends. The user picks a tool, a network, a
// target (a service's name or an address; a scan takes the whole network when
// empty) and may replace the default arguments: one text field split on
// whitespace, an argv shown as it will run, never handed to a shell. The run
// is an operation: its output streams as `progress` events (step "tool"),
// Cancel stops it, and it ends done or failed (the exit code in the error).
// A tool whose image is dsp's toolbox, missing, offers to build it.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { instanceOf, observeApi, type NetworkDef, type Tool, type ToolboxImage, type ToolRequest } from '../../../api';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Icon } from '../../../components/Icons';
import { clock } from '../../../format';
import { noteToolOperation, useLatestToolOperation, useOperation, type OpLog } from '../../../events';
import { FieldError, fieldMessage, FormError } from './common';
import { ToolboxBuildNote } from './ToolboxBuild';
import type { ToolboxBuild } from './useObserve';

const FIELDS = ['tool', 'network', 'args', 'target'] as const;

/** The arguments typed, split on whitespace (no quoting: this is an argv, not a shell line). */
export function splitArgs(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** The argv a run will execute: the tool's command, then the arguments given or its defaults with {target} filled. */
export function argvOf(tool: Tool, args: string[], target: string, subnet: string): string[] {
  if (args.length) return [...tool.argv, ...args];
  const fill = target || (tool.targetsNetwork && subnet ? subnet : '');
  return [...tool.argv, ...(tool.defaultArgs ?? []).map((a) => (fill ? a.replaceAll('{target}', fill) : a))];
}

const RUN_TONE: Record<OpLog['state'], string> = { running: 'busy', done: 'ok', failed: 'bad' };

function ToolOutput({ op, onCancel, cancelling, cancelError }: { op: OpLog; onCancel: () => void; cancelling: boolean; cancelError: unknown }) {
  const lines = op.events.filter((e) => e.step === 'tool' || e.step === 'done');
  const running = op.state === 'running';
  const tool = lines[0]?.target || 'tool';
  return (
    <div className="tool-run" data-testid="tool-run" data-operation={op.id} data-state={op.state}>
      <div className="tool-run-head">
        <strong className="mono">{tool}</strong>
        <span className={`badge badge-${RUN_TONE[op.state]}`} data-testid="tool-state" data-state={op.state}>
          <span className={`dot ${running ? 'pulse' : ''}`} aria-hidden="true" />
          {op.state}
        </span>
        {op.state === 'failed' && op.error && (
          <span className="small text-bad" data-testid="tool-error">
            {op.error}
          </span>
        )}
        <span className="tool-run-spacer" />
        {running && (
          <button type="button" className="btn btn-sm btn-danger" onClick={onCancel} disabled={cancelling} data-testid="tool-cancel">
            <Icon name="stop" size={14} /> {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      <ErrorAlert error={cancelError} lead="Not cancelled:" />
      <OutputPane lines={lines.map((e) => ({ time: e.time, text: e.message ?? '', kind: e.step === 'done' || e.status === 'working' ? 'meta' : e.status }))} running={running} />
    </div>
  );
}

interface Line {
  time: string;
  text: string;
  kind: string;
}

/** The tool's output, one line per event, following the tail unless the user scrolled up. */
function OutputPane({ lines, running }: { lines: Line[]; running: boolean }) {
  const [box, setBox] = useState<HTMLPreElement | null>(null);
  const [stick, setStick] = useState(true);
  useEffect(() => {
    if (box && stick) box.scrollTop = box.scrollHeight;
  }, [box, stick, lines.length]);
  return (
    <pre
      className="tool-output"
      ref={setBox}
      data-testid="tool-output"
      tabIndex={0}
      aria-label="Tool output"
      aria-live={running ? 'polite' : undefined}
      onScroll={(e) => {
        const el = e.currentTarget;
        setStick(el.scrollHeight - el.scrollTop - el.clientHeight < 30);
      }}
    >
      {lines.length === 0 && <span className="tool-line tool-line-meta">Starting…</span>}
      {lines.map((l, i) => (
        <span key={i} className={`tool-line tool-line-${l.kind}`}>
          <span className="tool-time">{clock(l.time)}</span>
          {l.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

export function ToolsCard({
  repo,
  lab,
  instance,
  running,
  networks,
  targets,
  images,
  build,
}: {
  repo: string;
  lab: string;
  instance: string;
  running: boolean;
  networks: NetworkDef[];
  /** names a target may be: the lab's services and toolboxes */
  targets: string[];
  /** the toolbox images, to tell a tool whose image is missing */
  images: ToolboxImage[] | null;
  /** building dsp's toolbox, offered when a tool's image is dsp's toolbox and missing */
  build: ToolboxBuild;
}) {
  const ids = useId();
  const labId = `${repo}/${lab}`;
  const [tools, setTools] = useState<Tool[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [toolName, setToolName] = useState('');
  const [network, setNetwork] = useState(networks[0]?.name ?? '');
  const [target, setTarget] = useState('');
  const [argsText, setArgsText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>(null);
  const opId = useLatestToolOperation(labId, instance);
  const op = useOperation(opId);

  useEffect(() => {
    let live = true;
    observeApi
      .tools()
      .then((r) => {
        if (!live) return;
        setTools(r.tools ?? []);
        setLoadError(null);
      })
      .catch((e) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!toolName && tools?.length) setToolName(tools[0].name);
  }, [tools, toolName]);
  useEffect(() => {
    if (!network && networks.length) setNetwork(networks[0].name);
  }, [networks, network]);
  useEffect(() => {
    if (op?.state !== 'running') setCancelling(false);
  }, [op?.state]);

  const tool = tools?.find((t) => t.name === toolName);
  const subnet = networks.find((n) => n.name === network)?.subnet ?? '';
  const args = useMemo(() => splitArgs(argsText), [argsText]);
  const argv = tool ? argvOf(tool, args, target.trim(), subnet) : [];
  const image = tool ? images?.find((i) => i.image === tool.image) : undefined;
  const imageMissing = !!image && !image.present;
  const buildable = imageMissing && !!image?.builtin && image.image === build.image;
  const needsTarget = !!tool?.needsTarget && !tool.targetsNetwork && !target.trim() && args.length === 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!tool || !running || busy) return;
    setBusy(true);
    setError(null);
    setCancelError(null);
    const req: ToolRequest = { tool: tool.name };
    if (network) req.network = network;
    if (target.trim()) req.target = target.trim();
    if (args.length) req.args = args;
    try {
      const r = await observeApi.runTool(repo, lab, instance, req);
      noteToolOperation(r.operation, r.lab || labId, instanceOf(r));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    if (!op) return;
    setCancelling(true);
    setCancelError(null);
    try {
      await observeApi.cancelOperation(op.id);
    } catch (e) {
      setCancelError(e);
      setCancelling(false);
    }
  };

  const toolError = fieldMessage(error, 'tool');
  const netError = fieldMessage(error, 'network');
  const argsError = fieldMessage(error, 'args', 'target');

  return (
    <section className="card section observe-card" data-testid="tools-card">
      <div className="section-head">
        <h2>
          Tools <span className="section-sub">one-shot commands in a fresh container on a lab network</span>
        </h2>
      </div>
      <ErrorAlert error={loadError} lead="The tool catalogue could not be read:" testId="tools-error" />
      <form className="observe-form" onSubmit={submit} data-testid="tool-form" aria-label="Run a tool">
        <div className="observe-fields">
          <div className="field">
            <label htmlFor={`${ids}-tool`}>Tool</label>
            <select
              id={`${ids}-tool`}
              className="select-field"
              value={toolName}
              onChange={(e) => setToolName(e.target.value)}
              data-testid="tool-select"
              aria-describedby={`${ids}-tool-about`}
            >
              {(tools ?? []).map((t) => (
                <option key={t.name} value={t.name}>
                  {t.title}
                </option>
              ))}
            </select>
            <FieldError error={toolError} testId="tool-error-tool" />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-network`}>Network</label>
            <select
              id={`${ids}-network`}
              className="select-field"
              value={network}
              onChange={(e) => setNetwork(e.target.value)}
              data-testid="tool-network"
            >
              {networks.map((n) => (
                <option key={n.name} value={n.name}>
                  {n.name}
                  {n.subnet ? ` (${n.subnet})` : ''}
                </option>
              ))}
            </select>
            <FieldError error={netError} testId="tool-error-network" />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-target`}>
              Target{' '}
              <span className="muted optional">{tool?.targetsNetwork ? 'optional' : tool?.needsTarget ? '' : 'unused by default'}</span>
            </label>
            <input
              id={`${ids}-target`}
              type="text"
              className="mono"
              list={`${ids}-targets`}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              placeholder={tool?.targetsNetwork ? subnet || 'the whole network' : 'a service or an address'}
              spellCheck={false}
              autoComplete="off"
              data-testid="tool-target"
              aria-describedby={`${ids}-target-hint`}
            />
            <datalist id={`${ids}-targets`}>
              {targets.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
            <span className="muted small field-note" id={`${ids}-target-hint`}>
              {tool?.targetsNetwork
                ? `A scan: left empty, it takes the whole network${subnet ? ` (${subnet})` : ''}.`
                : 'A service’s name (its DNS name on the network) or an address.'}
            </span>
          </div>
        </div>
        <p className="muted small tool-about" id={`${ids}-tool-about`} data-testid="tool-description">
          {tool?.description || (tools ? '' : 'Loading the tools…')}
        </p>
        <div className="field">
          <label htmlFor={`${ids}-args`}>
            Arguments <span className="muted optional">optional: replace the defaults</span>
          </label>
          <input
            id={`${ids}-args`}
            type="text"
            className="mono"
            value={argsText}
            onChange={(e) => setArgsText(e.target.value)}
            placeholder={(tool?.defaultArgs ?? []).join(' ')}
            spellCheck={false}
            autoComplete="off"
            data-testid="tool-args"
            aria-describedby={`${ids}-argv`}
          />
          <FieldError error={argsError} testId="tool-error-args" />
        </div>
        <div className="tool-argv-line" id={`${ids}-argv`}>
          <span className="muted small">Runs (an argv, no shell):</span>
          <code className="tool-argv" data-testid="tool-argv" data-argv={JSON.stringify(argv)}>
            {argv.map((a, i) => (
              <span key={i} className="argv-item">
                {a}
              </span>
            ))}
          </code>
        </div>
        <div className="observe-actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={!running || busy || !tool || imageMissing}
            data-testid="tool-run-button"
            title={imageMissing ? `${tool?.image} is missing: ${buildable ? 'build it' : 'pull or build it'}` : undefined}
          >
            <Icon name="play" size={15} /> {busy ? 'Starting…' : 'Run'}
          </button>
          {buildable && <ToolboxBuildNote build={build} />}
          {imageMissing && !buildable && (
            <span className="small text-bad" data-testid="tool-image-missing">
              Its image {tool?.image} is not on the Docker Engine: pull or build it.
            </span>
          )}
          {!imageMissing && needsTarget && <span className="muted small">This tool needs a target.</span>}
        </div>
        <FormError error={error} fields={FIELDS} lead="Not started:" testId="tool-request-error" />
      </form>
      {op && (
        <ToolOutput op={op} onCancel={cancel} cancelling={cancelling} cancelError={cancelError} />
      )}
    </section>
  );
}
