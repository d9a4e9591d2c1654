// For pages that embed threadlab: sizes each threadlab iframe to its content, which it reports
// by posting {threadlab: {height}}. Include once per page; it only ever changes iframe heights.
addEventListener('message', (event) => {
  const height = Number(event.data?.threadlab?.height);
  if (!(height > 0)) return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) frame.style.height = `${Math.ceil(height)}px`;
  }
});
