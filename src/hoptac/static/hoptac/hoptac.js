// Switching language returns to the page as it is now, filters typed through htmx included.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches("form.lang") && form.elements.next) {
    form.elements.next.value = window.location.pathname + window.location.search;
  }
});
