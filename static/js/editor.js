// The decision editor (templates/workspace/decisions/edit.html), as a progressive
// enhancement: without this script the editor works as before.
//
// - Leaving the page with changes not yet saved asks first (the browser's own warning).
// - Every so often, and when the tab is hidden or closed, the form is sent to the server,
//   which keeps it for this officer only (decisions/autosave_views.py) and offers it back
//   when they open the editor again. Never in the browser's storage: the text may be
//   withheld from publication, and a shared computer must not keep it.
const form = document.querySelector('form[data-module="app-editor"]');

if (form) {
  const url = form.dataset.autosaveUrl;
  const every = Math.max(Number(form.dataset.autosaveSeconds) || 30, 1) * 1000;
  const kept = document.querySelector("[data-editor-kept]");
  let changed = false; // since the page was drawn: not yet saved to the record
  let unsent = false; // since the server last kept a copy
  let submitting = false;

  const edited = () => {
    changed = true;
    unsent = true;
  };
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", () => {
    submitting = true;
  });

  window.addEventListener("beforeunload", (event) => {
    if (changed && !submitting) {
      event.preventDefault();
      event.returnValue = ""; // older browsers show the warning only when this is set
    }
  });

  const send = (closing) => {
    if (!unsent || submitting) {
      return;
    }
    unsent = false;
    fetch(url, {
      method: "POST",
      body: new FormData(form), // with the CSRF token and the version the editor opened on
      credentials: "same-origin",
      keepalive: closing, // lets the copy go after the tab has closed
    })
      .then((response) => {
        if (!response.ok) {
          unsent = true;
          return;
        }
        if (kept) {
          const now = new Date();
          const time = now.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
          kept.textContent = `Your changes were kept at ${time}. They are not saved to the record until you select “Save changes”.`;
        }
      })
      .catch(() => {
        unsent = true; // tried again next time
      });
  };

  window.setInterval(() => send(false), every);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      send(true);
    }
  });
  window.addEventListener("pagehide", () => send(true));
}
