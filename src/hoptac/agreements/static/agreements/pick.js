// A search box above each long multiple choice (select[data-filterable]): typing hides the
// options that do not match, with or without diacritics; chosen options always stay visible.
(function () {
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  }
  function setUp(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = select.getAttribute("data-filterable");
    box.setAttribute("aria-label", select.getAttribute("data-filterable"));
    box.setAttribute("data-testid", "filter-" + select.name);
    select.parentNode.insertBefore(box, select);
    var keys = Array.prototype.map.call(select.options, function (o) { return fold(o.text); });
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option, i) {
        var match = words.every(function (w) { return keys[i].indexOf(w) !== -1; });
        option.hidden = !(match || option.selected);
      });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-filterable]").forEach(setUp);
  });
})();
