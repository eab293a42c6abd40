// Starts Swagger UI on the page at /docs. Served by Fascia as a file of its own, so the page
// runs no inline script and its Content-Security-Policy allows scripts from this origin only.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    deepLinking: true,
    displayOperationId: true,
    displayRequestDuration: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    filter: true,
    tryItOutEnabled: false,
    validatorUrl: null // Swagger UI would send the document to an online validator
  });
})();
