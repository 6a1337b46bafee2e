// report_checks.js — strict checks of what a report run renders (issue 11):
// HTML that is well formed (every element closed in order, void elements
// never closed, attributes quoted, no stray '<' or '&', no script, SVG,
// event handler or remote image), text lines within 78 characters
// (a line holding a URL excepted), and RFC 4180 CSV parsed back.
//
// No HTML library here is strict (htmlparser2 repairs what it reads), so
// the checker is this small tokenizer; it is for the HTML our templates
// write, not for HTML at large.  checkRendered asserts all of it on an
// archived run (reports.test.js, reports_demo.test.js).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta',
  'source', 'track', 'wbr']);

/** Problems with html as a list of strings (empty: well formed). */
export function htmlProblems(html) {
  const problems = [];
  const stack = [];
  let roots = 0;
  const tokens = /<!--[\s\S]*?-->|<!DOCTYPE html>|<\/([a-z][a-z0-9]*)\s*>|<([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"<]*")?)*)\s*>|([^<]+)|(<)/gy;
  let m;
  while ((m = tokens.exec(html)) !== null) {
    const [all, close, open, attrs, text, stray] = m;
    const at = `at ${m.index}`;
    if (stray) { problems.push(`a stray or malformed tag ${at}: ${html.slice(m.index, m.index + 40)}`); break; }
    if (text !== undefined) {
      const amp = text.replace(/&(?:[a-z]+|#[0-9]+|#x[0-9a-f]+);/gi, '');
      if (amp.includes('&')) problems.push(`an unescaped & ${at}`);
      if (text.includes('>')) problems.push(`an unescaped > ${at}`);
      if (stack.length === 0 && text.trim() !== '') problems.push(`text outside <html> ${at}`);
      continue;
    }
    if (open) {
      if (['script', 'svg', 'iframe', 'object', 'embed', 'form'].includes(open)) problems.push(`<${open}> ${at}`);
      if (/\son[a-z]+=/i.test(attrs)) problems.push(`an event handler attribute ${at}`);
      if (open === 'img' && /src="https?:/i.test(attrs)) problems.push(`a remote image ${at}`);
      if (/url\(/i.test(attrs)) problems.push(`a url() in a style ${at}`);
      if (stack.length === 0) roots++;
      if (!VOID.has(open)) stack.push(open);
      continue;
    }
    if (close) {
      if (VOID.has(close)) { problems.push(`</${close}> closes a void element ${at}`); continue; }
      const top = stack.pop();
      if (top !== close) problems.push(`</${close}> closes <${top ?? 'nothing'}> ${at}`);
    }
    void all;
  }
  if (tokens.lastIndex !== 0 && tokens.lastIndex < html.length && problems.length === 0) {
    problems.push(`unparsed from ${tokens.lastIndex}`);
  }
  if (stack.length) problems.push(`not closed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  if (!/^<!DOCTYPE html>/.test(html)) problems.push('no <!DOCTYPE html> first');
  return problems;
}

/** Lines of text longer than 78 characters that hold no URL. */
export function longLines(text) {
  return text.split(/\r?\n/).filter((l) => [...l].length > 78 && !/https?:\/\//.test(l));
}

/** RFC 4180: every record ends with CRLF; quoted fields double their quotes. */
export function parseCsv(csv) {
  const rows = [];
  let i = 0;
  while (i < csv.length) {
    const row = [];
    for (;;) {
      let field = '';
      if (csv[i] === '"') {
        i++;
        for (;;) {
          if (i >= csv.length) throw new Error('unterminated quoted field');
          if (csv[i] === '"') {
            if (csv[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          field += csv[i++];
        }
      } else {
        while (i < csv.length && csv[i] !== ',' && csv[i] !== '\r' && csv[i] !== '\n') {
          if (csv[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
          field += csv[i++];
        }
      }
      row.push(field);
      if (csv[i] === ',') { i++; continue; }
      if (csv.startsWith('\r\n', i)) { i += 2; break; }
      throw new Error(`a record not ended by CRLF at ${i}`);
    }
    rows.push(row);
  }
  return rows;
}

/** The CSV fields a report's JSON `csv` table should give (worker/csv.h):
 * text as it is (a formula-looking one after an apostrophe), null empty;
 * numbers stay numbers here and are compared by value (csvMismatches). */
export function expectedCsv(table) {
  const field = (v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    if (typeof v === 'number') return v;
    return String(v);
  };
  return [table.columns.map(field), ...table.rows.map((row) => row.map(field))];
}

/** Where parsed CSV rows differ from expectedCsv's (empty: the same rows). */
export function csvMismatches(parsed, expected) {
  const out = [];
  if (parsed.length !== expected.length) out.push(`${parsed.length} records, expected ${expected.length}`);
  for (let r = 0; r < Math.min(parsed.length, expected.length); r++) {
    if (parsed[r].length !== expected[r].length) { out.push(`record ${r}: ${parsed[r].length} fields`); continue; }
    for (let c = 0; c < parsed[r].length; c++) {
      const e = expected[r][c];
      const ok = typeof e === 'number' ? parsed[r][c] !== '' && Number(parsed[r][c]) === e : parsed[r][c] === e;
      if (!ok) out.push(`record ${r} field ${c}: ${JSON.stringify(parsed[r][c])} != ${JSON.stringify(e)}`);
    }
  }
  return out;
}

const sha = (t) => crypto.createHash('sha256').update(t, 'utf8').digest('hex');

/** Every check a rendered run (a scc.report_runs row as JSON: state, data,
 * html, text, csv and their sha256) must pass. */
export function checkRendered(r, what) {
  assert.equal(r.state, 'done', `${what}: ${r.error}`);
  assert.deepEqual(htmlProblems(r.html), [], `${what}: the HTML is well formed`);
  assert.deepEqual(longLines(r.text), [], `${what}: text lines within 78 characters`);
  assert.deepEqual(csvMismatches(parseCsv(r.csv), expectedCsv(r.data.csv)), [], `${what}: the CSV is the JSON's table`);
  assert.equal(r.html_sha256, sha(r.html));
  assert.equal(r.text_sha256, sha(r.text));
  assert.equal(r.csv_sha256, sha(r.csv));
}
