// The lab's story: its description, its goal and (when it says more) its README.
import type { LabDetail } from '../../api';
import { RichText } from '../../components/RichText';
import { withoutOwnHeading } from './texts';
import './AboutCard.css';

export function AboutCard({ lab }: { lab: LabDetail }) {
  const fmt = lab.textFormat || 'markdown';
  return (
    <section className="card section about">
      {lab.description ? <RichText text={lab.description} format={fmt} className="lead" /> : <p className="muted">No description.</p>}
      {lab.goal && (
        <div className="goal">
          <h2>Goal</h2>
          <RichText text={withoutOwnHeading(lab.goal, 'goal')} format={fmt} />
        </div>
      )}
      {lab.readme && lab.readme.trim() !== lab.description.trim() && (
        <details className="readme">
          <summary>README</summary>
          <RichText text={lab.readme} format="markdown" />
        </details>
      )}
    </section>
  );
}
