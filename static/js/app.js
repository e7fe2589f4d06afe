// Loaded as the first element of <body>, before anything is drawn, so that
// GOV.UK Frontend's JS-only styles apply without a flash of unstyled content.
// It lives in a file, not inline, so that a strict Content Security Policy
// (script-src 'self') can forbid inline script.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
