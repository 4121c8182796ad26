// The live log of the instance's current or last operation.
import { operationTitle, ProgressLog } from '../../components/ProgressLog';
import type { OpLog } from '../../events';
import './ActivityCard.css';

export function ActivityCard({ op, isUp }: { op: OpLog | undefined; isUp: boolean }) {
  return (
    <section className="card section activity">
      <div className="section-head">
        <h2>
          Activity
          {op && (
            <span className="section-sub">
              {operationTitle(op.kind)} · {op.state === 'running' ? 'in progress' : op.state}
            </span>
          )}
        </h2>
      </div>
      <ProgressLog
        op={op}
        empty={
          isUp
            ? 'This lab was started before this page was opened (or from the command line): its start log is not here. Stop or restart it to follow each step.'
            : 'Start the lab to follow each step here: images, networks, containers, files and actions.'
        }
      />
    </section>
  );
}
