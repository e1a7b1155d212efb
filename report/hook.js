// Records every error the page meets (script errors, failed loads, blocked
// requests, console.error) in <html data-landscape-errors>, before any
// other script runs; the tests read it back.
window.LANDSCAPE = { errors: [] };
(function () {
  'use strict';
  var L = window.LANDSCAPE, root = document.documentElement;
  function record(msg) {
    L.errors.push(String(msg));
    root.setAttribute('data-landscape-errors', JSON.stringify(L.errors));
  }
  L.record = record;
  window.addEventListener('error', function (e) {
    if (e.target && e.target !== window && (e.target.src || e.target.href)) {
      record('failed to load ' + (e.target.src || e.target.href));
      return;
    }
    record((e.message || 'error') + (e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : ''));
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    record('unhandled promise rejection: ' + (e.reason && e.reason.stack || e.reason));
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    record('blocked by the page\'s Content-Security-Policy (' + e.violatedDirective + '): ' + e.blockedURI);
  });
  var consoleError = console.error;
  console.error = function () {
    record('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    return consoleError.apply(console, arguments);
  };
})();
