(function () {
  'use strict';
  // gbm-check serve: drag and drop onto the upload form, a check of the choice before it is sent, progress
  // polling.  Everything works without it too (a plain file input, a refreshing progress page).
  var form = document.getElementById('check-form');
  var input = document.getElementById('bills');
  var zone = document.getElementById('drop');
  var chosen = document.getElementById('chosen');
  var problemBox = document.getElementById('client-problem');

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + ' MB' : (bytes / 1024).toFixed(1) + ' KB';
  }

  function problemWith(files) {
    var most = parseInt(form.dataset.maxFiles, 10), biggest = parseInt(form.dataset.maxBytes, 10);
    var suffixes = form.dataset.suffixes.split(' ');
    if (files.length > most) { return 'too many files: at most ' + most + ' bill file(s) in one check'; }
    for (var i = 0; i < files.length; i++) {
      var name = files[i].name, lower = name.toLowerCase();
      if (!suffixes.some(function (s) { return lower.slice(-s.length) === s; })) {
        return name + ': not a bill file (allowed: ' + suffixes.join(', ') + ')';
      }
      if (files[i].size > biggest) {
        return name + ': file is over the ' + form.dataset.maxSize + ' input limit';
      }
    }
    return '';
  }

  function show() {
    while (chosen.firstChild) { chosen.removeChild(chosen.firstChild); }
    Array.prototype.forEach.call(input.files, function (file) {
      var li = document.createElement('li');
      li.textContent = file.name + '（' + sizeText(file.size) + '）';
      chosen.appendChild(li);
    });
    var problem = problemWith(input.files);
    problemBox.textContent = problem ? 'gbm-check: ' + problem : '';
    problemBox.hidden = !problem;
    document.getElementById('start').disabled = !!problem;
  }

  if (form) {  // the bid review's own files show only in its mode
    var modeInputs = form.querySelectorAll('input[name=mode]');
    var showMode = function () {
      var review = Array.prototype.some.call(modeInputs, function (m) { return m.checked && m.value === 'review'; });
      form.classList.toggle('check-mode', !review);
    };
    Array.prototype.forEach.call(modeInputs, function (m) { m.addEventListener('change', showMode); });
    if (modeInputs.length) { showMode(); }
  }

  if (form && input && zone) {
    ['dragenter', 'dragover'].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove('over'); });
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (f) { all.items.add(f); });
      input.files = all.files;
      show();
    });
    input.addEventListener('change', show);
    form.addEventListener('submit', function () {
      var button = document.getElementById('start');
      button.disabled = true;
      button.textContent = '正在上传…';
    });
  }

  var job = document.getElementById('job');
  if (job) {
    var bar = document.getElementById('job-progress');
    var state = document.getElementById('job-state');
    var errors = document.getElementById('job-errors');
    var poll = function () {
      fetch(job.dataset.status, {credentials: 'same-origin', cache: 'no-store'})
        .then(function (response) { return response.json(); })
        .then(function (status) {
          bar.value = status.done;
          if (status.errors.length || status.message) {
            while (errors.firstChild) { errors.removeChild(errors.firstChild); }
            status.errors.concat(status.message ? [status.message] : []).forEach(function (line) {
              var p = document.createElement('p');
              p.className = 'line';
              p.textContent = line;
              errors.appendChild(p);
            });
            errors.hidden = false;
          }
          if (status.state === 'done') {
            state.textContent = '完成，正在打开结果…';
            window.location.replace(job.dataset.result);
          } else if (status.state === 'failed') {
            state.textContent = '检查失败';
          } else {
            state.textContent = status.state === 'waiting' ? '排队等候空闲的检查进程…'
              : '正在检查（' + status.done + ' / ' + status.total + '）：' + status.current;
            window.setTimeout(poll, 600);
          }
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    };
    poll();
  }
}());
