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
// Recording a session in the browser (MediaRecorder, WebM/Opus), posted with the page's CSRF
// token to the case's recordings API, which transcribes it. Shown only where the browser can.
(function () {
  "use strict";
  if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  var types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"];
  var type = types.filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0];
  if (!type) { return; }
  document.querySelectorAll("[data-recorder]").forEach(function (box) {
    var start = box.querySelector("[data-recorder-start]");
    var stop = box.querySelector("[data-recorder-stop]");
    var status = box.querySelector("[data-recorder-status]");
    var clock = box.querySelector("[data-recorder-clock]");
    var variety = box.querySelector("[data-recorder-variety]");
    var recorder = null, stream = null, chunks = [], began = 0, timer = null;
    box.hidden = false;
    function say(text) { status.textContent = text; }
    function tick() {
      var s = Math.floor((Date.now() - began) / 1000);
      clock.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
    }
    function upload() {
      clearInterval(timer);
      stream.getTracks().forEach(function (track) { track.stop(); });
      var blob = new Blob(chunks, { type: type.split(";")[0] });
      var ext = type.indexOf("ogg") >= 0 ? ".ogg" : ".webm";
      var form = new FormData();
      form.append("file", blob, "recording-" + new Date().toISOString().replace(/[:.]/g, "-") + ext);
      if (variety) { form.append("variety", variety.value); }
      say(box.dataset.textUploading);
      fetch(box.dataset.upload, {
        method: "POST", body: form, credentials: "same-origin",
        headers: Object.assign({ "Accept": "application/json" }, window.csrfHeaders ? window.csrfHeaders() : {})
      })
        .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
        .then(function (res) {
          start.disabled = false;
          if (!res.ok) { say(box.dataset.textFailed + ((res.d.error && res.d.error.message) || "")); return; }
          say(box.dataset.textDone + " ");
          var link = document.createElement("a");
          link.href = res.d.links.page;
          link.textContent = box.dataset.textOpen;
          link.className = "recording-link";
          status.appendChild(link);
          box.dataset.recordingId = res.d.id;
        })
        .catch(function (e) { start.disabled = false; say(box.dataset.textFailed + e); });
    }
    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        stream = s;
        chunks = [];
        recorder = new MediaRecorder(stream, { mimeType: type });
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) { chunks.push(e.data); } };
        recorder.onstop = upload;
        recorder.start(1000);
        began = Date.now();
        timer = setInterval(tick, 500);
        start.disabled = true;
        start.hidden = true;
        stop.hidden = false;
        stop.focus();
        say(box.dataset.textRecording);
      }).catch(function () { say(box.dataset.textDenied); });
    });
    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") { recorder.stop(); }
      stop.hidden = true;
      start.hidden = false;
    });
  });
})();
