import { api, session } from '../api.js';
import { field, h, message, render } from '../dom.js';

/** Sign in with an API token; it is checked against /v1/me and kept in sessionStorage only. */
export async function showSignin(main) {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, size: 60 });
  const status = h('div', {});
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (event) => {
        event.preventDefault();
        session.set(input.value.trim());
        try {
          await api('/v1/me');
          location.hash = '#/queue';
        } catch (error) {
          session.clear();
          render(status, message(`Sign-in failed: ${error.message}`, 'error'));
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste an API token (created with `distillguard token create`). It stays in this browser tab only.'),
    field('Token', input),
    h('button', { type: 'submit' }, 'Sign in'),
    status,
  );
  render(main, form);
  input.focus();
}
