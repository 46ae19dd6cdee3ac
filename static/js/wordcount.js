// Counts the words of an award-criterion answer while typing. The server enforces the limit anyway.
(function () {
  "use strict";
  function count(text) {
    var words = text.trim().split(/\s+/);
    return text.trim() === "" ? 0 : words.length;
  }
  document.querySelectorAll("[data-wordcount-for]").forEach(function (output) {
    var field = document.getElementById(output.getAttribute("data-wordcount-for"));
    var limit = parseInt(output.getAttribute("data-limit"), 10);
    if (!field) { return; }
    function update() {
      var n = count(field.value);
      output.textContent = isNaN(limit) ? n + " woorden" : n + " van " + limit + " woorden";
      output.classList.toggle("nmd-wordcount--over", !isNaN(limit) && n > limit);
    }
    field.addEventListener("input", update);
    update();
  });
})();
