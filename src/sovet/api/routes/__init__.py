"""One router per resource (STYLE.md S1); ``app.API_ROUTERS`` lists them."""
