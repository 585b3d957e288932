// Case pages: the staff's cooperative finder on the filing form fills the national ID when a
// suggestion is chosen. No inline scripts (Content-Security-Policy).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill]") : null;
    if (!button) return;
    var input = document.getElementById("id_cooperative");
    if (!input) return;
    event.preventDefault();
    input.value = button.getAttribute("data-fill");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });
})();
