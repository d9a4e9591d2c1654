// What every bench page shares (served by bench/lib/server.mjs beside the pages).

/** Sends the page's figures to the bench (bench/lib/browser.mjs directPage waits for them). */
export const send = (result) => fetch('result', { method: 'POST', body: JSON.stringify(result) });

/** With `?settled`: waits until a second after the page's load event, as the playground starts
 *  its engines on the visitor's first interaction, long after load. Started at once instead,
 *  2 bare workers took 40 to 90 ms on this machine, against 14 to 25 ms settled. */
export async function settleIfAsked() {
  if (!new URLSearchParams(location.search).has('settled')) return;
  if (document.readyState !== 'complete') await new Promise((done) => addEventListener('load', done, { once: true }));
  await new Promise((done) => setTimeout(done, 1000));
}
