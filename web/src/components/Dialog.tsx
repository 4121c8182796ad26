// A modal <dialog> (role "dialog", named by its heading through
// aria-labelledby): shown with showModal() while `open`, closed otherwise;
// Escape or close() call onClose.
import { useEffect, useRef, type ReactNode } from 'react';
import './Dialog.css';

export function Dialog({
  open,
  onClose,
  labelId,
  describedBy,
  testId,
  wide,
  children,
}: {
  open: boolean;
  onClose: () => void;
  /** the id of the dialog's heading */
  labelId: string;
  describedBy?: string;
  testId?: string;
  /** room for a list or a table */
  wide?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`confirm-dialog${wide ? ' confirm-dialog-wide' : ''}`}
      aria-labelledby={labelId}
      aria-describedby={describedBy}
      onClose={onClose}
      data-testid={testId}
    >
      {children}
    </dialog>
  );
}
