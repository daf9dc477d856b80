// The dashboard's only script. Every page works without it: it makes choosers submit themselves,
// filters long tables as you type, and asks before removing a user. No inline script, no CDN.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { form.submit(); });
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        var resets = select.getAttribute("data-resets");
        if (resets) {
          var other = document.getElementById(resets);
          if (other) { other.value = ""; other.disabled = true; }
        }
        form.submit();
      });
    });
  });
  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) { return; }
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(status);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim();
      var shown = 0, rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var match = !words || rows[i].textContent.toLowerCase().indexOf(words) !== -1;
        rows[i].hidden = !match;
        if (match) { shown++; }
      }
      status.textContent = shown + " of " + rows.length + " rows shown";
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
