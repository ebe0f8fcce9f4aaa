// Reply links fill the form's hidden reply_to field and say whom you answer.
// Without JavaScript the links still lead to the form.
(function () {
  "use strict";
  var field = document.getElementById("reply-to");
  var note = document.getElementById("replying-to");
  if (!field || !note) return;
  var comment = document.getElementById("comment");
  function clear() {
    field.value = "";
    note.hidden = true;
    note.textContent = "";
    if (comment) comment.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply-to]");
    if (!link) return;
    field.value = link.getAttribute("data-reply-to");
    note.textContent = "Replying to " + link.getAttribute("data-reply-name") + ". ";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel reply";
    cancel.addEventListener("click", clear);
    note.appendChild(cancel);
    note.hidden = false;
    if (comment) {
      event.preventDefault();
      document.getElementById("respond").scrollIntoView();
      comment.focus();
    }
  });
})();
