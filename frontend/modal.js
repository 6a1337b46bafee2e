// modal.js — one dialog at a time, built on <dialog>: showModal() makes the
// rest of the page inert (focus stays inside, screen readers see only the
// dialog) and Escape closes it.  Actions run async; a failure is shown in
// the dialog and it stays open.

import { h, errorText } from './dom.js';

// openModal({title, content, actions: [{label, primary, run}]}) → a promise
// of the label of the action that closed it (null: dismissed).  An action's
// run() may return false to keep the dialog open.
export function openModal({ title, content, actions = [] }) {
  return new Promise((resolve) => {
    const status = h('p', { class: 'error', role: 'alert' });
    const titleId = `modal-title-${Math.random().toString(36).slice(2)}`;
    let result = null;
    const buttons = actions.map((a) => h('button', {
      type: 'button', class: a.primary ? 'primary' : null,
      on: { click: async (e) => {
        const b = e.currentTarget;
        b.disabled = true;
        status.textContent = '';
        try {
          if ((await a.run?.()) !== false) { result = a.label; dialog.close(); }
        } catch (err) {
          status.textContent = errorText(err);
        } finally {
          b.disabled = false;
        }
      } },
    }, a.label));
    const dialog = h('dialog', { 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      content,
      status,
      h('div', { class: 'row actions' }, buttons,
        h('button', { type: 'button', on: { click: () => dialog.close() } }, 'Close')));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
