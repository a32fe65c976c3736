"""API tokens: sign in for a token, list and revoke your tokens."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_login import current_user
from marshmallow import fields, validate

from engagement.api.errors import fail
from engagement.api.schemas import ID, Strict, Text, UTCDateTime
from engagement.api.spec import api_blueprint
from engagement.auth import services
from engagement.auth.access import login_required, public
from engagement.auth.models import ApiToken
from engagement.extensions import db

blp = api_blueprint("tokens", __name__, "Tokens", "Bearer tokens for the API.")


class TokenRequest(Strict):
    email = Text(required=True, validate=validate.Length(min=1, max=254))
    password = Text(secret=True, required=True, validate=validate.Length(min=1, max=128))
    name = Text(
        load_default="API", validate=validate.Length(min=1, max=100), metadata={"example": "CRM"}
    )
    expires_in_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=365),
        metadata={"description": "Lifetime in days, 1 to 365 (default 30)."},
    )


class NewTokenSchema(Strict):
    id = fields.Integer(required=True)
    name = Text(required=True)
    token = Text(required=True, metadata={"description": "Shown once; send it as Bearer."})
    expires_at = UTCDateTime(required=True)


class TokenSchema(Strict):
    id = fields.Integer(required=True)
    name = Text(required=True)
    created_at = UTCDateTime(required=True)
    expires_at = UTCDateTime(required=True, allow_none=True)
    last_used_at = UTCDateTime(required=True, allow_none=True)


class TokenListSchema(Strict):
    items = fields.List(fields.Nested(TokenSchema), required=True)


@blp.route("/tokens", methods=["POST"])
@public
@blp.arguments(TokenRequest)
@blp.response(201, NewTokenSchema)
@blp.errors(401, 403, 422, 429)
@blp.doc(security=[])
def create_token(data: dict):
    """Get a token for your email and password (valid ``expires_in_days``, default 30, at most
    365; rate-limited). Changing or resetting the password revokes every token."""
    try:
        user = services.sign_in(data["email"], data["password"])
    except services.TooManyAttempts as error:
        fail(429, str(error), headers={"Retry-After": str(error.retry_after)})
    except services.AccountError:
        fail(401, "Wrong email or password, or the account is deactivated.")
    try:
        token, secret = services.issue_api_token(
            user, data["name"], lifetime=timedelta(days=data["expires_in_days"])
        )
    except services.EmailNotConfirmed as error:
        fail(403, str(error))
    return {"id": token.id, "name": token.name, "token": secret, "expires_at": token.expires_at}


@blp.route("/tokens", methods=["GET"])
@login_required
@blp.response(200, TokenListSchema)
@blp.errors(401)
def list_tokens():
    """Your tokens that are not revoked (the secrets are never shown again)."""
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    ).all()
    return {"items": tokens}


@blp.route(f"/tokens/<{ID}:token_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(401, 404)
def revoke_token(token_id: int):
    """Revoke one of your tokens."""
    try:
        services.revoke_api_token(current_user, token_id)
    except services.AccountError:
        fail(404, "No such token.")
    return ""
