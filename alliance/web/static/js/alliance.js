/* Small page behaviours, no inline scripts (CSP). */
(function () {
  "use strict";
  function ready() {
    // After a failed submission, move focus to the summary so screen readers announce it.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); }
  else { ready(); }
})();
