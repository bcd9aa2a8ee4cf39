// Fills the search box's <datalist> with entry names as a person types.
(function () {
  "use strict";
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      clearTimeout(timer);
      if (text.length < 2 || text === last) { return; }
      timer = setTimeout(function () {
        last = text;
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.results.map(function (hit) {
              var option = document.createElement("option");
              option.value = hit.name;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a help, never a blocker */ });
      }, 150);
    });
  });
})();
