// What the attack-and-observe cards share: a refusal shown beside the field
// the API names (its `field`), the reason a card cannot act, a few formats.
import type { ReactNode } from 'react';
import { ApiError, errorMessage, type LabState } from '../../../api';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Icon } from '../../../components/Icons';

/** The message of a refusal when it names this field (or one of these), else ''. */
export function fieldMessage(error: unknown, ...fields: string[]): string {
  if (error instanceof ApiError && error.field && fields.includes(error.field)) return error.message;
  return '';
}

/** Whether a refusal names one of the form's fields (it is then shown there, not below the form). */
export function namesField(error: unknown, fields: readonly string[]): boolean {
  return error instanceof ApiError && !!error.field && fields.includes(error.field);
}

/** The message under a field: the server's words as they are (a 503 for a missing kernel feature included). */
export function FieldError({ id, error, testId }: { id?: string; error: string; testId: string }) {
  if (!error) return null;
  return (
    <p className="field-error" id={id} role="alert" data-testid={testId}>
      <Icon name="warn" size={13} />
      <span>{error}</span>
    </p>
  );
}

/** A refusal that names no field of the form: below it, with the server's message. */
export function FormError({ error, fields, lead, testId }: { error: unknown; fields: readonly string[]; lead: ReactNode; testId: string }) {
  if (error == null || namesField(error, fields)) return null;
  return <ErrorAlert error={error} lead={lead} testId={testId} />;
}

/** Why the lab's containers cannot be reached now, by the instance's state ('' when they can). */
export function notRunningWhy(state: LabState): string {
  switch (state) {
    case 'running':
    case 'degraded':
      return '';
    case 'starting':
      return 'The lab is starting: wait until it runs.';
    case 'stopping':
      return 'The lab is stopping.';
    case 'incomplete':
      return 'Some of the lab’s containers are missing: stop it and start it again.';
    case 'unknown':
      return 'The Docker Engine cannot be reached.';
    default:
      return 'Start the lab first: these work on its running containers.';
  }
}

/** "14:03:27", or "2 Dec 14:03" when it is not today. */
export function when(time: string | undefined): string {
  if (!time) return '—';
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return time;
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** A refusal as one line of text. */
export const messageOf = errorMessage;
