// The lab page's header: the way back, the title with the instance's state,
// id, author and format, the labels, and Start / Stop (of the page's instance,
// named beside the state when it is not the default one).
import { DEFAULT_INSTANCE, type LabDetail, type LabState } from '../../api';
import { Icon } from '../../components/Icons';
import { LabelChip } from '../../components/LabelChip';
import { StateBadge } from '../../components/StateBadge';
import './LabHeader.css';

export function BackLink() {
  return (
    <a className="back" href="#/">
      <Icon name="back" /> Labs
    </a>
  );
}

export interface HeaderActions {
  canStart: boolean;
  canStop: boolean;
  /** the buttons say "Starting…" / "Stopping…" */
  starting: boolean;
  stopping: boolean;
  /** why Start is refused, as a tooltip */
  startTitle?: string;
  /** why Start is refused, said under the buttons before anyone clicks */
  startNote?: string;
  onStart: () => void;
  onStop: () => void;
}

export function LabHeader({
  lab,
  instance,
  state,
  actions,
}: {
  lab: LabDetail;
  /** the instance the page works on: named beside the title unless it is the default one */
  instance: string;
  state: LabState;
  actions: HeaderActions;
}) {
  const labels = lab.labels ?? [];
  return (
    <header className="lab-head">
      <div className="lab-head-main">
        <div className="lab-title-row">
          <h1 className="page-title">{lab.title || lab.name}</h1>
          <StateBadge state={state} />
          {instance !== DEFAULT_INSTANCE && (
            <span className="instance-chip" title="The instance of the lab this page shows" data-testid="current-instance">
              instance <strong className="mono">{instance}</strong>
            </span>
          )}
        </div>
        <div className="lab-meta muted">
          <span className="mono">{lab.id || `${lab.repo}/${lab.name}`}</span>
          {lab.author && <span>by {lab.author}</span>}
          {lab.format && <span>{lab.format === 'upstream' ? 'DSP lab' : 'native lab'}</span>}
          <span data-testid="repo-trust" data-trusted={String(!!lab.trusted)}>
            {lab.trusted ? 'trusted repository' : 'repository not trusted'}
          </span>
        </div>
        {labels.length > 0 && (
          <div className="chips">
            {labels.map((l) => (
              <LabelChip key={l.name} label={l} />
            ))}
          </div>
        )}
      </div>
      <div className="lab-actions-col">
        <div className="lab-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={!actions.canStart}
            onClick={actions.onStart}
            data-testid="start"
            title={actions.startTitle}
            aria-describedby={actions.startNote ? 'start-note' : undefined}
          >
            <Icon name="play" /> {actions.starting ? 'Starting…' : 'Start'}
          </button>
          <button type="button" className="btn btn-danger" disabled={!actions.canStop} onClick={actions.onStop} data-testid="stop">
            <Icon name="stop" /> {actions.stopping ? 'Stopping…' : 'Stop'}
          </button>
        </div>
        {actions.startNote && (
          <p className="start-note small" id="start-note" data-testid="start-note">
            {actions.startNote}
          </p>
        )}
      </div>
    </header>
  );
}
