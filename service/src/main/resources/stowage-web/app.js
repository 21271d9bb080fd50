// The transcoding page: all assets local, no framework. Uses the session cookie (HttpOnly, SameSite=Strict) and
// sends the CSRF token from GET /get-token on every POST and DELETE.
(function () {
  'use strict';
  var csrf = null;
  var polling = null;
  var $ = function (id) { return document.getElementById(id); };

  function api(method, url, body) {
    var headers = { 'Accept': 'application/json' };
    if (method !== 'GET' && csrf) { headers['X-CSRF-Token'] = csrf; }
    return fetch(url, { method: method, headers: headers, body: body, credentials: 'same-origin' })
      .then(function (r) {
        if (r.status === 204) { return null; }
        return r.json().then(function (j) {
          if (!r.ok) { throw new Error((j.error && j.error.message) || ('HTTP ' + r.status)); }
          return j;
        });
      });
  }

  function show(id, on) { $(id).hidden = !on; }
  function message(text) { $('message').textContent = text || ''; }

  function start() {
    fetch('/get-token', { credentials: 'same-origin' }).then(function (r) {
      if (r.status === 401) { return signInPage(); }
      return r.json().then(function (t) { csrf = t.csrf_token; appPage(t.user); });
    }).catch(function (e) { message(e.message); });
  }

  function signInPage() {
    show('signin', true); show('app', false); show('who', false);
    api('GET', '/auth/providers').then(function (p) {
      var box = $('providers');
      box.textContent = '';
      p.providers.forEach(function (name) {
        var a = document.createElement('a');
        a.className = 'provider';
        a.id = 'provider-' + name;
        a.href = '/auth/' + encodeURIComponent(name) + '/login';
        a.textContent = 'Sign in with ' + name.charAt(0).toUpperCase() + name.slice(1);
        box.appendChild(a);
      });
      show('local-form', p.local);
    });
  }

  $('local-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var body = new URLSearchParams({ user: $('local-user').value });
    fetch('/auth/local', { method: 'POST', body: body, credentials: 'same-origin' }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.error.message); }
        start();
      });
    }).catch(function (e) { message(e.message); });
  });

  $('signout').addEventListener('click', function () {
    api('POST', '/auth/logout').then(function () { csrf = null; start(); });
  });

  function appPage(user) {
    show('signin', false); show('app', true); show('who', true);
    $('user').textContent = user;
    api('GET', '/presets').then(function (p) {
      var sel = $('preset');
      sel.textContent = '';
      p.presets.forEach(function (name) {
        var o = document.createElement('option');
        o.value = name; o.textContent = name;
        sel.appendChild(o);
      });
    });
    history();
  }

  $('upload-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    message('');
    var file = $('file').files[0];
    if (!file) { message('choose a file'); return; }
    var form = new FormData();
    form.append('preset', $('preset').value);          // fields before the file: the server streams the file
    if ($('email').value) { form.append('email', $('email').value); }
    form.append('file', file, file.name);
    $('upload').disabled = true;
    show('current', true);
    setCurrent({ id: '', state: 'UPLOADING', percent: 0 });
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/upload');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { $('current-progress').value = Math.round(100 * e.loaded / e.total); }
    };
    xhr.onload = function () {
      $('upload').disabled = false;
      var j = {};
      try { j = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status !== 201) {
        show('current', false);
        message((j.error && j.error.message) || ('upload failed: HTTP ' + xhr.status));
        return;
      }
      setCurrent(j);
      poll(j.id);
      history();
    };
    xhr.onerror = function () { $('upload').disabled = false; message('upload failed: connection lost'); };
    xhr.send(form);
  });

  function setCurrent(j) {
    $('current-id').textContent = j.id;
    $('current-state').textContent = j.state;
    $('current-percent').textContent = Math.round(j.percent || 0) + ' %';
    $('current-encoder').textContent = j.encoder ? '(' + j.encoder + ')' : '';
    $('current-progress').value = j.percent || 0;
    $('current-error').textContent = j.error || '';
  }

  function poll(id) {
    if (polling) { clearTimeout(polling); }
    api('GET', '/status/' + encodeURIComponent(id)).then(function (j) {
      setCurrent(j);
      if (['COMPLETED', 'FAILED', 'CANCELLED'].indexOf(j.state) < 0) {
        polling = setTimeout(function () { poll(id); }, 1000);
      } else {
        history();
      }
    }).catch(function (e) { message(e.message); });
  }

  function history() {
    api('GET', '/jobs?page=0&size=50').then(function (p) {
      var body = $('history').tBodies[0];
      body.textContent = '';
      p.jobs.forEach(function (j) {
        var tr = document.createElement('tr');
        tr.dataset.id = j.id;
        tr.dataset.state = j.state;
        [j.name, j.preset, j.state, Math.round(j.percent) + ' %', j.created_at].forEach(function (v, i) {
          var td = document.createElement('td');
          td.textContent = v;
          if (i === 2) { td.className = 'state-' + j.state; }
          tr.appendChild(td);
        });
        var td = document.createElement('td');
        if (j.download_url) {
          var a = document.createElement('a');
          a.href = j.download_url; a.className = 'download'; a.textContent = 'Download';
          td.appendChild(a);
        }
        var del = document.createElement('button');
        del.type = 'button'; del.className = 'delete';
        del.textContent = j.state === 'PENDING' || j.state === 'PROCESSING' ? 'Cancel' : 'Delete';
        del.addEventListener('click', function () {
          api('DELETE', '/jobs/' + encodeURIComponent(j.id)).then(history).catch(function (e) { message(e.message); });
        });
        td.appendChild(del);
        tr.appendChild(td);
        body.appendChild(tr);
      });
    });
  }

  start();
}());
