// Scheduler: shows the global pause banner on every dashboard page, Hangfire's own included (the Marts pages render
// their own, with a Resume button). It asks GET /api/pause, beside the dashboard, with the page's own credentials.
(function () {
  function show() {
    if (document.querySelector('.global-pause')) { return; }
    var brand = document.querySelector('a.navbar-brand');
    var dashboard = brand ? brand.getAttribute('href').replace(/\/+$/, '') : '/hangfire';
    var api = dashboard.replace(/\/hangfire$/, '') + '/api/pause';
    fetch(api, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (pause) {
        if (!pause || !pause.paused || document.querySelector('.global-pause')) { return; }
        var banner = document.createElement('div');
        banner.className = 'alert alert-warning global-pause global-pause-banner';
        banner.setAttribute('role', 'alert');
        var since = pause.pausedAt ? ' since ' + pause.pausedAt.replace('T', ' ').replace(/\..*$/, '').replace(/Z$|\+00:00$/, '') + ' UTC' : '';
        var by = (pause.pausedBy ? ' by ' + pause.pausedBy : '') + (pause.reason ? ' (' + pause.reason + ')' : '');
        banner.appendChild(document.createElement('strong')).textContent = 'Paused: ';
        banner.appendChild(document.createTextNode('no new run of any mart starts' + since + by + '. Runs already in Redshift continue. '));
        var link = banner.appendChild(document.createElement('a'));
        link.href = dashboard + '/marts';
        link.textContent = 'Resume on the Marts page';
        var container = document.querySelector('.js-page-container') || document.body;
        container.insertBefore(banner, container.firstChild);
      })
      .catch(function () { /* the banner is a courtesy; the Marts page always shows the pause */ });
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', show); } else { show(); }
})();
