// Check-in desk enhancements (templates/events/desk.html); the desk works without this file.
// - check-in and undo buttons answer in place (fetch, JSON) instead of reloading the page;
// - the camera scans ticket QR codes: the browser's BarcodeDetector, else the bundled jsQR;
// - the counts refresh every few seconds (other desks check people in too).
(function () {
  "use strict";
  var desk = document.getElementById("desk");
  if (!desk || !window.fetch) { return; }
  var result = document.getElementById("desk-result");
  var undo = document.getElementById("desk-undo");
  var csrf = desk.getAttribute("data-csrf");
  // Every sentence comes translated from the page (data-msg-* on #desk), in its language.
  function say(key) { return desk.getAttribute("data-msg-" + key) || ""; }

  function setCounts(counts) {
    if (!counts) { return; }
    document.getElementById("count-checked-in").textContent = counts.checked_in;
    document.getElementById("count-expected").textContent = counts.expected;
  }

  function line(cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    return p;
  }

  function show(answer) {
    result.className = "desk-result " + (answer.ok ? "desk-ok" : "desk-refused");
    result.replaceChildren(line("desk-result-word", answer.message));
    if (answer.name) { result.appendChild(line("desk-result-name", answer.name)); }
    if (answer.organisation) { result.appendChild(line("desk-result-org", answer.organisation)); }
    result.hidden = false;
    if (answer.ok && !answer.undo) {
      undo.querySelector("input[name=registration_id]").value = answer.registration_id;
      undo.querySelector(".desk-undo-name").textContent = answer.name;
      undo.hidden = false;
    } else if (answer.ok && answer.undo) {
      undo.hidden = true;
    }
    setCounts(answer.counts);
  }

  function post(url, data) {
    data.append("csrf_token", csrf);
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(show).catch(function () {
      show({ ok: false, message: say("offline") });
    });
  }

  // Check-in buttons next to search matches, and the undo button.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("desk-check-in") && form !== undo) { return; }
    event.preventDefault();
    post(form.getAttribute("action"), new FormData(form)).then(function () {
      if (form.classList.contains("desk-check-in")) {
        var button = form.querySelector("button");
        if (button) { button.disabled = true; button.textContent = say("checked-in"); }
      }
    });
  });

  // Live counts.
  window.setInterval(function () {
    fetch(desk.getAttribute("data-counts-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(setCounts)
      .catch(function () { /* the next poll tries again */ });
  }, 5000);

  // Camera scanner.
  var scanner = document.getElementById("desk-scanner");
  var video = document.getElementById("desk-video");
  var start = document.getElementById("desk-scan-start");
  var stop = document.getElementById("desk-scan-stop");
  var note = document.getElementById("desk-scan-note");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  scanner.hidden = false;
  var stream = null;
  var lastCode = "";
  var lastAt = 0;
  var canvas = document.createElement("canvas");
  var detect = null;

  function loadDecoder() {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function () {
        return detector.detect(video).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      });
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = desk.getAttribute("data-jsqr-url");
      script.onload = function () {
        resolve(function () {
          var width = video.videoWidth;
          var height = video.videoHeight;
          if (!width || !height) { return Promise.resolve(null); }
          canvas.width = width;
          canvas.height = height;
          var context = canvas.getContext("2d", { willReadFrequently: true });
          context.drawImage(video, 0, 0, width, height);
          var code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
          return Promise.resolve(code ? code.data : null);
        });
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function tick() {
    if (!stream) { return; }
    detect().then(function (code) {
      var now = Date.now();
      // The same ticket held in front of the camera is sent once every few seconds at most.
      if (code && (code !== lastCode || now - lastAt > 4000)) {
        lastCode = code;
        lastAt = now;
        var data = new FormData();
        data.append("code", code);
        post(desk.getAttribute("data-check-in-url"), data);
      }
    }).catch(function () { /* a frame that could not be read */ }).then(function () {
      window.setTimeout(tick, 250);
    });
  }

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  start.addEventListener("click", function () {
    note.textContent = say("camera-starting");
    Promise.all([
      loadDecoder(),
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
    ]).then(function (ready) {
      detect = ready[0];
      stream = ready[1];
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      note.textContent = say("camera-hold");
      return video.play();
    }).then(tick).catch(function () {
      stopCamera();
      note.textContent = say("camera-unavailable");
    });
  });
  stop.addEventListener("click", function () { stopCamera(); note.textContent = ""; });
})();
