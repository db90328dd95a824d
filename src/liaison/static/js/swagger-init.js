/* Starts Swagger UI for /api/docs/. Kept out of the page because our Content-Security-Policy forbids inline
   scripts. Settings come from data attributes on #swagger-ui. Writes made from "Try it out" with the browser
   session carry the CSRF token, as Django requires; token-authenticated calls use "Authorize". */
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  const csrfHeader = root.dataset.csrfHeader;
  const csrfToken = root.dataset.csrfToken;

  const requestInterceptor = (request) => {
    if (!["GET", "HEAD", "OPTIONS", undefined].includes(request.method) && csrfToken) {
      request.headers[csrfHeader] = csrfToken;
    }
    return request;
  };

  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    requestInterceptor,
  });
})();
