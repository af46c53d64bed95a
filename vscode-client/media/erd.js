// ER diagram webview: renders the Mermaid text the extension posts ({type: 'render', text}).
// Loaded with the nonce of the page's Content-Security-Policy, after media/vendor/mermaid.min.js.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const status = document.getElementById('status');
  const diagram = document.getElementById('diagram');
  const errorBox = document.getElementById('error');
  const zoom = document.getElementById('zoom');
  const body = document.body;
  const dark = body.classList.contains('vscode-dark') || body.classList.contains('vscode-high-contrast');

  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: dark ? 'dark' : 'default',
    er: { useMaxWidth: false },
  });

  let renders = 0;
  let actualSize = false;
  zoom.addEventListener('click', () => {
    actualSize = !actualSize;
    body.classList.toggle('actual-size', actualSize);
    zoom.textContent = actualSize ? 'Fit to width' : 'Actual size';
  });

  function showError(file, message) {
    status.textContent = `${file}: the diagram could not be drawn` + (diagram.childElementCount ? ' (showing the last one)' : '');
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  window.addEventListener('message', async (event) => {
    const message = event.data;
    if (!message || typeof message.type !== 'string') return;
    if (message.type === 'loading') {
      status.textContent = `${message.file}: generating…`;
    } else if (message.type === 'error') {
      showError(message.file, message.message);
    } else if (message.type === 'render') {
      const id = `erd-${++renders}`;
      try {
        const { svg } = await mermaid.render(id, message.text);
        if (id !== `erd-${renders}`) return; // a newer diagram arrived meanwhile
        diagram.innerHTML = svg;
        errorBox.hidden = true;
        status.textContent = `${message.file} · updated ${message.when}`;
      } catch (error) {
        document.getElementById(id)?.remove(); // mermaid leaves its error graphic in the body
        showError(message.file, String((error && error.message) || error));
      }
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
