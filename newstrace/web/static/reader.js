/* newstrace reader: the summary button and claim details. Plain DOM, no inline code:
   text from the server goes in with textContent only, never as markup. */
"use strict";

function showSummary(button) {
  var box = document.getElementById("summary");
  var list = document.getElementById("summary-sentences");
  var problem = document.getElementById("summary-error");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  fetch(button.getAttribute("data-summary-url"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error((body && body.error && body.error.message) || "no summary");
        }
        return body;
      });
    })
    .then(function (summary) {
      list.replaceChildren();
      summary.sentences.forEach(function (sentence) {
        var item = document.createElement("li");
        item.textContent = sentence.text;
        list.appendChild(item);
      });
      if (summary.sentences.length === 0) {
        problem.textContent = "This article is too short to summarise.";
        problem.hidden = false;
      }
      box.hidden = false;
      button.hidden = true;
    })
    .catch(function (error) {
      problem.textContent = "Could not get a summary: " + error.message;
      problem.hidden = false;
      box.hidden = false;
      button.disabled = false;
    })
    .finally(function () {
      button.removeAttribute("aria-busy");
    });
}

function selectClaim(index, anchor) {
  var popover = document.getElementById("claim-popover");
  var card = document.getElementById("claim-" + index);
  document.querySelectorAll(".selected").forEach(function (node) {
    node.classList.remove("selected");
  });
  if (!popover || !card) {
    return;
  }
  document.querySelectorAll('.article-text [data-claim="' + index + '"]').forEach(function (node) {
    node.classList.add("selected");
  });
  card.classList.add("selected");
  popover.replaceChildren(card.cloneNode(true));
  popover.firstChild.removeAttribute("id");
  var box = anchor.getBoundingClientRect();
  popover.style.top = window.scrollY + box.bottom + 6 + "px";
  popover.style.left = Math.max(8, Math.min(window.scrollX + box.left,
    window.scrollX + document.documentElement.clientWidth - 340)) + "px";
  popover.hidden = false;
}

function hidePopover() {
  var popover = document.getElementById("claim-popover");
  if (popover) {
    popover.hidden = true;
  }
  document.querySelectorAll(".selected").forEach(function (node) {
    node.classList.remove("selected");
  });
}

document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("summary-button");
  if (button) {
    button.addEventListener("click", function () { showSummary(button); });
  }
  document.addEventListener("click", function (event) {
    var claim = event.target.closest(".article-text [data-claim]");
    if (claim) {
      selectClaim(claim.getAttribute("data-claim"), claim);
    } else if (!event.target.closest("#claim-popover")) {
      hidePopover();
    }
  });
  document.addEventListener("keydown", function (event) {
    var claim = event.target.closest && event.target.closest(".article-text [data-claim]");
    if (claim && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      selectClaim(claim.getAttribute("data-claim"), claim);
    } else if (event.key === "Escape") {
      hidePopover();
    }
  });
});
