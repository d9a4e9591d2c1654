// Page entry: instantiate the plain module; its start function builds the UI and window.threadlab.
import init from '../pkg/app.js';

init({ module_or_path: new URL('../pkg/app_bg.wasm', import.meta.url) }).catch((e) => {
  const box = document.getElementById('error');
  box.textContent = `threadlab could not start: ${e}`;
  box.hidden = false;
});
