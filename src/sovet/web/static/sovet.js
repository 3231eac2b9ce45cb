// sovet: progressive enhancement only; every form works without this file.
// Ranked ballots: drag a candidate (or press Alt+Up / Alt+Down on its number)
// to reorder; the ranked candidates are renumbered in the order shown.
(function () {
  "use strict";
  function enhance(list) {
    var dragged = null;
    list.querySelectorAll("li").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function () { dragged = item; });
      item.addEventListener("dragover", function (e) { e.preventDefault(); });
      item.addEventListener("drop", function (e) {
        e.preventDefault();
        if (dragged && dragged !== item) {
          list.insertBefore(dragged, item);
          fillAll(list);
        }
      });
      var input = item.querySelector("input[type=number]");
      if (input) {
        input.addEventListener("keydown", function (e) {
          if (!e.altKey) { return; }
          if (e.key === "ArrowUp" && item.previousElementSibling) {
            list.insertBefore(item, item.previousElementSibling);
          } else if (e.key === "ArrowDown" && item.nextElementSibling) {
            list.insertBefore(item.nextElementSibling, item);
          } else { return; }
          e.preventDefault();
          fillAll(list);
          input.focus();
        });
      }
    });
  }
  function fillAll(list) {
    // ranked candidates take 1, 2, 3 … in the order shown; blanks stay blank
    var items = list.querySelectorAll("li");
    var rank = 0;
    for (var i = 0; i < items.length; i++) {
      var input = items[i].querySelector("input[type=number]");
      if (input && input.value !== "") { rank += 1; input.value = String(rank); }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("ol.ranking").forEach(enhance);
  });
})();
