// Renders the REST API's OpenAPI document with the self-hosted Swagger UI.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
