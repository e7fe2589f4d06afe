// Starts GOV.UK Frontend components. static/js/ and static/dist/ are siblings
// under STATIC_URL, so this relative import finds the file that
// `npm run build` copies from node_modules.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

// GOV.UK's file upload writes the chosen file's name into its button, right before
// "Choose file". A space after the name keeps the two apart when the button is read as text,
// as its accessible name has them (the space after "No file chosen", given in
// commissioning/templatetags/fields.py, does the same before a file is chosen); without it
// axe-core reads "record.pdfChoose" and reports the name as not matching (WCAG 2.5.3).
for (const upload of document.querySelectorAll('[data-module="govuk-file-upload"]')) {
  const input = upload.querySelector('input[type="file"]');
  const status = upload.querySelector(".govuk-file-upload-button__status");
  if (input && status) {
    input.addEventListener("change", () => {
      if (!status.textContent.endsWith(" ")) {
        status.textContent += " ";
      }
    });
  }
}
