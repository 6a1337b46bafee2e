// waivertext.js — a waiver's text, in the small safe format it is stored
// in, made into DOM nodes by our own code.  Never HTML: whatever the text
// holds (markup included) ends up in text nodes, so a waiver can show only
// paragraphs, headings, lists and bold, and nothing a browser would run.
//
// The format (sql/README.md, "Waivers"), line by line:
//   # Heading          a heading (h2); ## Heading, a smaller one (h3)
//   - item             a list item; consecutive items make one list
//   (blank line)       ends a paragraph or a list
//   any other line     part of a paragraph (lines joined with a space)
//   **bold**           inside any of them, bold text; an unpaired ** is text
// The text is stored exactly as it is shown (its SHA-256 is the version's
// hash), so rendering never changes it, only lays it out.
import { h } from './dom.js';

// inline(s): text nodes and <strong> for **...** pairs.
export function inline(s) {
  const out = [];
  let rest = s;
  for (;;) {
    const open = rest.indexOf('**');
    const close = open < 0 ? -1 : rest.indexOf('**', open + 2);
    if (open < 0 || close < 0) {
      if (rest) out.push(rest);
      return out;
    }
    if (open > 0) out.push(rest.slice(0, open));
    out.push(h('strong', {}, rest.slice(open + 2, close)));
    rest = rest.slice(close + 2);
  }
}

// blocks(text) -> [{kind: 'h2'|'h3'|'p'|'ul', text | items}]: the structure,
// without the DOM (the editor's preview and its change view use it too).
export function blocks(text) {
  const out = [];
  let para = null;
  let list = null;
  const end = () => { para = null; list = null; };
  for (const raw of String(text).replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '') { end(); continue; }
    const heading = /^(#{1,2})\s+(.*)$/.exec(line);
    if (heading) {
      end();
      out.push({ kind: heading[1].length === 1 ? 'h2' : 'h3', text: heading[2] });
      continue;
    }
    const item = /^-\s+(.*)$/.exec(line);
    if (item) {
      para = null;
      if (!list) { list = { kind: 'ul', items: [] }; out.push(list); }
      list.items.push(item[1]);
      continue;
    }
    list = null;
    if (!para) { para = { kind: 'p', text: line }; out.push(para); } else { para.text += ` ${line}`; }
  }
  return out;
}

// renderWaiver(text) -> a <div class="waiver-text"> of the text's blocks.
export function renderWaiver(text) {
  return h('div', { class: 'waiver-text' },
    blocks(text).map((b) => (b.kind === 'ul'
      ? h('ul', {}, b.items.map((i) => h('li', {}, inline(i))))
      : h(b.kind, {}, inline(b.text)))));
}
