/* Start Swagger UI on the API explorer page (a file, so the CSP needs no inline script). */
window.addEventListener("load", function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: node.dataset.url, dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });
});
