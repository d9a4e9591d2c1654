// Page entry. `window.threadlab.ready` exists from the start (the contract); it resolves once
// the plain module is running (its start function installs the rest of the API) and the page
// will not reload to become cross-origin isolated, and rejects if it cannot start.
import init, { isolation_settled } from '../pkg/app.js';

let settle;
window.threadlab = { ready: new Promise((resolve, reject) => { settle = { resolve, reject }; }) };

init({ module_or_path: new URL('../pkg/app_bg.wasm', import.meta.url) }).then(isolation_settled).then(
  () => {
    // When the page became ready, on the page's own clock: what the bench reads in every engine.
    performance.mark('threadlab:ready');
    settle.resolve(true);
  },
  (e) => {
    settle.reject(e);
    const box = document.getElementById('error');
    box.textContent = `threadlab could not start: ${e}`;
    box.hidden = false;
  },
);
