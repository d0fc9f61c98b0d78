// Runs table: select-all, a live selection count, "Compare selected" as a clean /compare?runs=a,b URL, and a
// guard against deleting nothing. Without JavaScript the form still works (compare falls back to a GET form).
(function () {
  "use strict";
  const form = document.getElementById("runs-form");
  if (!form) {
    return;
  }
  const boxes = () => Array.from(form.querySelectorAll("input[type=checkbox][name=runs]"));
  const selected = () => boxes().filter((b) => b.checked).map((b) => b.value);
  const selectAll = document.getElementById("select-all");
  const count = document.getElementById("selection-count");
  const compare = document.getElementById("compare-button");
  const remove = document.getElementById("delete-button");

  function update() {
    const n = selected().length;
    count.textContent = n === 0 ? "" : n + " selected";
    if (selectAll) {
      const all = boxes();
      selectAll.checked = n > 0 && n === all.length;
      selectAll.indeterminate = n > 0 && n < all.length;
    }
  }

  if (selectAll) {
    selectAll.addEventListener("change", () => {
      boxes().forEach((b) => { b.checked = selectAll.checked; });
      update();
    });
  }
  form.addEventListener("change", update);

  if (compare) {
    compare.addEventListener("click", (event) => {
      event.preventDefault();
      const runs = selected();
      if (runs.length < 2 || runs.length > 10) {
        count.textContent = "Select 2 to 10 runs to compare.";
        return;
      }
      window.location.assign(compare.dataset.compareUrl + "?runs=" + runs.map(encodeURIComponent).join(","));
    });
  }
  if (remove) {
    remove.addEventListener("click", (event) => {
      // keel.js asks for confirmation afterwards (data-confirm); stop here when nothing is selected.
      if (selected().length === 0) {
        event.preventDefault();
        count.textContent = "Select the runs to delete first.";
      }
    });
  }
  update();
})();
