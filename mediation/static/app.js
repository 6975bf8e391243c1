// Read-aloud of the page's main text and voice input, where the browser supports them.
(function () {
  "use strict";
  var button = document.getElementById("read-aloud");
  if (button && "speechSynthesis" in window) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (window.speechSynthesis.speaking) { window.speechSynthesis.cancel(); return; }
      var main = document.querySelector("[data-read-aloud]") || document.getElementById("main");
      var utterance = new SpeechSynthesisUtterance(main.innerText);
      utterance.lang = document.documentElement.lang || "zh-CN";
      utterance.rate = 0.85;
      window.speechSynthesis.speak(utterance);
    });
  }
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  document.querySelectorAll("[data-voice-input]").forEach(function (field) {
    if (!Recognition) { return; }
    var mic = document.createElement("button");
    mic.type = "button";
    mic.textContent = field.getAttribute("data-voice-input");
    mic.addEventListener("click", function () {
      var rec = new Recognition();
      rec.lang = document.documentElement.lang || "zh-CN";
      rec.onresult = function (e) { field.value += e.results[0][0].transcript; };
      rec.start();
    });
    field.insertAdjacentElement("afterend", mic);
  });
  // Slow panels (precedent suggestions) load after the page, from a server-rendered fragment.
  document.querySelectorAll("[data-fragment]").forEach(function (box) {
    fetch(box.getAttribute("data-fragment"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () { /* the link to the full panel stays */ });
  });
  // API calls from pages send the CSRF token the server put in the page.
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.csrfHeaders = function () { return meta ? { "X-CSRFToken": meta.content } : {}; };
})();
