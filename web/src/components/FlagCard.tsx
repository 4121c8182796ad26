// Submit the flag of a running lab. The server checks it against the flags
// the running instance planted (a fresh one at each start when the lab
// declares x-dsp.flag) and limits submissions; the answer is announced
// (role=status) as "Correct" or "Wrong flag", never by colour alone.
import { useEffect, useState } from 'react';
import { api, errorMessage, type FlagResult } from '../api';
import { Icon } from './Icons';
import './FlagCard.css';

export function FlagCard({
  repo,
  lab,
  instance,
  running,
  perInstance,
}: {
  repo: string;
  lab: string;
  /** the lab instance whose flag is checked (each instance has its own) */
  instance: string;
  /** the instance runs: its flags exist only then */
  running: boolean;
  /** each start plants a fresh flag (x-dsp.flag) */
  perInstance: boolean;
}) {
  const [flag, setFlag] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<FlagResult | null>(null);
  const [error, setError] = useState('');

  // a stopped lab has no flag any more; a new start plants another
  useEffect(() => {
    if (!running) {
      setResult(null);
      setError('');
      if (perInstance) setFlag('');
    }
  }, [running, perInstance]);

  const submit = async () => {
    const f = flag.trim();
    if (!f || !running) return;
    setSending(true);
    setError('');
    setResult(null);
    try {
      setResult(await api.submitFlag(repo, lab, f, instance));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="card section flag-card" data-testid="flag-card">
      <div className="section-head">
        <h2>
          Flag <span className="section-sub">found it? submit it here</span>
        </h2>
      </div>
      <form
        className="flag-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="sr-only" htmlFor="flag-input">
          Flag
        </label>
        <input
          id="flag-input"
          type="text"
          className="mono"
          value={flag}
          onChange={(e) => setFlag(e.target.value)}
          placeholder="FLAG{…}"
          autoComplete="off"
          spellCheck={false}
          maxLength={1024}
          disabled={!running}
          aria-describedby="flag-hint"
          data-testid="flag-input"
        />
        <button type="submit" className="btn btn-primary" disabled={!running || sending || !flag.trim()} data-testid="flag-submit">
          <Icon name="check" /> {sending ? 'Checking…' : 'Submit'}
        </button>
      </form>
      <p id="flag-hint" className="muted small hint">
        {running
          ? perInstance
            ? 'Each start of the lab plants a fresh flag: submit the one of this run.'
            : 'Submit the flag you found in the lab.'
          : 'Start the lab to submit a flag: its flags exist only while it runs.'}
      </p>
      <div aria-live="polite" role="status" data-testid="flag-result" data-correct={result ? String(result.correct) : ''}>
        {result && (
          <div className={`flag-result ${result.correct ? 'flag-result-ok' : 'flag-result-bad'}`}>
            <Icon name={result.correct ? 'check' : 'x'} size={18} />
            <div>
              <strong>{result.correct ? 'Correct' : 'Wrong flag'}</strong>
              <div className="small">{result.message}</div>
            </div>
          </div>
        )}
      </div>
      {error && (
        <div className="alert alert-error" role="alert" data-testid="flag-error">
          {error}
        </div>
      )}
    </section>
  );
}
