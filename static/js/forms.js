// A form sent back with errors: move the focus to the error summary at its top, so a screen reader reads
// it first and the keyboard continues from there (its links lead to the fields). Without JavaScript the
// summary is still the first thing in the page's content.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".nmd-error-summary");
  if (summary) {
    summary.focus();
  }
});
