"""The web layer: blueprints per audience, the request session, auth and error pages."""

from __future__ import annotations

from flask import Flask


def init_web(app: Flask) -> None:
    """Bind extensions, the per-request session, error handlers and every blueprint."""
    from ..core.operating_model import model_label
    from ..services.accounts import has_password
    from . import auth, converters, db, errors, headers, kit, learner, logs, page_cache, quiz, security, sessions, throttle
    from .account import bp as account_bp
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .certificates import bp as certificates_bp
    from .company import bp as company_bp
    from .company import providers as company_providers
    from .diagnostic import bp as diagnostic_bp
    from .health import bp as health_bp
    from .lti import bp as lti_bp
    from .mentor import bp as mentor_bp
    from .search import bp as search_bp

    converters.init_app(app)  # before any route is added
    logs.init_app(app)  # first: its request id and timer are there for every other hook
    db.init_app(app)
    sessions.init_app(app)
    page_cache.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    throttle.init_app(app)
    headers.init_app(app)
    company_providers.init_app(app)
    app.add_template_filter(model_label, "model_label")
    app.add_template_test(has_password, "joined")
    app.register_blueprint(health_bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(learner.bp)
    app.register_blueprint(quiz.bp)
    app.register_blueprint(kit.bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(diagnostic_bp)
    app.register_blueprint(mentor_bp, url_prefix="/mentor")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    security.csrf.exempt(api_bp)  # bearer tokens, never cookies: nothing for a forged form to ride on
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(lti_bp)
    app.register_blueprint(company_bp)
