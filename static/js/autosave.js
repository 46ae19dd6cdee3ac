// Saves a section's answer while the provider types (progressive enhancement: the Save button
// works without JavaScript). The server applies the same optimistic lock: a colleague's newer
// version stops the autosave and asks the person to save by hand, which shows both versions.
(function () {
  "use strict";
  var DELAY = 2000;
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var stopped = false;
    function show(text) { if (status) { status.textContent = text; } }
    function save() {
      if (stopped) { return; }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1", "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            var version = form.querySelector("input[name$='version']");
            if (version) { version.value = body.version; }
          } else if (response.status === 409) {
            stopped = true;
          }
          show(body.message);
        });
      }).catch(function () {
        show("Niet opgeslagen: geen verbinding. Wij proberen het opnieuw zodra u verder typt.");
      });
    }
    function later() { clearTimeout(timer); timer = setTimeout(save, DELAY); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  });
})();
