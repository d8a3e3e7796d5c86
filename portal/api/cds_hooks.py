"""CDS Hooks 2.0: an EHR asks the portal for education cards when a clinician opens a patient's chart.

    GET  /cds-services                       discovery: the one `patient-view` service
    POST /cds-services/patient-education     cards for the prefetched problems and medicines

Mounted outside /api/v1: it is its own specification (https://cds-hooks.hl7.org/2.0/), with its own
authentication, so it is not in the portal's OpenAPI document. Every call carries a JWT signed by
an EHR listed in PORTAL_CDS_ISSUERS (`Authorization: Bearer`), as the specification describes:
RS384 or ES384, claims iss, sub, aud (the URL called), exp, iat and jti; a jti is accepted once.
Keys come from the local issuers file only: the portal never fetches a JWK Set (no `jku`).

The service answers from the static library alone: the prefetch is read in memory and dropped;
no patient record, no database write, nothing of it in a log. Problems are RFC 9457 documents.
"""
from __future__ import annotations

import threading
import time

import jwt
from flask import Blueprint, Flask, current_app, request
from werkzeug.exceptions import HTTPException

from portal.api.problems import from_http_exception, problem
from portal.care import cds

cds_hooks = Blueprint("cds_hooks", __name__, url_prefix="/cds-services")
ALGORITHMS = ("RS384", "ES384")
CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti"]
LEEWAY = 30  # seconds of clock difference allowed between the EHR and the portal
MAX_BODY = 1024 * 1024  # prefetch bundles of a long chart are larger than an API body


class Refused(Exception):
    """A call the service does not answer: status and a detail that says what to fix."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


@cds_hooks.errorhandler(Refused)
def _refused(error: Refused):
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if error.status == 401 else None
    return problem(error.status, {400: "Bad request", 401: "Unauthorized", 404: "Not found",
                                  412: "Precondition failed"}.get(error.status, "Error"), error.detail, headers=headers)


@cds_hooks.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return from_http_exception(error)


class SeenTokens:
    """The jti of each accepted token until it expires, so a token is used once (per process)."""

    def __init__(self):
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def first_use(self, issuer: str, jti: str, expires: float) -> bool:
        now = time.time()
        with self._lock:
            self._seen = {key: until for key, until in self._seen.items() if until + LEEWAY > now}
            if (issuer, jti) in self._seen:
                return False
            self._seen[(issuer, jti)] = expires
            return True


def verify(token: str, issuers: dict, audience: str, seen: SeenTokens) -> dict:
    """The token's claims, if an allow-listed issuer signed it for this URL and it is new; else Refused(401)."""
    try:
        header = jwt.get_unverified_header(token)
        claimed = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise Refused(401, "the bearer token is not a JWT") from None
    if header.get("alg") not in ALGORITHMS:
        raise Refused(401, f"sign the JWT with {' or '.join(ALGORITHMS)}, not {header.get('alg')}")
    keyset = issuers.get(claimed.get("iss"))
    if keyset is None:
        raise Refused(401, "the token's issuer (iss) is not registered with this portal; see README "
                           "'Connect your EHR'")
    keys = [key for key in keyset.keys if header.get("kid") in (None, key.key_id)]
    problem_seen = "no registered key of the issuer matches the token's kid"
    for key in keys:
        try:
            claims = jwt.decode(token, key.key, algorithms=[header["alg"]], audience=audience,
                                issuer=claimed["iss"], leeway=LEEWAY, options={"require": CLAIMS})
        except jwt.InvalidSignatureError:
            problem_seen = "the signature does not match the issuer's registered keys"
            continue
        except jwt.InvalidAudienceError:
            raise Refused(401, f"the token's audience (aud) must be the URL called: {audience}") from None
        except jwt.ExpiredSignatureError:
            raise Refused(401, "the token has expired (exp); send a new one with each call") from None
        except jwt.MissingRequiredClaimError as error:
            raise Refused(401, f"the token lacks the '{error.claim}' claim; send {', '.join(CLAIMS)}") from None
        except jwt.PyJWTError as error:
            raise Refused(401, f"the token is not valid: {error}") from None
        if not seen.first_use(claims["iss"], str(claims["jti"]), float(claims["exp"])):
            raise Refused(401, "this token (jti) was used already; sign a new one for each call")
        return claims
    raise Refused(401, problem_seen)


@cds_hooks.before_request
def _authenticate():
    """Every CDS Hooks route needs a valid JWT from a registered EHR."""
    request.max_content_length = MAX_BODY
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(401, "send 'Authorization: Bearer JWT', signed by a registered EHR (see README "
                           "'Connect your EHR')")
    verify(token.strip(), current_app.config["PORTAL_CDS_ISSUERS"], request.base_url,
           current_app.extensions["portal.cds_tokens"])




@cds_hooks.get("")
def discovery():
    return {"services": [cds.service(current_app.config["PORTAL_CLINIC_NAME"])]}


@cds_hooks.post("/<service_id>")
def call(service_id: str):
    """Cards for the prefetched problems and medicines, in the patient's language."""
    from portal.api.infobutton import concept_index
    from portal.api.search import absolute

    if service_id != cds.SERVICE_ID:
        raise Refused(404, f"no CDS service '{service_id}' here; the service is '{cds.SERVICE_ID}'")
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise Refused(400, "send the hook request as a JSON object (Content-Type: application/json)")
    if body.get("hook") != "patient-view":
        raise Refused(400, f"this service answers the 'patient-view' hook, not '{body.get('hook')}'")
    if not isinstance(body.get("hookInstance"), str) or not isinstance(body.get("context"), dict):
        raise Refused(400, "the request needs 'hookInstance' (a UUID) and 'context' (with patientId)")
    prefetch = body.get("prefetch")
    if not isinstance(prefetch, dict) or not ({"conditions", "medications"} & set(prefetch)):
        raise Refused(412, "send the 'conditions' and 'medications' prefetch the discovery lists; the portal "
                           "never calls your FHIR server")
    config = current_app.config
    return {"cards": cds.cards(concept_index(current_app), prefetch, config["PORTAL_LANGUAGES"],
                               config["PORTAL_CLINIC_NAME"], absolute(config["PORTAL_BASE_URL"]), absolute)}


def init_cds_hooks(app: Flask) -> None:
    """Mount the service; it needs no CSRF token (no cookies: a signed JWT) and is rate-limited like the API."""
    from portal.limits import api_limit

    app.extensions["portal.cds_tokens"] = SeenTokens()
    app.register_blueprint(cds_hooks)
    if "csrf" in app.extensions:
        app.extensions["csrf"].exempt(cds_hooks)
    app.extensions["portal.limiter"].limit(api_limit)(cds_hooks)
