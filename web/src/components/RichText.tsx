// Lab text (goal, solution, description) rendered from Markdown or HTML,
// always sanitised (see rich.ts).
import { useMemo } from 'react';
import { toSafeHtml } from '../rich';
import './RichText.css';

export function RichText({ text, format, className }: { text: string; format: string; className?: string }) {
  const html = useMemo(() => toSafeHtml(text, format), [text, format]);
  if (!html.trim()) return null;
  return <div className={`prose ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
