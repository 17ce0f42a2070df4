// The import page's upload, in pieces. A whole export in one request can
// take longer than Heroku lets a request live (30 s) on a slow connection,
// so with JavaScript the browser sends it a few megabytes at a time, each
// piece retried when the network drops it, and follows the progress. The
// form still works without JavaScript, in one request.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-pieces]");
  if (!form || !window.fetch || !window.Blob || !Blob.prototype.slice) return;
  var base = form.getAttribute("data-upload-pieces");
  var input = form.querySelector('input[type="file"]');
  var button = form.querySelector('button[type="submit"]');
  var box = form.querySelector(".upload-progress");
  var bar = box.querySelector("progress");
  var status = box.querySelector('[role="status"]');
  var retries = 4;

  function fail(message) {
    var err = new Error(message);
    err.final = true;
    return err;
  }

  // answer reads the JSON the upload endpoints answer with; a page instead
  // (the login page, after a session ended) means signing in again.
  function answer(res) {
    if (res.status === 204) return {};
    return res.text().then(function (text) {
      var body = null;
      try {
        body = JSON.parse(text);
      } catch (e) {
        body = null;
      }
      if (res.ok && body) return body;
      if (body && body.error) {
        var err = fail(body.error);
        err.final = res.status < 500;
        throw err;
      }
      if (res.redirected || (res.ok && !body)) throw fail("Your session ended: please log in again.");
      throw new Error("The server answered " + res.status + ".");
    });
  }

  function call(url, method, body, attempt) {
    attempt = attempt || 0;
    return fetch(url, {
      method: method,
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(answer)
      .catch(function (err) {
        if (err.final || attempt >= retries) throw err;
        // A dropped connection or a server hiccup: wait, then again.
        return new Promise(function (resolve) {
          setTimeout(resolve, 500 * Math.pow(2, attempt));
        }).then(function () {
          return call(url, method, body, attempt + 1);
        });
      });
  }

  function megabytes(n) {
    return (n / 1048576).toFixed(n < 10485760 ? 1 : 0);
  }

  function show(sent, total) {
    var percent = total > 0 ? Math.floor((sent * 100) / total) : 0;
    bar.value = percent;
    bar.textContent = percent + "%";
    status.textContent = "Sending your export: " + megabytes(sent) + " of " + megabytes(total) + " MB";
  }

  form.addEventListener("submit", function (ev) {
    var files = Array.prototype.filter.call(input.files, function (f) {
      return f.size > 0;
    });
    if (files.length === 0) return; // the server says nothing was uploaded
    ev.preventDefault();
    var total = files.reduce(function (sum, f) {
      return sum + f.size;
    }, 0);
    var sent = 0;
    var current = null;
    button.disabled = true;
    box.hidden = false;
    show(0, total);
    call(base, "POST")
      .then(function (up) {
        current = up.id;
        if (total > up.max_bytes) {
          throw fail("That upload is larger than " + Math.floor(up.max_bytes / 1048576) + " MB. Upload the zip as Spotify sent it.");
        }
        var chain = Promise.resolve();
        files.forEach(function (file, fileNo) {
          var pieces = Math.ceil(file.size / up.piece_bytes);
          for (var p = 0; p < pieces; p++) {
            chain = chain.then(
              (function (piece) {
                return function () {
                  var blob = file.slice(piece * up.piece_bytes, Math.min(file.size, (piece + 1) * up.piece_bytes));
                  var url = base + "/" + up.id + "/files/" + fileNo + "/pieces/" + piece + "?name=" + encodeURIComponent(file.name);
                  return call(url, "PUT", blob).then(function () {
                    sent += blob.size;
                    show(sent, total);
                  });
                };
              })(p)
            );
          }
        });
        return chain.then(function () {
          status.textContent = "Sent. Starting the import…";
          return call(base + "/" + up.id + "/done", "POST");
        });
      })
      .then(function (done) {
        window.location.assign(done.url);
      })
      .catch(function (err) {
        status.textContent = err.message || "The upload failed. Please try again.";
        button.disabled = false;
        if (current) {
          // What arrived goes; a new attempt starts clean.
          fetch((document.documentElement.getAttribute("data-base") || "") + "/history/imports/" + current + "/cancel", { method: "POST", credentials: "same-origin" }).catch(function () {});
        }
      });
  });
})();
