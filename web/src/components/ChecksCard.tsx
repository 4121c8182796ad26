// A lab's checks (x-dsp.checks) with the result of its last test or checks
// run, and the two ways to run them:
//  - "Run checks": the checks only, against the running lab;
//  - "Test lab": the whole cycle (start, checks, solution, flag, stop) on a
//    separate instance named "test", so the running lab is left alone.
// The live log of the run shows here; the page reloads the lab (and so
// lastTest) when the operation ends.
import type { CheckDef, LabDetail, TestStep } from '../api';
import { duration } from '../format';
import { LastRun, ResultTag, STEP_TITLE, StepDetail } from './CheckResults';
import type { OpLog } from '../events';
import { Icon } from './Icons';
import { operationTitle, ProgressLog } from './ProgressLog';
import './ChecksCard.css';

/** What a check does, in a few words (what `dsp lab show` says). */
function describe(c: CheckDef): string {
  switch (c.kind) {
    case 'command': {
      const argv = c.command ?? [];
      const cmd = argv.length === 3 && argv[0] === 'sh' && argv[1] === '-c' ? argv[2] : argv.join(' ');
      const want = c.exitCode ? ` (exit code ${c.exitCode})` : '';
      return `$ ${cmd}${want}`;
    }
    case 'tcp':
      return c.unreachable ? `${c.target ?? ''} is unreachable` : `connect to ${c.target ?? ''}`;
    case 'http':
      if (c.unreachable) return `${c.target ?? ''} is unreachable`;
      return `GET ${c.target ?? ''}${c.status && c.status !== 200 ? ` → ${c.status}` : ''}`;
    case 'healthy':
      return 'its healthcheck reports healthy';
    default:
      return c.kind;
  }
}

export function ChecksCard({
  lab,
  running,
  busy,
  op,
  onRun,
}: {
  lab: LabDetail;
  /** the lab's own instance runs (checks need it) */
  running: boolean;
  /** an operation runs on the lab, or a request is on its way */
  busy: boolean;
  /** the lab's latest operation (its log shows here when it is a test or checks run) */
  op: OpLog | undefined;
  onRun: (kind: 'checks' | 'test') => void;
}) {
  const checks = lab.checks ?? [];
  const report = lab.lastTest ?? null;
  const steps = report?.steps ?? [];
  const checkStep = new Map<string, TestStep>();
  for (const s of steps) if (s.kind === 'check') checkStep.set(s.name, s);
  const otherSteps = steps.filter((s) => s.kind !== 'check');
  const ours = op && (op.kind === 'checks' || op.kind === 'test') ? op : undefined;
  const runningHere = ours?.state === 'running';
  const canCheck = running && !busy && checks.length > 0 && lab.valid !== false;
  const checkWhy = checks.length === 0 ? 'This lab declares no checks.' : !running ? 'Start the lab to run its checks.' : busy ? 'Wait for the current operation to end.' : '';

  return (
    <section className="card section checks" data-testid="checks-card">
      <div className="section-head">
        <h2>
          Checks
          <span className="section-sub">
            {checks.length === 0 ? 'none declared' : `${checks.length} check${checks.length === 1 ? '' : 's'}`}
            {lab.solve ? ' · solution script' : ''}
            {lab.flag ? ' · flag' : ''}
          </span>
        </h2>
        <div className="row-actions">
          <button
            type="button"
            className="btn"
            disabled={!canCheck}
            onClick={() => onRun('checks')}
            title={checkWhy || 'Run the checks against the running lab'}
            data-testid="run-checks"
          >
            <Icon name="check" /> {runningHere && ours?.kind === 'checks' ? 'Checking…' : 'Run checks'}
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() => onRun('test')}
            title="Start a separate instance, run the checks, the solution and the flag, then remove it"
            data-testid="test-lab"
          >
            <Icon name="play" /> {runningHere && ours?.kind === 'test' ? 'Testing…' : 'Test lab'}
          </button>
        </div>
      </div>
      <p className="muted small hint">
        <strong>Run checks</strong> tests the running lab as it is now. <strong>Test lab</strong> proves the whole lab works: it
        starts a fresh, separate instance named “test”, waits until it is healthy, runs the checks, the solution script and the
        flag, and always removes it; the lab you are running is left alone.
      </p>

      {report ? (
        <LastRun report={report} />
      ) : (
        <p className="muted small" data-testid="last-run-none">
          Never tested yet.
        </p>
      )}

      {checks.length > 0 && (
        <div className="table-scroll">
          <table className="table checks-table" data-testid="checks">
            <thead>
              <tr>
                <th>Check</th>
                <th>Kind</th>
                <th>Service</th>
                <th>What it does</th>
                <th>Last result</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((c) => {
                const s = checkStep.get(c.name);
                return (
                  <tr key={c.name} data-check={c.name} data-status={s?.status ?? 'none'} data-testid="check-row">
                    <td>
                      <strong>{c.name}</strong>
                    </td>
                    <td>
                      <span className="tag kind-tag">{c.kind}</span>
                    </td>
                    <td className="mono small">{c.service}</td>
                    <td className="mono small wrap-anywhere">
                      {describe(c)}
                      {c.match && <div className="muted">{c.kind === 'http' ? 'body' : 'output'} matches /{c.match}/</div>}
                    </td>
                    <td>
                      <ResultTag status={s?.status} />
                      {s && s.status !== 'skipped' && <span className="muted small"> {duration(s.durationMs)}</span>}
                      {s && <StepDetail step={s} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {otherSteps.length > 0 && (
        <>
          <h3 className="checks-sub">Steps of the last {report?.mode === 'test' ? 'test' : 'run'}</h3>
          <ul className="test-steps" data-testid="test-steps">
            {otherSteps.map((s, i) => (
              <li key={i} data-step={s.kind} data-status={s.status}>
                <span className="test-step-name">{STEP_TITLE[s.kind] ?? s.kind}</span>
                <span>
                  <ResultTag status={s.status} />
                </span>
                <span className="muted small">{s.status !== 'skipped' ? duration(s.durationMs) : ''}</span>
                {s.status === 'failed' ? (
                  <StepDetail step={s} />
                ) : (
                  <span className="small test-step-msg">{s.message}</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      {ours &&
        (runningHere ? (
          <div className="checks-log">
            <h3 className="checks-sub">
              {operationTitle(ours.kind)} <span className="section-sub">in progress</span>
            </h3>
            <ProgressLog op={ours} />
          </div>
        ) : (
          <details className="checks-log">
            <summary>
              Log of the last {ours.kind === 'test' ? 'test' : 'checks run'} ({ours.state})
            </summary>
            <ProgressLog op={ours} />
          </details>
        ))}
    </section>
  );
}
