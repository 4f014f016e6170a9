// Hash router of the triage UI: #/queue (cases), #/case/ID, #/alerts, #/alert/ID, #/key/ID, #/cluster/ID, #/actions,
// #/suppressions, #/investigate, #/signin.
import { me, session } from './api.js';
import { h, message, render } from './dom.js';
import { showActions } from './views/actions.js';
import { showAlert } from './views/alert.js';
import { showAlerts } from './views/alerts.js';
import { showCase } from './views/case.js';
import { showCluster } from './views/cluster.js';
import { showInvestigate } from './views/investigate.js';
import { showKey } from './views/key.js';
import { showQueue } from './views/queue.js';
import { showSignin } from './views/signin.js';
import { showSuppressions } from './views/suppressions.js';

const VIEWS = {
  signin: showSignin,
  queue: showQueue,
  case: showCase,
  alerts: showAlerts,
  alert: showAlert,
  key: showKey,
  cluster: showCluster,
  actions: showActions,
  investigate: showInvestigate,
  suppressions: showSuppressions,
};

async function showWho() {
  const who = document.getElementById('who');
  const signout = document.getElementById('signout');
  if (!session.token()) {
    render(who);
    signout.hidden = true;
    return;
  }
  const principal = await me();
  render(who, principal ? `${principal.name} · ${principal.role}` : '');
  signout.hidden = false;
  // A menu entry shows only for roles its page's API allows, so no page in the menu answers 403.
  for (const a of document.querySelectorAll('#nav a[data-roles]'))
    a.hidden = !principal || !a.dataset.roles.split(' ').includes(principal.role);
}

async function route() {
  const [name, ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const main = document.getElementById('main');
  if (!session.token() && name !== 'signin') {
    location.hash = '#/signin';
    return;
  }
  const view = VIEWS[name] ?? VIEWS.queue;
  render(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    await view(main, ...args);
  } catch (error) {
    render(main, message(`${error.message}`, 'error'));
  }
  showWho();
}

document.getElementById('signout').addEventListener('click', () => {
  session.clear();
  location.hash = '#/signin';
});
window.addEventListener('hashchange', route);
route();
