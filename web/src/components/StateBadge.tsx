// A lab (or container) state as a coloured pill.
import './StateBadge.css';

const KNOWN: Record<string, string> = {
  running: 'ok',
  starting: 'busy',
  stopping: 'busy',
  building: 'busy',
  pulling: 'busy',
  stopped: 'idle',
  exited: 'bad',
  created: 'idle',
  missing: 'idle',
  degraded: 'bad',
  incomplete: 'bad',
  failed: 'bad',
  dead: 'bad',
  restarting: 'busy',
  paused: 'busy',
  unknown: 'idle',
  invalid: 'bad',
};

export function stateTone(state: string): string {
  return KNOWN[state] ?? 'idle';
}

export function StateBadge({ state, title }: { state: string; title?: string }) {
  const tone = stateTone(state);
  return (
    <span className={`badge badge-${tone}`} title={title} data-state={state}>
      <span className={`dot ${tone === 'busy' ? 'pulse' : ''}`} aria-hidden="true" />
      {state || 'unknown'}
    </span>
  );
}
