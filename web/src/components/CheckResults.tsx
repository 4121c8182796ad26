// The results of a lab's last test or checks run: pass/fail tags, a failed
// step's message and output, and the run itself (mode, instance, when, how long).
import { DEFAULT_INSTANCE, type TestReport, type TestStatus, type TestStep } from '../api';
import { clock, duration, timeAgo } from '../format';
import { Icon } from './Icons';
import './CheckResults.css';

const STATUS_TEXT: Record<TestStatus, string> = { passed: 'passed', failed: 'failed', skipped: 'skipped' };

/** A pass/fail/skip result: colour, icon and word (never colour alone). */
export function ResultTag({ status, testid }: { status: TestStatus | undefined; testid?: string }) {
  if (!status) {
    return (
      <span className="tag" data-status="none" data-testid={testid}>
        not run
      </span>
    );
  }
  const tone = status === 'passed' ? 'tag-ok' : status === 'failed' ? 'tag-bad' : '';
  const icon = status === 'passed' ? 'check' : status === 'failed' ? 'x' : 'info';
  return (
    <span className={`tag result-tag ${tone}`} data-status={status} data-testid={testid}>
      <Icon name={icon} size={12} /> {STATUS_TEXT[status] ?? status}
    </span>
  );
}

export const STEP_TITLE: Record<string, string> = {
  validate: 'Validate',
  up: 'Start',
  healthy: 'Healthy',
  check: 'Check',
  solve: 'Solution',
  flag: 'Flag',
  down: 'Stop',
};

export function StepDetail({ step }: { step: TestStep }) {
  if (step.status !== 'failed' && !step.message) return null;
  return (
    <div className={`step-detail${step.status === 'failed' ? ' step-detail-failed' : ''}`}>
      {step.message && <div className="step-message">{step.message}</div>}
      {step.status === 'failed' && step.output && (
        <pre className="step-output" data-testid="step-output">
          {step.output}
        </pre>
      )}
    </div>
  );
}

export function LastRun({ report }: { report: TestReport }) {
  const started = Date.parse(report.started);
  return (
    <div className={`last-run last-run-${report.status}`} data-testid="last-run" data-status={report.status} data-mode={report.mode}>
      <span className="last-run-title">
        Last {report.mode === 'test' ? 'test' : 'checks run'}
      </span>
      <ResultTag status={report.status} />
      <span className="muted small">
        {report.mode === 'test'
          ? `full cycle on instance “${report.instance}”`
          : report.instance && report.instance !== DEFAULT_INSTANCE
            ? `checks on the running instance “${report.instance}”`
            : 'checks on the running lab'}
        {' · '}
        {Number.isNaN(started) ? report.started : `${clock(report.started)} (${timeAgo(started / 1000)})`}
        {' · '}
        took {duration(report.durationMs)}
      </span>
    </div>
  );
}
