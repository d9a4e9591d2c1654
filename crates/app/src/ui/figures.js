// Loads the figures module (crates/figures: the charts) when the page first has a result to
// draw, so a visit starts without it. The browser only offers import() to JavaScript.
export async function loadFigures(glue, wasm) {
  const figures = await import(glue);
  await figures.default({ module_or_path: wasm });
  return figures;
}
