// sitegen preview: reloads the page when a build that includes a change has
// finished, swaps stylesheets without a reload, keeps the scroll position,
// and shows build errors over the page. Injected by `sitegen serve` only.
(() => {
  "use strict";
  const me = document.currentScript;
  let seenBuild = Number(me && me.dataset.build || 0);
  const scrollKey = "sitegen-scroll:" + location.pathname;
  let source = null;
  // This page's file in the output folder, as build events name it.
  const path = decodeURIComponent(location.pathname).replace(/^\//, "");
  const ownFile = path === "" || path.endsWith("/") ? path + "index.html" : path;

  const saved = sessionStorage.getItem(scrollKey);
  if (saved) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = JSON.parse(saved);
    const restore = () => window.scrollTo(x, y);
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore, { once: true });
    restore();
  }

  function reload() {
    sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    location.reload();
  }

  function swapStylesheets() {
    const stamp = Date.now();
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("sitegen", stamp);
      link.href = url.toString();
    }
  }

  function paint(element, declarations) {
    for (const declaration of declarations.split(";")) {
      const at = declaration.indexOf(":");
      element.style.setProperty(declaration.slice(0, at).trim(), declaration.slice(at + 1).trim(), "important");
    }
  }

  function showError(message) {
    let box = document.getElementById("sitegen-error");
    if (!message) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "sitegen-error";
      box.setAttribute("role", "alert");
      // Its own colours on every part, marked important: the theme's rules
      // for pre, strong or a dark scheme must not reach the overlay (they
      // once gave white text on the theme's light pre background).
      paint(box, "position:fixed;inset:0;z-index:2147483647;background:rgba(20,0,0,.94);color:#fff;" +
        "font:15px/1.5 ui-monospace,monospace;padding:2rem;margin:0;overflow:auto;text-align:left");
      const title = document.createElement("strong");
      title.textContent = "sitegen: the build failed; showing the last good build underneath.";
      paint(title, "display:block;color:#fff;background:transparent;font:inherit;font-weight:700");
      const text = document.createElement("pre");
      paint(text, "white-space:pre-wrap;margin:1rem 0 0;padding:1rem;border:1px solid #ff8a80;" +
        "background:#2a0000;color:#ffe9e6;font:inherit;box-shadow:none;opacity:1");
      box.append(title, text);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = message;
  }

  function handle(state, isBuild) {
    showError(state.error);
    if (state.error) return;
    if (state.build !== seenBuild) {
      // A partial build has written the edited pages only: the others wait for its end.
      if (state.partial && !(state.changed || []).includes(ownFile)) return;
      const cssOnly = isBuild && state.css_only;
      seenBuild = state.build;
      if (cssOnly) swapStylesheets();
      else reload();
    }
  }

  function connect() {
    if (source) return;
    source = new EventSource("/__sitegen/events");
    // On (re)connection the server tells the current build: a tab that was
    // hidden while the site changed reloads when it is shown again.
    source.addEventListener("state", (e) => handle(JSON.parse(e.data), false));
    source.addEventListener("build", (e) => handle(JSON.parse(e.data), true));
  }

  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
  }

  // One connection per visible tab: browsers cap connections per host.
  document.addEventListener("visibilitychange", () => (document.hidden ? disconnect() : connect()));
  window.addEventListener("pagehide", disconnect);
  if (!document.hidden) connect();
})();
