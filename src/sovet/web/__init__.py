"""The web UI: server-rendered pages over the engine's services (issue 4 §6).

``routes.router`` (HTML pages, included by ``sovet.api.app.create_app``),
``render`` (one autoescaped Jinja2 environment), ``views`` (state → view data,
time travel), ``svg`` (pure SVG pictures), ``templates/`` (``base.html`` and
``_*.html`` partials), ``static/`` (CSS, a little progressive-enhancement
JavaScript, and htmx vendored from its npm package).
"""
