// Loads the view module (crates/view: what makes and shows reports) on the visitor's first touch or the
// first run, so a visit starts without it. The browser only offers import() to JavaScript.
export async function loadView(glue, wasm) {
  const view = await import(glue);
  await view.default({ module_or_path: wasm });
  return view;
}
