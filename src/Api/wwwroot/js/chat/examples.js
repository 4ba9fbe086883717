/** The panel of example commands: a click puts the command in the message box; it can be hidden. */

const HIDDEN_KEY = 'chat.examplesHidden';

/**
 * @param {object} elements
 * @param {HTMLElement} elements.list the examples, buttons with `data-command`
 * @param {HTMLButtonElement} elements.toggle shows or hides the list
 * @param {HTMLInputElement} elements.input the message box
 */
export function setUpExamples({ list, toggle, input }) {
  const show = (visible) => {
    list.hidden = !visible;
    toggle.textContent = visible ? 'Hide' : 'Show';
    toggle.setAttribute('aria-expanded', String(visible));
  };
  show(localStorage.getItem(HIDDEN_KEY) !== 'true');

  toggle.addEventListener('click', () => {
    const visible = list.hidden;
    show(visible);
    localStorage.setItem(HIDDEN_KEY, String(!visible));
  });

  list.addEventListener('click', (event) => {
    const command = event.target.closest('[data-command]')?.dataset.command;
    if (!command) return;
    input.value = command;
    input.focus();
    input.setSelectionRange(command.length, command.length);
  });
}
