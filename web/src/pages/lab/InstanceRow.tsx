// One instance of the lab in the Instances card: its name (a link to its
// page), its state, Open and Stop. A test run's instance cannot be stopped
// here: the test removes it itself.
import { TEST_INSTANCE, type LabState } from '../../api';
import { Icon } from '../../components/Icons';
import { StateBadge } from '../../components/StateBadge';

export function InstanceRow({
  item,
  href,
  current,
  stopping,
  onStop,
}: {
  item: { instance: string; state: LabState };
  href: string;
  current: boolean;
  stopping: boolean;
  onStop: () => void;
}) {
  const { instance, state } = item;
  const isTest = instance === TEST_INSTANCE;
  return (
    <tr data-instance={instance} data-state={state} data-testid="instance-row">
      <td>
        <a href={href} className="mono instance-name" aria-current={current ? 'page' : undefined}>
          {instance}
        </a>
        {current && <span className="tag">this page</span>}
        {isTest && <span className="tag">a Test lab run</span>}
      </td>
      <td>
        <StateBadge state={state} />
      </td>
      <td className="actions-cell">
        <span className="row-actions">
          {!current && (
            <a className="btn btn-sm" href={href} data-testid="instance-open">
              Open
            </a>
          )}
          {!isTest && state !== 'stopped' && (
            <button
              type="button"
              className="btn btn-sm btn-danger"
              disabled={stopping || state === 'stopping'}
              onClick={onStop}
              title={`Stop the instance ${instance} and remove its containers`}
              data-testid="instance-stop"
            >
              <Icon name="stop" size={14} /> {stopping || state === 'stopping' ? 'Stopping…' : 'Stop'}
            </button>
          )}
        </span>
      </td>
    </tr>
  );
}
