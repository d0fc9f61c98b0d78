// Loaded on every page: asks before submitting a button marked data-confirm (e.g. deleting runs).
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm]");
    if (button && !event.defaultPrevented && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
