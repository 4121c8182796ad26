// The solution, hidden until asked for, with the setup steps dsp runs after
// the start (they hold users, passwords and flags, so they come with it).
import { useState } from 'react';
import type { LabDetail } from '../../api';
import { Icon } from '../../components/Icons';
import { RichText } from '../../components/RichText';
import { withoutOwnHeading } from './texts';
import './SolutionCard.css';

function SetupSteps({ actions }: { actions: LabDetail['actions'] }) {
  const list = [...(actions ?? [])].sort((a, b) => a.priority - b.priority);
  if (list.length === 0) return null;
  return (
    <>
      <h3>Setup steps</h3>
      <p className="muted small">What dsp runs inside the containers after they start, by priority.</p>
      <table className="table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Service</th>
            <th>Action</th>
            <th>Arguments</th>
          </tr>
        </thead>
        <tbody>
          {list.map((a, i) => (
            <tr key={i}>
              <td className="num">{a.priority}</td>
              <td>{a.service}</td>
              <td className="mono">{a.name}</td>
              <td className="mono small wrap-anywhere">
                {(a.args ?? []).map((x) => `${x.name}=${x.value}`).join('  ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function SolutionCard({ lab }: { lab: LabDetail }) {
  const [shown, setShown] = useState(false);
  if (!lab.solution) return null;
  return (
    <section className="card section solution" data-testid="solution">
      <div className="section-head">
        <h2>Solution</h2>
        {shown ? (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setShown(false)}>
            Hide
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => setShown(true)} data-testid="show-solution">
            <Icon name="eye" /> Show solution
          </button>
        )}
      </div>
      {shown ? (
        <>
          <RichText text={withoutOwnHeading(lab.solution, 'solution')} format={lab.textFormat || 'markdown'} />
          <SetupSteps actions={lab.actions} />
        </>
      ) : (
        <p className="muted small">Hidden until you ask for it: try the lab first.</p>
      )}
    </section>
  );
}
