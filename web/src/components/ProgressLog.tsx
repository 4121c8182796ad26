// The live log of one operation: one row per progress event (time, step,
// target, status, message), action output included; follows the tail while
// the user has not scrolled up.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { ProgressEvent } from '../api';
import { clock } from '../format';
import type { OpLog } from '../events';
import { Icon } from './Icons';
import './ProgressLog.css';

const KIND_TITLE: Record<string, string> = {
  up: 'Start',
  down: 'Stop',
  build: 'Build',
  pull: 'Pull',
  test: 'Test',
  checks: 'Checks',
  clone: 'Clone',
  update: 'Update',
  publish: 'Publish',
  apply: 'Apply',
};

export function operationTitle(kind: string): string {
  return KIND_TITLE[kind] ?? kind;
}

function StatusIcon({ status }: { status: ProgressEvent['status'] }) {
  switch (status) {
    case 'working':
      return <span className="spinner" role="img" aria-label="working" />;
    case 'done':
      return (
        <span className="st st-done" role="img" aria-label="done">
          <Icon name="check" size={14} />
        </span>
      );
    case 'warning':
      return (
        <span className="st st-warning" role="img" aria-label="warning">
          <Icon name="warn" size={14} />
        </span>
      );
    case 'error':
      return (
        <span className="st st-error" role="img" aria-label="error">
          <Icon name="x" size={14} />
        </span>
      );
    default:
      return <span className="st st-info" role="img" aria-label="info">·</span>;
  }
}

export function ProgressLog({ op, empty }: { op: OpLog | undefined; empty?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const count = op?.events.length ?? 0;

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [count, op?.id]);

  useEffect(() => {
    stick.current = true;
  }, [op?.id]);

  if (!op) {
    return <div className="log log-empty">{empty ?? 'No operation yet.'}</div>;
  }
  // A finished operation has no row "working" any more: a step still shown
  // as working was superseded; show it as a plain line.
  return (
    <div
      className="log"
      ref={box}
      data-testid="progress-log"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {op.events.length === 0 && <div className="log-row log-muted">Waiting for the first step…</div>}
      {op.events.map((ev, i) => {
        const output = ev.step === 'action' && ev.status === 'info';
        const status = ev.status === 'working' && op.state !== 'running' ? 'info' : ev.status;
        return (
          <div key={i} className={`log-row log-${ev.status}${output ? ' log-output' : ''}`} data-step={ev.step}>
            <span className="log-time">{clock(ev.time)}</span>
            <span className="log-icon">
              <StatusIcon status={status} />
            </span>
            <span className="log-body">
              {!output && <span className="log-step">{ev.step}</span>}
              {!output && ' '}
              {ev.target && <span className="log-target">{ev.target}</span>}
              {ev.target && ' '}
              <span className="log-msg">{ev.message}</span>
              {typeof ev.percent === 'number' && ev.percent > 0 && ev.percent < 100 && (
                <span className="mini-bar" aria-label={`${ev.percent}%`}>
                  <span style={{ width: `${ev.percent}%` }} />
                </span>
              )}
            </span>
          </div>
        );
      })}
    </div>
  );
}
