// Hamafza: behaviour shared by every page. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";
  var persian = (document.documentElement.lang || "fa").indexOf("fa") === 0;

  function startDatepicker() {
    if (!window.jalaliDatepicker) return;
    window.jalaliDatepicker.startWatch({
      selector: "input[data-jdp]",
      persianDigits: persian,
      hasSecond: false,
      time: true, // date-and-time inputs; date-only inputs carry data-jdp-only-date
      showTodayBtn: true,
      showEmptyBtn: true,
      zIndex: 2000
    });
  }

  // Forms may ask for confirmation: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Anything marked data-autosubmit submits its form when changed (filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (window.htmx && el.form.hasAttribute("hx-get")) {
        window.htmx.trigger(el.form, "submit");
      } else {
        el.form.requestSubmit();
      }
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startDatepicker);
  } else {
    startDatepicker();
  }
})();
