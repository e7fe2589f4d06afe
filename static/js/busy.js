// A form that takes a while (checking or importing a long file, on the import pages) says so
// once it is sent: its message appears in a live region, so a screen reader announces it,
// and its buttons refuse a second press, which would only send the file again.
for (const form of document.querySelectorAll('form[data-module="app-busy-form"]')) {
  let sent = false;
  form.addEventListener("submit", (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("govuk-button--disabled");
    }
    // Every status region in the form, if there are several; the first is enough to hear.
    for (const status of form.querySelectorAll("[data-busy-status]")) {
      status.textContent = form.dataset.busyMessage || "Please wait.";
    }
  });
}
