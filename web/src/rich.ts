// Lab texts: Markdown (native labs) or HTML (upstream labs, written with
// TinyMCE by strangers). Whatever the format, the HTML that reaches the page
// goes through DOMPurify; links open in a new tab without an opener.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** Upstream DSP wrote {{hostname}} and {{url}} (http://hostname) in lab texts for the host the browser talks to. */
function withHostname(text: string): string {
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return text
    .replace(/\{\{\s*hostname\s*\}\}|%7B%7Bhostname%7D%7D/gi, host)
    .replace(/\{\{\s*url\s*\}\}|%7B%7Burl%7D%7D/gi, `http://${host}`);
}

export function toSafeHtml(text: string | undefined | null, format: 'html' | 'markdown' | string): string {
  if (!text) return '';
  const src = withHostname(text);
  const html = format === 'markdown' ? (marked.parse(src, { async: false, gfm: true }) as string) : src;
  return DOMPurify.sanitize(html, {
    ADD_ATTR: ['target'],
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
    FORBID_ATTR: ['style'],
  });
}

/** Plain text of a description (HTML for upstream labs), for the catalogue. */
export function toPlainText(text: string | undefined | null, format?: string): string {
  if (!text) return '';
  const looksHtml = format === 'html' || /<[a-z][\s\S]*>/i.test(text);
  if (!looksHtml) return text.replace(/\s+/g, ' ').trim();
  const clean = DOMPurify.sanitize(text, { RETURN_DOM: true }) as HTMLElement;
  return (clean.textContent ?? '').replace(/\s+/g, ' ').trim();
}
