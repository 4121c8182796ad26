// Lab texts on the lab page.

/** A lab text without its own leading heading naming the section ("# Goal"): the page writes one. */
export function withoutOwnHeading(text: string, word: string): string {
  return text
    .replace(new RegExp(`^\\s*#{1,4}[ \\t]*${word}[ \\t]*:?[ \\t]*#*[ \\t]*(\\r?\\n|$)`, 'i'), '')
    .replace(new RegExp(`^\\s*<h[1-6][^>]*>\\s*${word}\\s*:?\\s*</h[1-6]>`, 'i'), '');
}
