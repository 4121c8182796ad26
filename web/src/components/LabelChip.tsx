// A lab label in its own colour, with a text colour that stays readable.
import type { Label } from '../api';
import { safeColor, textOn } from '../format';
import './LabelChip.css';

interface Props {
  label: Label;
  active?: boolean;
  onClick?: (name: string) => void;
}

export function LabelChip({ label, active, onClick }: Props) {
  const bg = safeColor(label.color, '');
  const style = bg ? { background: bg, color: textOn(bg), borderColor: bg } : undefined;
  const cls = `chip${active ? ' chip-active' : ''}${onClick ? ' chip-button' : ''}${bg ? '' : ' chip-plain'}`;
  if (onClick) {
    return (
      <button
        type="button"
        className={cls}
        style={style}
        title={label.description || `Filter by ${label.name}`}
        aria-pressed={active ?? false}
        onClick={(e) => {
          e.preventDefault();
          e.stopPropagation();
          onClick(label.name);
        }}
      >
        {label.name}
      </button>
    );
  }
  return (
    <span className={cls} style={style} title={label.description || undefined}>
      {label.name}
    </span>
  );
}
